/// A stage of an optimizing planner's run.
public enum PlanningStage: String, Sendable, CaseIterable, Codable {
  /// The four baselines; the best is the first incumbent.
  case baselines
  /// The step cover bound: a search over the orders for the costliest step none avoids
  /// (``StepCoverBound``).
  case stepCoverBound = "step cover bound"
  /// The region bound over windows of the minimum-peak order (``RegionBound``).
  case regionBound = "region bound"
  /// The region bound over the fans of shared activations.
  case fanBound = "fan bound"
  /// Simulated annealing over the order (``OrderSearch``).
  case orderSearch = "order search"
  /// Residency ILPs with the order fixed.
  case fixedOrder = "fixed-order ILP"
  /// The free-order residency ILP, with no-good cuts when offsets do not fit.
  case freeOrder = "free-order ILP"
  /// Divide and conquer's windows of the order, each re-planned exactly.
  case windows
  /// The region bound again, over fans and windows, with the time the other stages left.
  case boundWithTimeLeft = "bound with the time left"
}

/// Which way a planner went.
public enum PlanningPath: Sendable, Equatable {
  /// A baseline: no search, no bound beyond its own plan.
  case heuristic
  /// The optimal planner's stages, asked for directly.
  case ilp
  /// The automatic planner chose the joint ILP: its free-order model has this many integer
  /// variables, within the limit.
  case jointILP(integerVariables: Int)
  /// Divide and conquer: asked for directly (`nil`s), or chosen by the automatic planner because
  /// the joint ILP would have `integerVariables`, over `limit`.
  case divideAndConquer(integerVariables: Int?, limit: Int?)

  /// The path in words, when the planner chose it (nil when it was asked for).
  public var words: String? {
    switch self {
    case .heuristic, .ilp, .divideAndConquer(nil, _): return nil
    case .jointILP(let n): return "joint ILP: \(groupThousands(n)) integer variables"
    case .divideAndConquer(let n?, let limit):
      return "divide and conquer: the joint ILP would have \(groupThousands(n)) integer variables"
        + (limit.map { " (limit \(groupThousands($0)))" } ?? "")
    }
  }
}

/// How a planning run ended.
public enum PlanningTermination: String, Sendable, Codable {
  /// The plan is proven optimal (no plan moves fewer non-compulsory bytes).
  case optimal
  /// The plan is within the requested relative gap of the bound.
  case gapReached = "gap reached"
  /// The time limit ended the run with a gap open.
  case timeLimit = "time limit"
  /// Every stage ran within the limit without closing the gap.
  case stagesExhausted = "stages exhausted"
  /// The caller cancelled the run.
  case cancelled
  /// A heuristic: no optimality claim.
  case heuristic
}

/// One stage's time and where it left the plan and the bound.
public struct StageReport: Sendable, Equatable {
  public var stage: PlanningStage
  public var seconds: Double
  /// Non-compulsory bytes of the incumbent when the stage ended.
  public var objectiveBytes: ByteCount
  /// The proven bound when the stage ended.
  public var boundBytes: ByteCount
  /// ILPs solved during the stage.
  public var solves: Int
}

/// How a plan was found: the planner, its path, how it ended, the bound and every stage.
///
/// The plan file's method line (``method``) and the CLI's summary line (``summary``) are both
/// derived from it.
public struct PlanningReport: Sendable, Equatable {
  public var planner: PlannerKind
  public var path: PlanningPath
  public var termination: PlanningTermination
  /// Non-compulsory bytes of the plan.
  public var objectiveBytes: ByteCount
  /// A proven lower bound on the non-compulsory bytes of every plan (the plan's own bytes for a
  /// heuristic, which proves nothing: see ``termination``).
  public var boundBytes: ByteCount?
  public var seconds: Double
  public var stages: [StageReport]
  /// The method of the plan that was kept, when another planner produced it (a baseline the
  /// search did not beat).
  public var keptMethod: String?
  /// The size of the last ILP solved, and how many were solved.
  public var modelVariables: Int?
  public var modelRows: Int?
  public var solves: Int
  /// Why a stage stopped early, in words (offsets that never fit, a model over the limit).
  public var notes: [String]
  /// Where the free-order model was written in LP format (``PlannerOptions/lpPath``), if it was.
  public var modelFile: String?
  /// Whether every decision of the run was taken on work alone (``PlannerOptions/deterministic``);
  /// ``seconds`` and the stages' seconds are then work seconds.
  public var deterministic = false

  public init(
    planner: PlannerKind, path: PlanningPath, termination: PlanningTermination, objectiveBytes: ByteCount,
    boundBytes: ByteCount?, seconds: Double, stages: [StageReport] = [], keptMethod: String? = nil,
    modelVariables: Int? = nil, modelRows: Int? = nil, solves: Int = 0, notes: [String] = [],
    modelFile: String? = nil
  ) {
    self.planner = planner
    self.path = path
    self.termination = termination
    self.objectiveBytes = objectiveBytes
    self.boundBytes = boundBytes
    self.seconds = seconds
    self.stages = stages
    self.keptMethod = keptMethod
    self.modelVariables = modelVariables
    self.modelRows = modelRows
    self.solves = solves
    self.notes = notes
    self.modelFile = modelFile
  }

  /// The plan's status in the plan file.
  public var status: PlanStatus {
    switch termination {
    case .optimal: return .optimal
    case .heuristic: return .heuristic
    case .gapReached, .timeLimit, .stagesExhausted, .cancelled: return .feasible
    }
  }

  /// `(objective − bound) / objective`; 0 when proven, nil without a bound.
  public var relativeGap: Double? {
    guard let b = boundBytes, termination != .heuristic else { return nil }
    if objectiveBytes <= b { return 0 }
    return Double(objectiveBytes - b) / Double(objectiveBytes)
  }

  /// The plan file's method line: the planner, the plan it kept if another made it, the path.
  public var method: String {
    var text = planner.rawValue
    if let keptMethod { text += planner == .bestBaseline ? " (\(keptMethod))" : " (kept \(keptMethod))" }
    if let p = path.words { text += "; \(p)" }
    return text
  }

  /// What the plan file records of the run.
  public var plannerInfo: PlannerInfo {
    var info = PlannerInfo(
      method: method, status: status, objectiveBytes: objectiveBytes,
      boundBytes: termination == .heuristic ? nil : boundBytes, seconds: seconds, deterministic: deterministic)
    if solves > 0 || modelVariables != nil {
      info.modelVariables = modelVariables
      info.modelRows = modelRows
      info.solves = solves
    }
    return info
  }

  /// One line for a person: planner, result, bound and how the run ended.
  public var summary: String {
    var text = "\(method): \(groupThousands(objectiveBytes)) B non-compulsory, \(termination.rawValue)"
    if termination != .optimal, termination != .heuristic, let b = boundBytes, let g = relativeGap {
      text += String(format: ", bound %@ B (gap %.1f%%)", groupThousands(b), g * 100)
    }
    return text
  }
}
