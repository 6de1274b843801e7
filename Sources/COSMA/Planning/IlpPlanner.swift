/// The optimal planner: an ILP over schedule and residency solved by CBC, with offsets placed by
/// the exact ``OffsetAllocator``.
///
/// 1. The four baselines run first; the best is the incumbent, so the result is never worse than
///    a baseline. When it moves no non-compulsory byte it is optimal.
/// 2. The step cover bound (``StepCoverBound``, at most ``TimePolicy/stepCoverBound`` of the time)
///    and the region bound (``RegionBound``, ``TimePolicy/regionBound`` of the time) often prove the
///    incumbent optimal outright; otherwise it becomes a row of the free-order model.
/// 3. The residency ILP with the schedule fixed to the best baseline's order (and to the minimum-
///    peak order) improves the incumbent quickly: these models are small.
/// 4. `ResidencyFormulation` with a free order is solved from that incumbent: schedule and
///    residency with "live bytes ≤ capacity", a relaxation of the joint problem, so its bound is
///    a lower bound on every plan.
/// 5. The solution's intervals are placed by the exact allocator. If they fit, the plan reaches
///    the relaxation's optimum and is optimal for the joint problem. If not, a no-good cut
///    excludes that residency (and every one containing it) and the ILP is solved again; after a
///    few cuts, a solve with a slightly smaller capacity looks for a residency that packs.
///
/// 6. Time the free-order ILP leaves (it stopped early without a proof) goes to the region bound
///    over fans and windows.
///
/// On a time limit the best verified plan is returned with the best bound and its gap.
public struct IlpPlanner: Planner {
  public var options: PlannerOptions
  public init(options: PlannerOptions = PlannerOptions()) { self.options = options }
  public var kind: PlannerKind { .ilp }

  public func makePlan(for problem: PlanningProblem) throws -> PlannerOutput {
    var run = try PlanningRun(problem: problem, options: options, kind: kind, path: .ilp)
    run.runJointILP()
    return run.finish()
  }
}

extension PlanningRun {
  /// The ILP path's stages after the baselines: region bound, fixed orders, free order.
  mutating func runJointILP() {
    if shouldContinue { stage(.stepCoverBound) { $0.proveStepCoverBound(share: $0.policy.stepCoverBound, fanShare: $0.policy.fanStepCoverBound) } }
    if shouldContinue { stage(.regionBound) { $0.proveRegionBound(share: $0.policy.regionBound) } }
    if shouldContinue { stage(.fixedOrder) { $0.improveWithFixedOrders() } }
    if shouldContinue { stage(.freeOrder) { $0.solveFreeOrder() } }
    if shouldContinue { stage(.boundWithTimeLeft) { $0.proveWithTheTimeLeft() } }
  }
}
