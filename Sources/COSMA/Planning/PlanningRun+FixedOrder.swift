extension PlanningRun {
  /// Residency ILPs with the order fixed: small models, good incumbents, no global bound. The
  /// orders are the searched one (if any), the order search's runners-up, the incumbent's and
  /// the minimum-peak order; with `searchedOnly`, the searched one alone.
  mutating func improveWithFixedOrders(searchedOnly: Bool = false) {
    var starts: [(order: [OperatorID], start: Plan?)] = []
    if let searchedOrder { starts.append((searchedOrder, searchedStart)) }
    if !searchedOnly {
      starts += runnersUp.map { ($0.order, $0.start) }
      starts += [(best.schedule, nil), (problem.budgets.mpSchedule, nil)]
    }
    runnersUp = []
    var orders: [[OperatorID]] = []
    for (order, _) in starts where !orders.contains(order) { orders.append(order) }
    for order in orders where shouldContinue {
      var f = ResidencyFormulation(problem: problem, schedule: order)
      let start = starts.first { $0.order == order }?.start
      guard let (result, residency) = solve(&f, limit: seconds(policy.fixedOrderSolve), label: "fixed-order ILP", start: start)
      else { return }
      if let residency {
        if let events = realize(residency) {
          offer(events)
        } else {
          say(.note("offsets of the fixed-order residency not placed; trying other placements"))
          // Within one more such solve, so that the orders after this one keep theirs.
          placeOtherwise(&f, residency: residency, start: start, within: seconds(policy.fixedOrderSolve))
        }
      }
      say(.solveFinished(label: "fixed order", termination: result.termination, objectiveBytes: incumbent.bytes, boundBytes: incumbent.bound))
    }
  }

  /// Other ways to place a residency the exact allocator did not: the executors on its order,
  /// first-fit around the offsets a baseline executor gave the same order, the order search's
  /// own residency (when the ILP returned another), the ILP again without that residency
  /// (starting from the residency relieved by one spill where it fills the scratchpad most,
  /// ``PlanningProblem/relieved(_:)``), that relieved residency itself and relieved again, up to
  /// ``TimePolicy/reliefs`` spills, and the ILP at a slightly smaller capacity.
  ///
  /// At exactly `M_R` a residency may not pack (PNASNet-5 with weights external: 16,788,060 B,
  /// neither the exact allocator nor SuperMalloc placed it in 20 s), while another of about the
  /// same traffic does: the ILP without it found one of 16,997,148 B in 6 s, where every smaller
  /// capacity costs a spill more (98%: 18,693,180 B). Without a start that solve sometimes ends
  /// at 17,532,072 B (10.6% above the bound); from the relieved residency 16,892,604-16,997,148 B,
  /// but once with a residency that did not pack either (the minimum-peak order's plan,
  /// 22,485,384 B), which the relieved residency placed itself turns into 16,892,604 B. On
  /// NASNet-A, whose fullest step holds one operator alone, the solve without a start ended at
  /// 20,590,788-26,037,348 B; relieved at the fullest step at which a tensor waits, 16,853,568 B,
  /// and the relieved residency is placed first when the solve's moves more.
  private mutating func placeOtherwise(_ f: inout ResidencyFormulation, residency: Residency, start: Plan?, within seconds: Double) {
    let deadline = elapsed + seconds
    offerSchedule(residency.schedule)
    for policy in ReplacementPolicy.allCases {
      var executor = ReplacementExecutor(problem: problem, schedule: residency.schedule, policy: policy)
      let guide = problem.makePlan(events: executor.run(), info: PlannerInfo(method: kind.rawValue, status: .heuristic))
      if let events = problem.realize(residency, keepingOffsetsOf: guide) { offer(events) }
    }
    if let start, remaining > self.policy.minimumForSearchedStart, let values = f.assignment(for: start) {
      let searched = f.decode(values)
      if searched.intervals != residency.intervals, let events = realize(searched) {
        offer(events)
        return
      }
    }
    f.excluded.append(ResidencyFormulation.cutSupport(residency))
    defer { f.excluded.removeLast() }
    let limit = min(self.seconds(policy.excludedResidencySolve), deadline - elapsed)
    let relieved = problem.relieved(residency)
    let relievedStart = relieved.map(unplaced)
    var other: Residency?
    if let (_, r) = solve(&f, limit: limit, label: "fixed-order ILP without that residency", start: relievedStart) { other = r }
    // The re-solve's residency first unless it moves more than the relieved one (CBC may end
    // with a worse one when the start does not help it), then the relieved residency, relieved
    // again at its next tightest step while it does not pack.
    func moves(_ r: Residency) -> ByteCount { unplaced(r).traffic.nonCompulsoryBytes }
    let otherFirst = other.map { o in relievedStart.map { moves(o) <= $0.traffic.nonCompulsoryBytes } ?? true } ?? false
    if otherFirst, let other, let events = realize(other) {
      offer(events)
      return
    }
    var next = relieved
    for _ in 0..<policy.reliefs where elapsed < deadline && !isCancelled {
      guard let r = next else { break }
      if let events = realize(r) {
        offer(events)
        return
      }
      next = problem.relieved(r)
    }
    if !otherFirst, let other, let events = realize(other) {
      offer(events)
      return
    }
    if let events = packable(&f, until: deadline) { offer(events) }
  }

  /// Re-solves `f` with capacities a little below the real one until its residency packs (each
  /// step keeps the room its operator needs to run, so this applies at `M_R` too). With the
  /// order fixed, each solve starts from the Belady residency of the order at that capacity.
  /// Solves end by `deadline` (seconds into the run) when one is given.
  mutating func packable(_ f: inout ResidencyFormulation, until deadline: Double = .infinity) -> [PlanEvent]? {
    let real = problem.capacity
    let order = f.fixedSchedule
    for fraction in policy.reducedCapacities {
      let reduced = roundDown(Int(Double(real) * fraction), to: problem.alignment)
      let limit = min(seconds(policy.reducedCapacitySolve), deadline - elapsed)
      guard remaining > policy.minimumForReducedCapacity, limit > policy.minimumForReducedCapacity, !isCancelled else { break }
      f.capacity = reduced
      defer { f.capacity = real }
      let start = order.map { beladyStart($0, capacity: reduced) }
      guard
        let (_, r) = solve(&f, limit: limit, label: "ILP at \(Int(fraction * 100))% capacity", start: start),
        let r, let events = realize(r)
      else { continue }
      return events
    }
    return nil
  }

  /// A residency's plan with every offset 0: not placed, but its events and traffic are the
  /// residency's (a start for the ILP).
  func unplaced(_ r: Residency) -> Plan {
    problem.makePlan(
      events: problem.emitEvents(r, offsets: [ByteCount](repeating: 0, count: r.intervals.count)),
      info: PlannerInfo(method: "unplaced", status: .heuristic))
  }

  /// The Belady residency of `order` with live bytes kept to `capacity` (a step whose operator
  /// needs more keeps its working set alone), as a start for a fixed-order ILP.
  func beladyStart(_ order: [OperatorID], capacity: ByteCount) -> Plan {
    var belady = OrderSearch(problem: problem)
    belady.capacity = capacity
    return problem.makePlan(events: belady.residencyEvents(order), info: PlannerInfo(method: "belady", status: .heuristic))
  }
}
