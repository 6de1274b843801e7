extension PlanningRun {
  /// The free-order residency ILP: schedule and residency with "live bytes ≤ capacity", a
  /// relaxation of the joint problem, so its bound bounds every plan. Its residency is placed by
  /// the exact allocator; if the offsets provably do not fit, a no-good cut excludes that
  /// residency (and every one containing it) and the ILP is solved again, up to
  /// ``PlannerOptions/maxOffsetCuts`` times; then a slightly smaller capacity is tried.
  mutating func solveFreeOrder() {
    var f = ResidencyFormulation(problem: problem)
    f.objectiveFloor = regionFloor
    f.build()
    writeModel(f)
    if f.model.integerCount > options.maxIntegerVariables {
      note("free-order ILP skipped: \(groupThousands(f.model.integerCount)) integer variables exceed the limit of \(groupThousands(options.maxIntegerVariables))")
      lastModelSize = (f.model.variables.count, f.model.rows.count)
      return
    }
    var cuts = 0
    // A bound stays valid only while every excluded residency was proven not to fit.
    var cutsProven = true
    while shouldContinue && remaining > policy.minimumForSolve {
      guard let (result, residency) = solve(&f, limit: seconds(policy.freeOrderSolve), label: "free-order ILP") else { return }
      if cutsProven, let b = result.bound { incumbent.raiseBound(to: Int((b - 1e-6).rounded(.up))) }
      guard let residency else { return }
      let outcome = allocate(residency)
      if case .placed(let offsets) = outcome {
        offer(problem.emitEvents(residency, offsets: offsets))
        say(.solveFinished(label: "free order", termination: result.termination, objectiveBytes: incumbent.bytes, boundBytes: incumbent.bound))
        return
      }
      cuts += 1
      offerSchedule(residency.schedule)
      let proven: Bool
      if case .unknown = outcome {
        cutsProven = false
        proven = false
      } else {
        proven = true
        // A cut excludes a residency under every choice of in-place writes, concatenations, splits and pads,
        // and another choice might have placed: the bound after it is no longer proven.
        if problem.inPlaceWrites.contains(where: { !$0.isEmpty }) || !problem.concatsInPlace.isEmpty || !problem.splitsInPlace.isEmpty
          || !problem.padViews.isEmpty
        {
          cutsProven = false
        }
      }
      if cuts > options.maxOffsetCuts {
        if let events = packable(&f) { offer(events) }
        note("offsets did not fit \(cuts) optimal residencies")
        return
      }
      say(.offsetsNotPlaced(intervals: residency.intervals.count, proven: proven))
      f.excluded.append(ResidencyFormulation.cutSupport(residency))
    }
  }
}
