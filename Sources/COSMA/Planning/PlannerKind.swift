/// The planners COSMA offers, by the name `--planner` and plan files use.
public enum PlannerKind: String, Sendable, CaseIterable, Codable {
  /// The joint ILP when its free-order model is small enough for CBC, divide and conquer
  /// otherwise (``AutoPlanner``).
  case auto
  /// The optimal planner (``IlpPlanner``).
  case ilp
  /// Divide and conquer for large graphs (``DivideAndConquerPlanner``).
  case divideAndConquer = "divide-and-conquer"
  /// The best of the four baselines (``BestBaselinePlanner``).
  case bestBaseline = "best-baseline"
  /// The file's order with Belady replacement.
  case defaultBelady = "default-belady"
  /// The file's order with greedy replacement.
  case defaultGreedy = "default-greedy"
  /// A minimum-peak order with Belady replacement.
  case minPeakBelady = "minpeak-belady"
  /// A minimum-peak order with greedy replacement.
  case minPeakGreedy = "minpeak-greedy"

  /// The kind named `name`, accepting `dc` for divide and conquer.
  public init?(name: String) {
    if name == "dc" {
      self = .divideAndConquer
    } else {
      self.init(rawValue: name)
    }
  }

  /// The four baselines of the COSMA paper.
  public static let baselines: [PlannerKind] = [.defaultBelady, .defaultGreedy, .minPeakBelady, .minPeakGreedy]

  /// Whether this is one of the four baselines.
  public var isBaseline: Bool { Self.baselines.contains(self) }

  /// Whether this planner builds and solves ILPs (and so reads ``PlannerOptions``).
  public var isOptimizing: Bool {
    switch self {
    case .auto, .ilp, .divideAndConquer: return true
    default: return false
    }
  }

  /// One line on what the planner does.
  public var summary: String {
    switch self {
    case .auto: return "the joint ILP when the model is small enough, divide and conquer otherwise"
    case .ilp: return "the optimal planner: an ILP over order and residency solved by CBC"
    case .divideAndConquer: return "region bound, order search and exact windows, for large graphs"
    case .bestBaseline: return "the best of the four baselines"
    case .defaultBelady: return "the file's order, Belady replacement"
    case .defaultGreedy: return "the file's order, greedy replacement"
    case .minPeakBelady: return "a minimum-peak order, Belady replacement"
    case .minPeakGreedy: return "a minimum-peak order, greedy replacement"
    }
  }

  /// A planner of this kind; only the optimizing planners read `options`.
  public func planner(options: PlannerOptions = PlannerOptions()) -> any Planner {
    switch self {
    case .auto: return AutoPlanner(options: options)
    case .ilp: return IlpPlanner(options: options)
    case .divideAndConquer: return DivideAndConquerPlanner(options: options)
    case .bestBaseline: return BestBaselinePlanner()
    case .defaultBelady: return BaselinePlanner(schedule: .default, policy: .belady)
    case .defaultGreedy: return BaselinePlanner(schedule: .default, policy: .greedy)
    case .minPeakBelady: return BaselinePlanner(schedule: .minPeak, policy: .belady)
    case .minPeakGreedy: return BaselinePlanner(schedule: .minPeak, policy: .greedy)
    }
  }
}
