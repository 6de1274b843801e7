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
          placeOtherwise(&f, residency: residency, start: start)
        }
      }
      say(.solveFinished(label: "fixed order", termination: result.termination, objectiveBytes: incumbent.bytes, boundBytes: incumbent.bound))
    }
  }

  /// Other ways to place a residency the exact allocator did not: the executors on its order,
  /// first-fit around the offsets a baseline executor gave the same order, the order search's
  /// own residency, and the ILP again at a slightly smaller capacity.
  private mutating func placeOtherwise(_ f: inout ResidencyFormulation, residency: Residency, start: Plan?) {
    offerSchedule(residency.schedule)
    for policy in ReplacementPolicy.allCases {
      var executor = ReplacementExecutor(problem: problem, schedule: residency.schedule, policy: policy)
      let guide = problem.makePlan(events: executor.run(), info: PlannerInfo(method: kind.rawValue, status: .heuristic))
      if let events = problem.realize(residency, keepingOffsetsOf: guide) { offer(events) }
    }
    if let start, remaining > self.policy.minimumForSearchedStart, let values = f.assignment(for: start),
      let events = realize(f.decode(values))
    {
      offer(events)
    }
    if let events = packable(&f) { offer(events) }
  }

  /// Re-solves `f` with capacities a little below the real one until its residency packs (each
  /// step keeps the room its operator needs to run, so this applies at `M_R` too).
  mutating func packable(_ f: inout ResidencyFormulation) -> [PlanEvent]? {
    let real = problem.capacity
    for fraction in policy.reducedCapacities {
      let reduced = roundDown(Int(Double(real) * fraction), to: problem.alignment)
      guard remaining > policy.minimumForReducedCapacity, !isCancelled else { break }
      f.capacity = reduced
      defer { f.capacity = real }
      guard
        let (_, r) = solve(&f, limit: seconds(policy.reducedCapacitySolve), label: "ILP at \(Int(fraction * 100))% capacity"),
        let r, let events = realize(r)
      else { continue }
      return events
    }
    return nil
  }
}
