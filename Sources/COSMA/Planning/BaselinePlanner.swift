/// One of the COSMA paper's four baselines: a schedule (the file's order or a minimum-peak
/// order) followed with a replacement policy (Belady or greedy) and online best-fit offsets.
///
/// It always returns a valid plan when the capacity is at least `M_R`; it makes no optimality
/// claim.
public struct BaselinePlanner: Planner {
  public let schedule: BaselineSchedule
  public let policy: ReplacementPolicy

  public init(schedule: BaselineSchedule, policy: ReplacementPolicy) {
    self.schedule = schedule
    self.policy = policy
  }

  /// `default-belady`, `default-greedy`, `minpeak-belady`, `minpeak-greedy`.
  public var name: String { "\(schedule.rawValue)-\(policy.rawValue)" }

  /// The four baselines.
  public static let all: [BaselinePlanner] = BaselineSchedule.allCases.flatMap { s in
    ReplacementPolicy.allCases.map { BaselinePlanner(schedule: s, policy: $0) }
  }

  public func makePlan(for problem: PlanningProblem) throws -> Plan {
    let clock = Stopwatch()
    let order =
      switch schedule {
      case .default: problem.graph.defaultSchedule
      case .minPeak: problem.budgets.mpSchedule
      }
    var executor = ReplacementExecutor(problem: problem, schedule: order, policy: policy)
    let events = executor.run()
    return problem.makePlan(
      events: events,
      info: PlannerInfo(method: name, status: .heuristic, seconds: clock.seconds))
  }
}

/// Runs the four baselines and keeps the plan with the least non-compulsory traffic.
public struct BestBaselinePlanner: Planner {
  public init() {}
  public var name: String { "best-baseline" }

  public func makePlan(for problem: PlanningProblem) throws -> Plan {
    let clock = Stopwatch()
    var best: Plan?
    for baseline in BaselinePlanner.all {
      let p = try baseline.makePlan(for: problem)
      if best == nil || p.traffic.nonCompulsoryBytes < best!.traffic.nonCompulsoryBytes {
        best = p
      }
    }
    var plan = best!
    plan.planner.method = "best-baseline (\(plan.planner.method))"
    plan.planner.seconds = clock.seconds
    return plan
  }
}

/// The planners available by name (`--planner`).
public enum PlannerRegistry {
  /// Every planner name, in the order the CLI lists them.
  public static var names: [String] {
    ["auto", "ilp", "divide-and-conquer", "best-baseline"] + BaselinePlanner.all.map(\.name)
  }

  /// The planner with this name, or nil.
  public static func planner(named name: String, ilp: IlpOptions = IlpOptions()) -> (any Planner)? {
    switch name {
    case "auto": return AutoPlanner(options: ilp)
    case "ilp": return IlpPlanner(options: ilp)
    case "divide-and-conquer", "dc": return DivideAndConquerPlanner(options: ilp)
    case "best-baseline": return BestBaselinePlanner()
    default: return BaselinePlanner.all.first { $0.name == name }
    }
  }
}
