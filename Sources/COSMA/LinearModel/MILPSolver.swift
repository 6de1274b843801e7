/// Why a solve ended.
public enum Termination: Sendable, Equatable {
  /// The incumbent is proven optimal (within the requested gap, see ``SolveResult/bound``).
  case optimal
  /// The search stopped with an incumbent that is not proven optimal.
  case feasible(limit: SolveLimit)
  /// No solution exists.
  case infeasible
  /// The objective is unbounded below (the linear relaxation is unbounded).
  case unbounded
  /// The search stopped before any solution was found.
  case noSolution(limit: SolveLimit)
  /// The solver abandoned the search because of numerical difficulties.
  case numericalError
  /// The solver gave up for another reason, described by the text.
  case failed(String)

  /// Whether the solve returned an incumbent.
  public var hasSolution: Bool {
    switch self {
    case .optimal, .feasible: return true
    case .infeasible, .unbounded, .noSolution, .numericalError, .failed: return false
    }
  }
}

/// What stopped a search before it finished.
public enum SolveLimit: String, Sendable, CaseIterable {
  /// The wall-clock limit (``SolveOptions/timeLimit``).
  case time
  /// The relative gap (``SolveOptions/relativeGap``) was reached.
  case gap
  /// A limit on branch-and-bound nodes.
  case nodes
  /// A limit on the number of solutions found.
  case solutions
  /// A limit on simplex iterations.
  case iterations
  /// The caller (or a signal) interrupted the search.
  case interrupted
  /// The solver says it stopped on a limit without saying which.
  case unspecified
}

/// Settings of one solve.
public struct SolveOptions: Sendable {
  /// Wall-clock seconds; nil for none.
  public var timeLimit: Double?
  /// Branch-and-bound nodes; nil for none.
  public var nodeLimit: Int?
  /// Stop when `(incumbent − bound) / incumbent` is at most this.
  public var relativeGap: Double?
  /// A complete assignment to start from (one value per variable); the solver may reject it.
  public var mipStart: [Double]?
  /// How far from an integer an "integer" value may be.
  public var integerTolerance: Double = 1e-7
  /// Whether the solver may rewrite the model before branching (CBC's `preprocess`). Off costs
  /// speed on some models; CBC's preprocessing has crashed undoing itself after a stop on the
  /// time limit on large tiled graphs.
  public var preprocess = true
  /// Whether the solver runs its primal heuristics (CBC's feasibility pump, RINS, diving, ...).
  /// Their work is not in the node and iteration counts a solve reports, and a node limit does
  /// not bound it: deterministic mode turns them off (see `WorkLimitedSolver`).
  public var heuristics = true
  /// Whether the solver generates cutting planes. They tighten the bound, which a solve that
  /// only looks for a better plan than an incumbent does not need, and their root passes are
  /// not bounded by a node limit (see `WorkLimitedSolver`).
  public var cuts = true
  /// Whether the solver chooses its branching variables by strong branching (CBC's default:
  /// trial solves of the candidates' two branches, whose simplex iterations are not in the
  /// count a solve reports). Off, it branches on pseudo-costs alone.
  public var strongBranching = true

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
  /// Simplex iterations, when the solver reports them.
  public var iterations: Int

  public init(
    termination: Termination, objective: Double?, bound: Double?, values: [Double]?,
    seconds: Double, nodes: Int, iterations: Int = 0
  ) {
    self.iterations = iterations
    self.termination = termination
    self.objective = objective
    self.bound = bound
    self.values = values
    self.seconds = seconds
    self.nodes = nodes
  }

  /// A solve that produced nothing, for a solver that could not even start.
  public static func failed(_ why: String) -> SolveResult {
    SolveResult(termination: .failed(why), objective: nil, bound: nil, values: nil, seconds: 0, nodes: 0)
  }
}

/// A MILP solver: loads a model once, solves it once.
///
/// Planners receive their solver (``PlannerOptions/solver``), so that their logic can be tested
/// against a scripted one; ``CbcSolver`` is the default.
public protocol MILPSolver: Sendable {
  func solve(_ model: LinearModel, options: SolveOptions) -> SolveResult
}

extension Termination {
  /// A few words on why a solve ended.
  public var summary: String {
    switch self {
    case .optimal: return "optimal"
    case .feasible(let limit): return "stopped: \(limit.summary)"
    case .infeasible: return "infeasible"
    case .unbounded: return "unbounded"
    case .noSolution(let limit): return "no solution before it stopped: \(limit.summary)"
    case .numericalError: return "abandoned on numerical difficulties"
    case .failed(let why): return why
    }
  }
}

extension SolveLimit {
  /// A few words on the limit.
  public var summary: String {
    switch self {
    case .time: return "time limit"
    case .gap: return "gap reached"
    case .nodes: return "node limit"
    case .solutions: return "solution limit"
    case .iterations: return "iteration limit"
    case .interrupted: return "interrupted"
    case .unspecified: return "a limit"
    }
  }
}

/// A solver with preprocessing turned off in every solve (``SolveOptions/preprocess``).
public struct WithoutPreprocessing: MILPSolver {
  public var base: any MILPSolver
  public init(_ base: any MILPSolver) { self.base = base }
  public func solve(_ model: LinearModel, options: SolveOptions) -> SolveResult {
    var o = options
    o.preprocess = false
    return base.solve(model, options: o)
  }
}

extension PlanningProblem {
  /// The solver for this problem's ILPs: `base`, without preprocessing where the problem uses
  /// in-place memory (``PlanningProblem/usesInPlaceMemory``).
  public func solver(_ base: any MILPSolver) -> any MILPSolver {
    usesInPlaceMemory ? WithoutPreprocessing(base) : base
  }
}
