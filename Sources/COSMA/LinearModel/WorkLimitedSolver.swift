import Foundation

/// A solver whose time limits are work limits, for deterministic runs. Each solve's nodes and
/// simplex iterations are charged to the run's clock at the rates of ``WorkRates``; a limit of
/// `t` seconds becomes a node limit, from the simplex iterations per node the earlier solves of
/// the run took (CBC has no limit on iterations across its search). The same model and limit
/// then give the same result on any machine: CBC with one thread and no time limit is
/// deterministic.
///
/// The solver's primal heuristics are off: their work is in neither count, and on NASNet-A's
/// and PNASNet-5's windows (1,500 to 3,500 rows) they made a solve of 2 work seconds take 8 to
/// 20 s, where without them the charge is within a third of the time. (The window sweep also
/// turns cuts, preprocessing and strong branching off in deterministic mode: cuts' root passes
/// ran a PNASNet-5 window 14.5 s at node 0 for a share of 0.9 s, and strong branching's trial
/// solves are not in the iteration count.) A generous wall-clock limit stays as a safety net
/// for a root that never ends; when it stops a solve, the clock records what it stopped, and
/// that the run is no longer deterministic.
struct WorkLimitedSolver: MILPSolver {
  var base: any MILPSolver
  var rates: WorkRates
  var clock: RunClock
  private let history = History()

  init(base: any MILPSolver, rates: WorkRates, clock: RunClock) {
    self.base = base
    self.rates = rates
    self.clock = clock
  }

  /// Simplex iterations per branch-and-bound node over the run's solves so far, by the size of
  /// their models: NASNet-A's and PNASNet-5's windows of 1,500 to 2,200 rows took 150 to 950
  /// iterations a node, where the whole graph's fixed-order ILP of 16,000 to 29,000 rows took 16
  /// to 23, and a window's node limit from the run's mean ran five to ten times its share.
  private final class History: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [Int: (nodes: Int, iterations: Int)] = [:]
    /// Before any solve of a size branched: what the bundled models averaged, or the most any
    /// size took so far when that is more.
    static let initialIterationsPerNode = 60.0
    /// Models whose rows are within a factor of two of each other share a rate.
    static func sizeClass(rows: Int) -> Int { Int(log2(Double(max(1, rows)))) }
    static func rate(_ c: (nodes: Int, iterations: Int)) -> Double? {
      c.nodes < 20 ? nil : Double(c.iterations) / Double(c.nodes)
    }
    func iterationsPerNode(rows: Int) -> Double {
      lock.withLock {
        if let c = counts[Self.sizeClass(rows: rows)], let r = Self.rate(c) { return r }
        return counts.values.compactMap(Self.rate).reduce(Self.initialIterationsPerNode, max)
      }
    }
    func add(rows: Int, nodes n: Int, iterations i: Int) {
      guard n > 0 else { return }
      lock.withLock {
        let c = counts[Self.sizeClass(rows: rows), default: (0, 0)]
        counts[Self.sizeClass(rows: rows)] = (c.nodes + n, c.iterations + i)
      }
    }
  }

  func solve(_ model: LinearModel, options: SolveOptions) -> SolveResult {
    var o = options
    if let t = options.timeLimit {
      let secondsPerNode = 1 / rates.solverNodesPerSecond + history.iterationsPerNode(rows: model.rows.count) / rates.simplexIterationsPerSecond
      o.nodeLimit = min(options.nodeLimit ?? .max, max(1, Int(min(1e9, t / secondsPerNode))))
      o.timeLimit = t * rates.solverSafetyFactor + rates.solverSafetySeconds
    }
    o.heuristics = false
    let result = base.solve(model, options: o)
    history.add(rows: model.rows.count, nodes: result.nodes, iterations: result.iterations)
    clock.charge(
      Double(Self.branchingNodes(result.nodes, limit: o.nodeLimit)) / rates.solverNodesPerSecond
        + Double(result.iterations) / rates.simplexIterationsPerSecond)
    switch result.termination {
    case .feasible(limit: .time), .noSolution(limit: .time):
      let share = options.timeLimit ?? 0
      clock.recordWallClockCut(
        String(
          format: "a solve of %d variables and %d rows, given %.2f work seconds (%d nodes), stopped after %.1f s at node %d with %d simplex iterations",
          model.variables.count, model.rows.count, share, o.nodeLimit ?? 0, result.seconds, result.nodes, result.iterations))
    default: break
    }
    return result
  }

  /// The nodes charged as branch-and-bound nodes: at most the node limit. CBC's count also holds
  /// the nodes of its complete fathoming of small subtrees, which the limit does not count: a
  /// BERT-base solve limited to 1,125 nodes reported 70,569 of them, in 2.1 s. Their simplex
  /// iterations are still charged.
  static func branchingNodes(_ nodes: Int, limit: Int?) -> Int {
    min(nodes, limit ?? .max)
  }
}
