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
  public var kind: PlannerKind {
    switch (schedule, policy) {
    case (.default, .belady): return .defaultBelady
    case (.default, .greedy): return .defaultGreedy
    case (.minPeak, .belady): return .minPeakBelady
    case (.minPeak, .greedy): return .minPeakGreedy
    }
  }

  /// The four baselines.
  public static let all: [BaselinePlanner] = BaselineSchedule.allCases.flatMap { s in
    ReplacementPolicy.allCases.map { BaselinePlanner(schedule: s, policy: $0) }
  }

  public func makePlan(for problem: PlanningProblem) throws -> PlannerOutput {
    let clock = Stopwatch()
    let order =
      switch schedule {
      case .default: problem.graph.defaultSchedule
      case .minPeak: problem.budgets.mpSchedule
      }
    var executor = ReplacementExecutor(problem: problem, schedule: order, policy: policy)
    let plan = problem.makePlan(
      events: executor.run(), info: PlannerInfo(method: name, status: .heuristic, seconds: clock.seconds))
    let report = PlanningReport(
      planner: kind, path: .heuristic, termination: .heuristic, objectiveBytes: plan.traffic.nonCompulsoryBytes,
      boundBytes: nil, seconds: plan.planner.seconds)
    return PlannerOutput(plan: plan, report: report)
  }
}
