/// Divide and conquer, for graphs too large for the joint ILP.
///
/// 1. The step cover bound (``StepCoverBound``), then the region bound over the fans of shared
///    activations (``RegionBound``; windows of the minimum-peak order when the fans prove
///    nothing).
/// 2. A local search over the order (``OrderSearch``).
/// 3. The residency ILP with the order fixed to the searched order, the best baseline's and the
///    minimum-peak order (small even for large graphs).
/// 4. The best order cut into overlapping windows of operators, each re-planned exactly — order
///    and residency — by the residency ILP with everything outside it fixed (the tensors
///    crossing its boundaries keep their state), offsets placed by the exact allocator for the
///    whole plan, accepted only when the verifier passes it and it moves less (``WindowSweep``).
///
/// While time is left after the windows stall, the order search starts again from the best
/// plan, then the fixed-order ILP on its order and the windows. When a round improves nothing,
/// the time left goes to the region bound over fans and windows. The shares are in
/// ``TimePolicy``.
public struct DivideAndConquerPlanner: Planner {
  public var options: PlannerOptions
  /// Operators per window at first (the widths grow by ``TimePolicy/windowGrowth``).
  public var window: Int = DivideAndConquerPlanner.initialWindow
  /// The default first window width.
  public static let initialWindow = 16

  public init(options: PlannerOptions = PlannerOptions()) { self.options = options }
  public var kind: PlannerKind { .divideAndConquer }

  public func makePlan(for problem: PlanningProblem) throws -> PlannerOutput {
    var run = try PlanningRun(
      problem: problem, options: options, kind: kind, path: .divideAndConquer(integerVariables: nil, limit: nil))
    run.divideAndConquer(width: window)
    return run.finish()
  }
}

extension PlanningRun {
  /// Divide and conquer's stages after the baselines (see ``DivideAndConquerPlanner``).
  mutating func divideAndConquer(width: Int) {
    if shouldContinue { stage(.stepCoverBound) { $0.proveStepCoverBound(share: $0.policy.stepCoverBound, fanShare: $0.policy.fanStepCoverBound) } }
    if shouldContinue { stage(.fanBound) { $0.proveFanBound(share: $0.policy.fanBound) } }
    if shouldContinue {
      stage(.orderSearch) { $0.improveOrder(share: $0.policy.orderSearch, converging: $0.policy.orderSearchConverging) }
    }
    if shouldContinue { stage(.fixedOrder) { $0.improveWithFixedOrders() } }
    if shouldContinue { stage(.windows) { $0.improveWithWindows(width: width) } }
    while shouldContinue && remaining > policy.minimumForAnotherRound {
      let before = incumbent.bytes
      stage(.orderSearch) { $0.improveOrder(share: $0.policy.orderSearchAgain) }
      if shouldContinue { stage(.fixedOrder) { $0.improveWithFixedOrders(searchedOnly: true) } }
      if shouldContinue { stage(.windows) { $0.improveWithWindows(width: width) } }
      if incumbent.bytes >= before { break }
    }
    if shouldContinue { stage(.boundWithTimeLeft) { $0.proveWithTheTimeLeft() } }
  }

