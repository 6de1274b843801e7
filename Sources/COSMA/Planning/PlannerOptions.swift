/// Settings of the optimizing planners (``IlpPlanner``, ``AutoPlanner``,
/// ``DivideAndConquerPlanner``).
public struct PlannerOptions: Sendable {
  /// Wall-clock seconds for the whole planner (baselines, bounds and every solve).
  public var timeLimit: Double = 60
  /// Stop when the relative gap between the plan and the bound is at most this.
  public var relativeGap: Double = 0
  /// How many residencies whose offsets do not fit may be excluded before giving up.
  public var maxOffsetCuts: Int = 8
  /// The largest ILP (integer variables) handed to the solver, free order or fixed. CBC does not
  /// check its time limit during the preprocessing of very large models, so larger free-order
  /// models are left to the fixed-order ILPs and the windows (and ``AutoPlanner`` takes divide
  /// and conquer), and larger fixed-order models are skipped.
  public var maxIntegerVariables: Int = 15_000
  /// Where to write the free-order ILP in LP format, if anywhere. It is written whichever path
  /// the planner takes, even when no solve needs it.
  public var lpPath: String?
  /// How the time limit is shared among the stages.
  public var timePolicy = TimePolicy()
  /// The MILP solver every ILP of the run goes to.
  public var solver: any MILPSolver = defaultMILPSolver
  /// Receives typed progress events (the library never prints).
  public var progress: (@Sendable (PlanningProgress) -> Void)?
  /// Stops the run between stages; so does cancelling the Swift task that runs the planner.
  public var cancellation: PlanningCancellation?
  /// Counts ``timeLimit`` in work instead of wall-clock seconds: solver nodes and simplex
  /// iterations, allocator search nodes and order-search evaluations, converted at the rates of
  /// ``TimePolicy/work``. The same input and options then give the same plan, byte for byte, on
  /// any machine and under any load; the wall-clock time it takes varies with the machine. The
  /// plan records it (``PlannerInfo/deterministic``) and its `seconds` are work seconds.
  public var deterministic = false
  /// The seed of the order search's random moves (divide and conquer): the same seed gives the
  /// same moves; another seed is another draw of the search's basins.
  public var seed: UInt64 = PlannerOptions.defaultSeed
  /// The seed unless one is given.
  public static let defaultSeed: UInt64 = 0x0DE5_EA7C
  /// Plans of the same graph to start from, such as plans made for a smaller scratchpad (every
  /// plan that fits a scratchpad fits a larger one): each is checked by the verifier against
  /// this problem and kept as the incumbent when it moves less than the best baseline, so a
  /// larger scratchpad never gets a worse plan than these. Plans of another graph are ignored.
  public var startPlans: [Plan] = []
  /// The clock of a run that continues another's (the tilings of one planning share one).
  var clock: RunClock?

  public init(timeLimit: Double = 60, relativeGap: Double = 0) {
    self.timeLimit = timeLimit
    self.relativeGap = relativeGap
  }

  /// Checks the numbers: a time limit in (0, 10^6] seconds, a gap in [0, 1), no negative counts.
  /// NaN and infinity fail. The planners call it before anything else.
  ///
  /// - Throws: ``InputError`` naming the option.
  public func validate() throws {
    func fail(_ element: String, _ rule: String) -> InputError {
      InputError(file: "planner options", element: element, rule: rule)
    }
    guard timeLimit.isFinite, timeLimit > 0, timeLimit <= 1e6 else {
      throw fail("timeLimit", "must be a number of seconds above 0 up to 1000000, got \(timeLimit)")
    }
    guard relativeGap.isFinite, relativeGap >= 0, relativeGap < 1 else {
      throw fail("relativeGap", "must be in [0, 1), got \(relativeGap)")
    }
    guard maxOffsetCuts >= 0 else { throw fail("maxOffsetCuts", "must not be negative, got \(maxOffsetCuts)") }
    guard maxIntegerVariables >= 0 else {
      throw fail("maxIntegerVariables", "must not be negative, got \(maxIntegerVariables)")
    }
  }
}
