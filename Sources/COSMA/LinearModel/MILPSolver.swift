/// Why a solve ended.
public enum Termination: Sendable, Equatable {
  /// The incumbent is proven optimal (within the requested gap, see ``SolveResult/bound``).
  case optimal
  /// A limit stopped the search with an incumbent.
  case feasible(limit: SolveLimit)
  /// No solution exists.
  case infeasible
  /// A limit stopped the search before any solution was found.
  case noSolution(limit: SolveLimit)
  /// The solver gave up for another reason.
  case failed(String)
}

/// The limit that stopped a solve.
public enum SolveLimit: String, Sendable {
  case time, gap, other
}

/// Settings of one solve.
public struct SolveOptions: Sendable {
  /// Wall-clock seconds; nil for none.
  public var timeLimit: Double?
  /// Stop when `(incumbent − bound) / incumbent` is at most this.
  public var relativeGap: Double?
  /// A complete assignment to start from (one value per variable); the solver may reject it.
  public var mipStart: [Double]?
  /// How far from an integer an "integer" value may be.
  public var integerTolerance: Double = 1e-7

  public init(timeLimit: Double? = nil, relativeGap: Double? = nil, mipStart: [Double]? = nil) {
    self.timeLimit = timeLimit
    self.relativeGap = relativeGap
    self.mipStart = mipStart
  }
}

/// What a solve returned.
public struct SolveResult: Sendable {
  public var termination: Termination
  /// The incumbent's objective (offset included), when there is one.
  public var objective: Double?
  /// The best proven bound on the objective (offset included).
  public var bound: Double?
  /// The incumbent, one value per variable.
  public var values: [Double]?
  public var seconds: Double
  public var nodes: Int

  public init(
    termination: Termination, objective: Double?, bound: Double?, values: [Double]?,
    seconds: Double, nodes: Int
  ) {
    self.termination = termination
    self.objective = objective
    self.bound = bound
    self.values = values
    self.seconds = seconds
    self.nodes = nodes
  }
}

/// A MILP solver: loads a model once, solves it once.
public protocol MILPSolver: Sendable {
  func solve(_ model: LinearModel, options: SolveOptions) -> SolveResult
}