  /// Simulated annealing over the incumbent's order for `share` of the time limit (see
  /// ``OrderSearch``), or for `converging` when its first run converges early; the executors'
  /// plans for the order found are offered, and the order and its residency are kept for the
  /// fixed-order ILP.
  mutating func improveOrder(share: TimePolicy.Share, converging: TimePolicy.Share? = nil) {
    // Offering the order found runs the executors again, two policies and the search's own
    // residency, about three quarters of what the four baselines took: on a tiled R(2+1)D of
    // 6,500 operators 1.6 s, which the search leaves so that the stage ends within the limit.
    let offering = 0.75 * (stages.first { $0.stage == .baselines }?.seconds ?? 0)
    guard shouldContinue, remaining - offering > policy.minimumForBound else { return }
    var search = OrderSearch(problem: problem, seed: options.seed)
    let origin = firstSearchStart ?? best.schedule
    firstSearchStart = nil
    let before = search.spillCost(origin)
    let time = min(seconds(share), remaining - offering)
    let longer = converging.map { max(time, min(seconds($0), remaining - offering)) } ?? time
    var deadline = clock.seconds + time
    // The share is cut into up to four runs of at least 2 s (one below a 10 s limit), each
    // annealing to its own deadline (their random moves differ), and the best is kept: the
    // annealing's temperature falls with the time left, so one long run stays hot until its
    // patience ends it (RandWire at `M_R` with weights external: an estimate of 856,128 B in a
    // 12 s share, 733,824 B in a 2 s one), and the search lands in one of several basins
    // (nn.Transformer with weights external at `M_H`: orders whose plans moved 1.8% or 5.3% more
    // than the bound). A run that converges early leaves its time to the next, and runs start
    // until the share is spent: on a small graph a run converges in a second or two, and each
    // is another draw of the basin (nn.Transformer with weights external at `M_R`: a third of
    // the runs of 2 s end within 5% of the bound, some within 0.5%).
    let runs = max(1, min(4, Int(time / policy.orderSearchRunSeconds)))
    let firstStart = clock.seconds
    let firstEnd = firstStart + time / Double(runs)
    var found = search.improve(
      origin, until: firstEnd, clock: clock, floor: incumbent.bound, operatorsPerSecond: policy.work.orderOperatorsPerSecond)
    // A run that converged (ended before its deadline) also shows how long this graph needs:
    // the runs after it get that much and a quarter, so that they cool before their patience
    // ends them (hot, they settle in worse basins: on nn.Transformer 8 of 24 runs of 1.5 s or
    // 2 s reached 5% of the bound, 2 of 24 of 3 s, which converged in 1.8 s); never less than
    // the time a run must have left to start. A run that makes no move at all, on a graph with
    // a single order, ends the runs, and so does ``TimePolicy/orderSearchMaximumRuns``.
    // Such a graph also gets the longer share `converging`, when given: every run is another
    // draw of the basin, where the windows after the search re-plan an order only locally and
    // gain nothing on these graphs (nn.Transformer with weights external at `M_H`: one run in
    // eight lands in the basin from which the fixed-order ILP reaches the optimum, and the
    // windows spent 30 s without a gain on each of the four instances).
    // The estimate ranks the basins only roughly (nn.Transformer with weights external at
    // `M_R`, deterministic: the best estimate of 8 runs gave the fixed-order ILP a plan 0.4%
    // from the bound, that of 15 runs one 3.3% from it), so the next best orders of such a
    // search are kept for the fixed-order ILP too.
    var slot = time / Double(runs)
    var converged = false
    // A run that ended before its deadline without reaching the bound: the first such run sets
    // the slot of the runs after it and the longer share (a run's length varies with its moves:
    // on nn.Transformer the first of four 3 s runs sometimes uses all of its time).
    func check(_ run: (schedule: [OperatorID], traffic: ByteCount), began: Double, end: Double) {
      guard !converged, clock.seconds < end, run.traffic > incumbent.bound else { return }
      converged = true
      slot = min(slot, max(policy.minimumForBound, 1.25 * (clock.seconds - began)))
      deadline = firstStart + longer
    }
    check(found, began: firstStart, end: firstEnd)
    var ends = [found]
    var k = 1
    while found.traffic > incumbent.bound, deadline - clock.seconds > policy.minimumForBound, k < policy.orderSearchMaximumRuns,
      !isCancelled
    {
      let (began, end) = (clock.seconds, clock.seconds + min(slot, (deadline - clock.seconds) / Double(max(1, runs - k))))
      // Until a run converges, each run starts from the best order so far: runs that use all
      // of their time (a large graph's) are cooled by their deadline, and the next one anneals
      // again from the basin the best reached, at the lower temperature of its estimate.
      // PNASNet-5 in the scratchpad at `M_H`, deterministic: from the baselines' order 3 of 32
      // runs of 3 s (eight seeds) reached 8,584,812 B, most settled at 9,328,824 B; with each
      // run after the first starting from the best, three of four first searches reached
      // 8,584,812 B (two seeds, and two runs with a wall clock), the fourth the next search.
      let from = converged ? origin : found.schedule
      let again = search.improve(
        from, until: end, clock: clock, floor: incumbent.bound, operatorsPerSecond: policy.work.orderOperatorsPerSecond)
      k += 1
      ends.append(again)
      if again.traffic < found.traffic { found = again }
      if clock.seconds - began < 1e-3 { break }
      check(again, began: began, end: end)
    }
    let problem = self.problem
    let start = { (order: [OperatorID]) in
      problem.makePlan(events: search.residencyEvents(order), info: PlannerInfo(method: "order search", status: .heuristic))
    }
    searchedOrder = found.schedule
    searchedStart = start(found.schedule)
    runnersUp = []
    if converged && converging != nil {
      for end in ends.sorted(by: { $0.traffic < $1.traffic }) where runnersUp.count < policy.orderSearchRunnersUp {
        if end.schedule != found.schedule && !runnersUp.contains(where: { $0.order == end.schedule }) {
          runnersUp.append((end.schedule, start(end.schedule)))
        }
      }
    }
    offerSchedule(found.schedule)
    say(.orderSearch(estimateBefore: before, estimateAfter: found.traffic, objectiveBytes: incumbent.bytes, runs: k))
  }
}
