/// How an optimizing planner shares its time limit among its stages.
///
/// Every share is measured the same way: a fraction of the whole time limit `T`, clamped to a
/// floor and a ceiling in seconds, and never more than what is left of `T` when the stage
/// starts (``Share/seconds(total:remaining:)``). The guards say how much time must be left for a
/// stage to start at all. The defaults were measured on the bundled models (`make bench`, 30 s
/// per instance).
public struct TimePolicy: Sendable, Equatable {
  /// A fraction of the time limit with a floor and a ceiling in seconds.
  public struct Share: Sendable, Equatable {
    public var fraction: Double
    public var minimumSeconds: Double
    public var maximumSeconds: Double

    public init(_ fraction: Double, atLeast minimumSeconds: Double = 0, atMost maximumSeconds: Double = .infinity) {
      self.fraction = fraction
      self.minimumSeconds = minimumSeconds
      self.maximumSeconds = maximumSeconds
    }

    /// `fraction × total`, clamped to the floor and the ceiling, and to `remaining`.
    public func seconds(total: Double, remaining: Double) -> Double {
      min(remaining, min(maximumSeconds, max(minimumSeconds, fraction * total)))
    }
  }

  // MARK: Shares

  /// The step cover bound, first of the stages after the baselines (it ends sooner on most
  /// graphs: 1.3 s proves RandWire's 489,216 B at `M_R` with weights external).
  public var stepCoverBound = Share(0.04, atMost: 2.5)
  /// The fan reload bound with the step cover bound, on graphs with fans (NASNet-A at `M_R`
  /// needs 8 s to settle 14,521,704 B).
  public var fanStepCoverBound = Share(0.15, atMost: 10)
  /// The region bound over windows of the minimum-peak order, before the ILP path's solves.
  public var regionBound = Share(0.15)
  /// Divide and conquer's region bound over the fans of shared activations.
  public var fanBound = Share(0.3)
  /// Divide and conquer's region bound over windows when the fans prove nothing.
  public var fallbackRegionBound = Share(0.1)
  /// Divide and conquer's first order search. (It used to be 30% of what the bound left, about
  /// 20% of the limit on the NAS graphs; 30% of the limit left no time for the ILPs at 10 s.)
  public var orderSearch = Share(0.2)
  /// The shortest run an order search's share is cut into (see ``orderSearch``).
  public var orderSearchRunSeconds = 2.0
  /// The most runs one order search makes (runs that converge early are followed by more until
  /// the share is spent: a tiny graph's converge in milliseconds).
  public var orderSearchMaximumRuns = 64
  /// The first order search's share when its first run converges early (well within its part
  /// of ``orderSearch``): such a graph's runs are short draws of the basin, and the windows
  /// re-plan an order only locally (nn.Transformer: no gain in 30 s on any of its four
  /// instances).
  public var orderSearchConverging = Share(0.35)
  /// How many of such a search's next best orders the fixed-order ILP solves after the best
  /// (the estimate ranks the basins only roughly).
  public var orderSearchRunnersUp = 2
  /// Each later order search, once the windows stall.
  public var orderSearchAgain = Share(0.1)
  /// One residency ILP with the order fixed (at least half a second).
  public var fixedOrderSolve = Share(0.15, atLeast: 0.5)
  /// The fixed-order ILP again without a residency whose offsets do not fit.
  public var excludedResidencySolve = Share(0.1, atLeast: 0.5)
  /// One ILP at a reduced capacity, when a residency's offsets do not fit.
  public var reducedCapacitySolve = Share(0.1, atLeast: 0.5)
  /// One window of divide and conquer (between half a second and two seconds: CBC overruns
  /// short limits on wider windows).
  public var windowSolve = Share(1.0 / 30, atLeast: 0.5, atMost: 2)
  /// The free-order ILP: everything that is left.
  public var freeOrderSolve = Share(1)

  // MARK: Guards on what is left

  /// A window solve takes at most this fraction of what is left.
  public var windowFractionOfRemaining = 0.25
  /// The exact offset search for one residency takes this fraction of what is left, between
  /// ``allocatorMinimumSeconds`` and ``allocatorMaximumSeconds``, so that a hard packing never
  /// eats the solvers' time.
  public var allocatorFractionOfRemaining = 0.2
  public var allocatorMinimumSeconds = 0.05
  public var allocatorMaximumSeconds = 2.0
  /// Seconds that must be left to start a region bound or an order search.
  public var minimumForBound = 1.0
  /// Seconds that must be left to start another round of divide and conquer.
  public var minimumForAnotherRound = 4.0
  /// Seconds that must be left to start a pass of windows.
  public var minimumForWindows = 1.5
  /// Seconds that must be left to solve one more window (CBC may overrun a short limit by a
  /// second or two on these models).
  public var minimumForWindowSolve = 3.0
  /// Seconds that must be left to try the order search's own residency as a start.
  public var minimumForSearchedStart = 2.0
  /// Seconds that must be left to try a reduced capacity.
  public var minimumForReducedCapacity = 0.5
  /// Seconds that must be left for any solve.
  public var minimumForSolve = 0.05
  /// The integer variables a region bound's CBC root is counted to get through per second in the
  /// last stage, the bound with the time left, where an overrun is past the limit: a region
  /// whose root would not finish in time at this rate is left out. One region of a tiled S3D
  /// took 5.2 s with at most 3,625 integers, 700 a second, where such models usually take 2,500
  /// (the stages before it count 2,500: what they overrun, the later stages give back).
  public var lastBoundIntegersPerSecond = 700.0

  // MARK: Sizes

  /// Operators per region of the region bound over windows.
  public var regionSize = 32
  /// How many more spills a residency whose offsets do not fit may be given, one at a time
  /// where it fills the scratchpad most, before the reduced capacities.
  public var reliefs = 4
  /// Capacities tried, as fractions of the real one, when a residency's offsets do not fit.
  public var reducedCapacities = [0.98, 0.95, 0.9, 0.8]
  /// Divide and conquer's window widths cycle through these multiples of its first width.
  public var windowGrowth = [1.0, 1.5, 2.0]

  // MARK: Work

  /// How work converts to seconds in deterministic mode.
  public var work = WorkRates()

  public init() {}

  /// The exact allocator's seconds when `remaining` seconds are left.
  public func allocatorSeconds(remaining: Double) -> Double {
    min(allocatorMaximumSeconds, max(allocatorMinimumSeconds, remaining * allocatorFractionOfRemaining))
  }
}
