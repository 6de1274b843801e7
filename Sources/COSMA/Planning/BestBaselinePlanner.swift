/// Runs the four baselines and keeps the plan with the least non-compulsory traffic.
public struct BestBaselinePlanner: Planner {
  public init() {}
  public var kind: PlannerKind { .bestBaseline }

  public func makePlan(for problem: PlanningProblem) throws -> PlannerOutput {
    let clock = Stopwatch()
    var best: Plan?
    for baseline in BaselinePlanner.all {
      let p = try baseline.makePlan(for: problem).plan
      if best == nil || p.traffic.nonCompulsoryBytes < best!.traffic.nonCompulsoryBytes {
        best = p
      }
    }
    var plan = best!
    let report = PlanningReport(
      planner: kind, path: .heuristic, termination: .heuristic, objectiveBytes: plan.traffic.nonCompulsoryBytes,
      boundBytes: nil, seconds: clock.seconds, keptMethod: plan.planner.method)
    plan.planner = report.plannerInfo
    return PlannerOutput(plan: plan, report: report)
  }
}
