extension PlanningRun {
  /// Divide and conquer's windows: the incumbent's order cut into overlapping windows of
  /// operators, each re-planned exactly (order and residency) by the residency ILP with every
  /// variable outside the window fixed to the incumbent and substituted out before the solver
  /// sees the model. A window's plan is kept only when its offsets are placed (around the
  /// incumbent's, else by the exact allocator), the verifier accepts it and it moves less.
  ///
  /// Passes cycle through the widths `initial × ` ``TimePolicy/windowGrowth``, each starting at
  /// another offset so that window boundaries move; a whole cycle without improvement ends the
  /// sweep. (CBC overruns its limit badly on wider windows: 30 s on 64 operators of
  /// pnasnet5large.)
  /// The most integers a window's model may have before the variables outside the window are
  /// fixed and removed.
  static let maximumWindowModelIntegers = 1_500_000

  mutating func improveWithWindows(width initial: Int) {
    let n = problem.graph.operators.count
    let widths = policy.windowGrowth.map { max(4, min(Int(Double(initial) * $0), n)) }
    var windowsSolved = 0
    var failures = 0
    var pass = 0
    var sinceImprovement = 0
    // What building a window's model took last (it covers the whole graph, seconds on a large
    // tiled one): no window is started that could not be built and solved in the time left.
    var buildCost = 0.0
    sweep: while remaining > policy.minimumForWindows && sinceImprovement < widths.count && !isCancelled {
      let width = widths[pass % widths.count]
      let before = incumbent.bytes
      if before == 0 { break }
      var a = (pass * 5) % max(1, width / 2)
      pass += 1
      while a < n && remaining > policy.minimumForWindows && !isCancelled {
        let window = a...min(n - 1, a + width - 1)
        a += max(1, width / 2)
        guard problem.movesNonCompulsoryBytes(best, near: window) else { continue }
        guard remaining > 1.5 * buildCost + policy.minimumForWindowSolve else { break sweep }
        let beforeBuild = remaining
        var f = ResidencyFormulation(
          problem: problem, windows: ScheduleWindows(schedule: best.schedule, free: window, graph: problem.graph))
        // The model covers the whole graph before the variables outside the window are fixed:
        // past a million or so integers building it alone takes several seconds.
        let least = f.integerLowerBound()
        if least > Self.maximumWindowModelIntegers {
          note("windows skipped: a window's model has at least \(groupThousands(least)) integer variables before fixing (limit \(groupThousands(Self.maximumWindowModelIntegers)))")
          break sweep
        }
        // About 2 µs an integer to build (2 s for 1.1 million on a tiled Llama block).
        guard remaining > Double(least) * 2e-6 + policy.minimumForWindowSolve else { break sweep }
        f.build()
        buildCost = max(0, beforeBuild - remaining)
        guard let start = f.assignment(for: best) else {
          failures += 1
          continue
        }
        f.fix(outside: window, to: start)
        guard let (reduced, expand) = f.model.removingFixedVariables() else {
          failures += 1
          continue
        }
        lastModelSize = (reduced.variables.count, reduced.rows.count)
        guard remaining > policy.minimumForWindowSolve else { break }
        let limit = policy.windowSolve.seconds(total: options.timeLimit, remaining: remaining * policy.windowFractionOfRemaining)
        // No MIP start here: with one, CBC 2.10's cut generators crashed (a null dereference in
        // libCgl) on a pnasnet5large window; the incumbent outside the window is kept anyway.
        // A window only looks for a better plan, which cuts do not find; in deterministic mode
        // their root passes, which no node limit bounds, ran a PNASNet-5 window 14.5 s at node 0
        // for a share of 0.9 s (see `WorkLimitedSolver`). Without them, with weights external
        // at `M_H`, its windows found the 8.7% plan of the timed runs, where they found nothing.
        // Nor are CBC's preprocessing and strong branching counted: with them, PNASNet-5's
        // windows in the scratchpad at `M_R` took 1.5 to 8 s each, and the run 140 s of
        // wall-clock time for 58 s of work; without strong branching 0.2 to 0.7 s, and 58 s.
        var o = SolveOptions(timeLimit: limit)
        o.cuts = !clock.deterministic
        o.preprocess = !clock.deterministic
        o.strongBranching = !clock.deterministic
        let result = solver.solve(reduced, options: o)
        solves += 1
        windowsSolved += 1
        // Only a window solution that moves fewer bytes is worth placing.
        guard let reducedValues = result.values, let objective = result.objective,
          objective < Double(incumbent.bytes) - 0.5
        else { continue }
        let residency = f.decode(expand(reducedValues))
        let beforeWindow = incumbent.bytes
        if let events = problem.realize(residency, keepingOffsetsOf: best) { offer(events) }
        if incumbent.bytes == beforeWindow {
          if let events = realize(residency) { offer(events) } else { failures += 1 }
        }
      }
      say(.windows(width: width, objectiveBytes: incumbent.bytes, solved: windowsSolved, notPlaced: failures))
      sinceImprovement = incumbent.bytes < before ? 0 : sinceImprovement + 1
    }
  }
}

extension PlanningProblem {
  /// Whether `plan` moves non-compulsory bytes within the steps of `window` or next to them: a
  /// reload, a load of a tensor produced earlier, or a store of something but an output.
  func movesNonCompulsoryBytes(_ plan: Plan, near window: ClosedRange<Step>) -> Bool {
    var step = 0
    var loaded = Set<TensorID>()
    var produced = Set<TensorID>()
    for e in plan.events {
      switch e {
      case .run(let o):
        for t in graph[o].outputs { produced.insert(t) }
        step += 1
      case .load(let t, _):
        if !loaded.insert(t).inserted || produced.contains(t), window.contains(step) { return true }
      case .store(let t):
        if graph[t].kind != .output, window.contains(max(0, step - 1)) { return true }
      default: break
      }
    }
    return false
  }
}
