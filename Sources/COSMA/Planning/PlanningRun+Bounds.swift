extension PlanningRun {
  /// The step cover bound (see ``StepCoverBound``) within `share` of the time limit, and the
  /// fan reload bound with it (``PlanningProblem/fanReloadsWithStepCover(maxSteps:orders:above:continuing:shouldStop:)``)
  /// within `fanShare`: their steps are work in deterministic mode. Neither is searched when the
  /// best baseline's order or the minimum-peak order has no step costing more than the bound
  /// already proven (on nn.Transformer the order-free bounds count more than any one step).
  ///
  /// Not on tiled graphs: their thousands of live tiles make one pass over an order take a
  /// third of a second (a tiled R(2+1)D of 6,543 operators), more than the share at 10 s.
  mutating func proveStepCoverBound(share: TimePolicy.Share, fanShare: TimePolicy.Share) {
    guard shouldContinue, !problem.graph.isTiled, remaining > policy.minimumForBound else { return }
    let orders = [best.schedule, problem.budgets.mpSchedule]
    if let most = orders.compactMap({ problem.costliestStep(of: $0) }).min(), most <= incumbent.bound {
      note("step cover bound not searched: an order has no step costing more than the bound")
    } else {
      let (maxSteps, stop) = stepLimits(share)
      let r = problem.stepCoverBound(maxSteps: maxSteps, orders: orders, shouldStop: stop)
      chargeSteps(r.steps)
      stepCover = r
      incumbent.raiseBound(to: r.bytes)
      say(.stepCoverBound(r))
    }
    guard shouldContinue, remaining > policy.minimumForBound else { return }
    proveWaitingBound(share: fanShare)
    guard shouldContinue, remaining > policy.minimumForBound else { return }
    let (maxSteps, stop) = stepLimits(fanShare)
    // The step cover search with the fans starts at what the bound already holds beyond them:
    // a level it passes proves more, and an order it finds there ends it.
    let fans = problem.fanReloadBound
    let start = incumbent.bound > fans ? StepCoverBound(bytes: incumbent.bound - fans, levels: 0, states: 0, steps: 0, isExact: false) : nil
    if let found = problem.fanReloadsWithStepCover(
      maxSteps: maxSteps, orders: orders, above: incumbent.bound, continuing: start, shouldStop: stop)
    {
      chargeSteps(found.steps.steps)
      fanStepCover = found.steps
      incumbent.raiseBound(to: found.bytes)
      say(.note("fan reload bound with the step cover bound: \(groupThousands(found.bytes)) B (\(found.steps.levels) levels, \(groupThousands(found.steps.states)) sets of operators\(found.steps.isExact ? "" : ", stopped"))"))
    }
  }

  /// The waiting bound (see ``WaitingBound``), alone and with the fans, within `share` of the
  /// time limit (its orders are work in deterministic mode): a fraction of a second on the
  /// bundled models, where it proves what waits across the NAS stems' branches.
  private mutating func proveWaitingBound(share: TimePolicy.Share) {
    let seconds = self.seconds(share)
    let rate = policy.work.waitingOrdersPerSecond
    let maxNodes = clock.deterministic ? Int(seconds * rate / 2) : 1_000_000
    let (clock, deadline) = (self.clock, self.clock.seconds + seconds)
    let stop: () -> Bool = clock.deterministic ? { false } : { clock.seconds > deadline }
    let alone = problem.waitingBound(maxNodes: maxNodes, shouldStop: stop)
    clock.charge(Double(alone.nodes) / rate)
    incumbent.raiseBound(to: alone.bytes)
    let fans = problem.fanReloadsWithWaiting(maxNodes: maxNodes, shouldStop: stop)
    if let fans {
      clock.charge(Double(fans.waiting.nodes) / rate)
      incumbent.raiseBound(to: fans.bytes)
    }
    guard alone.bytes > 0 || fans != nil else { return }
    let withFans = fans.map { ", \(groupThousands($0.bytes)) B with the fans" } ?? ""
    let complete = alone.isComplete && fans?.waiting.isComplete != false
    say(.note("waiting bound: \(groupThousands(alone.bytes)) B alone\(withFans) (\(groupThousands(alone.nodes + (fans?.waiting.nodes ?? 0))) orders of up to \(WaitingBound.maxOperators) operators\(complete ? "" : ", stopped"))"))
  }

  /// A step cover search's limits for `share` of the time limit: steps in deterministic mode,
  /// a deadline otherwise.
  private func stepLimits(_ share: TimePolicy.Share) -> (maxSteps: Int, shouldStop: () -> Bool) {
    let seconds = self.seconds(share)
    if clock.deterministic { return (Int(seconds * policy.work.stepCoverStepsPerSecond), { false }) }
    let (clock, deadline) = (self.clock, self.clock.seconds + seconds)
    return (50_000_000, { clock.seconds > deadline })
  }

  /// Charges a step cover search's steps to a deterministic clock.
  private func chargeSteps(_ steps: Int) { clock.charge(Double(steps) / policy.work.stepCoverStepsPerSecond) }

  /// The region bound (see ``RegionBound``) over windows of the minimum-peak order and over the
  /// fans, within `share` of the time limit. It bounds the free-order ILP too, which gets it as
  /// a row: CBC stops as soon as an incumbent reaches it.
  mutating func proveRegionBound(share: TimePolicy.Share) {
    guard shouldContinue, remaining > policy.minimumForBound else { return }
    let r = problem.regionLowerBound(
      regionSize: policy.regionSize, timeLimit: seconds(share), maxIntegers: options.maxIntegerVariables, solver: solver, clock: clock,
      memo: regionMemo, progress: regionProgress)
    noteRegionBound(r, "windows")
  }

  /// The region bound over the fans of shared activations, with windows of the minimum-peak
  /// order over the rest (as `cosma bound` charges them), within `share` of the time limit: on
  /// NAS graphs it proves the spills their stems force. When the fans prove nothing, regions of
  /// the minimum-peak order get the ``TimePolicy/fallbackRegionBound`` share instead.
  mutating func proveFanBound(share: TimePolicy.Share) {
    guard shouldContinue, remaining > policy.minimumForBound else { return }
    let fans = problem.fanAndWindowRegions(regionSize: policy.regionSize)
    if !fans.isEmpty {
      let r = problem.regionLowerBound(
        regions: fans, timeLimit: seconds(share), maxIntegers: options.maxIntegerVariables, solver: solver, clock: clock,
        memo: regionMemo, progress: regionProgress)
      noteRegionBound(r, "fans")
    }
    if regionFloor == 0 { proveRegionBound(share: policy.fallbackRegionBound) }
  }

  /// The time the other stages left, spent on the bound `cosma bound` computes (fans and
  /// windows, the better), solving again only what the earlier bounds did not settle: the
  /// bound a run reports is then what the whole limit proves, not only the bound stage's share.
  ///
  /// Not in deterministic mode: there a solve's node limit does not bound CBC's root, and the
  /// many small solves of a last-second bound took nn.Transformer's 10 s run to 11.4 s of work.
  mutating func proveWithTheTimeLeft() {
    guard shouldContinue, !clock.deterministic, remaining > policy.minimumForBound else { return }
    // A step cover search stopped by its share resumes first, with half of what is left
    // (RandWire at `M_R` with weights external, 10 s: 366,912 B in the share, 489,216 B here).
    if let s = stepCover, !s.isExact {
      let (clock, deadline) = (self.clock, self.clock.seconds + remaining / 2)
      let r = problem.stepCoverBound(
        orders: [best.schedule, problem.budgets.mpSchedule], continuing: s, shouldStop: { clock.seconds > deadline })
      stepCover = r
      incumbent.raiseBound(to: r.bytes)
      say(.stepCoverBound(r))
      guard shouldContinue, remaining > policy.minimumForBound else { return }
    }
    if let s = fanStepCover, !s.isExact {
      let (clock, deadline) = (self.clock, self.clock.seconds + remaining / 2)
      if let r = problem.fanReloadsWithStepCover(
        orders: [best.schedule, problem.budgets.mpSchedule], continuing: s, shouldStop: { clock.seconds > deadline })
      {
        fanStepCover = r.steps
        incumbent.raiseBound(to: r.bytes)
      }
      guard shouldContinue, remaining > policy.minimumForBound else { return }
    }
    let r = problem.regionLowerBound(
      regionSize: policy.regionSize, timeLimit: remaining - policy.minimumForSolve, maxIntegers: options.maxIntegerVariables,
      rootIntegersPerSecond: policy.lastBoundIntegersPerSecond, solver: solver, clock: clock, memo: regionMemo,
      progress: regionProgress)
    noteRegionBound(r, "fans and windows")
  }

  private var regionProgress: (@Sendable (RegionBound.Progress) -> Void)? {
    guard let progress = options.progress else { return nil }
    return { progress(.region($0)) }
  }

  private mutating func noteRegionBound(_ r: RegionBound, _ kind: String) {
    regionFloor = max(regionFloor, r.bytes)
    incumbent.raiseBound(to: r.bytes)
    say(.regionBound(kind: kind, bytes: r.bytes, regions: r.regions.count, exact: r.regions.filter(\.isExact).count))
  }
}
