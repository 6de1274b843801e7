/// Runs the four baselines and keeps the plan with the least non-compulsory traffic.
public struct BestBaselinePlanner: Planner {
  public init() {}
  public var kind: PlannerKind { .bestBaseline }

  public func makePlan(for problem: PlanningProblem) throws -> PlannerOutput {
    try makePlan(for: problem) { _ in true }
  }

  /// The baselines in the order they are run: the minimum-peak order first, and Belady before
  /// greedy, the ones that most often move least (a tie keeps the earlier).
  static let preferred: [BaselinePlanner] = [
    BaselinePlanner(schedule: .minPeak, policy: .belady), BaselinePlanner(schedule: .default, policy: .belady),
    BaselinePlanner(schedule: .minPeak, policy: .greedy), BaselinePlanner(schedule: .default, policy: .greedy),
  ]

  /// Runs the baselines in ``preferred`` order while `goOn`, given the seconds the last one
  /// took, says so (the first always runs), and keeps the plan that moves least.
  func makePlan(for problem: PlanningProblem, while goOn: (Double) -> Bool) throws -> PlannerOutput {
    let clock = Stopwatch()
    var best: Plan?
    var skipped = 0
    var last: Double?
    for (i, baseline) in Self.preferred.enumerated() {
      if let last, !goOn(last) {
        skipped = Self.preferred.count - i
        break
      }
      let began = clock.seconds
      let p = try baseline.makePlan(for: problem).plan
      last = clock.seconds - began
      if best == nil || p.traffic.nonCompulsoryBytes < best!.traffic.nonCompulsoryBytes {
        best = p
      }
    }
    var plan = best!
    var report = PlanningReport(
      planner: kind, path: .heuristic, termination: .heuristic, objectiveBytes: plan.traffic.nonCompulsoryBytes,
      boundBytes: nil, seconds: clock.seconds, keptMethod: plan.planner.method)
    if skipped > 0 { report.notes.append("\(skipped) of the \(Self.preferred.count) baselines left out for time") }
    plan.planner = report.plannerInfo
    return PlannerOutput(plan: plan, report: report)
  }
}
