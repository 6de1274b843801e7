import Foundation

/// Settings of the optimal planner.
public struct IlpOptions: Sendable {
  /// Wall-clock seconds for the whole planner (baselines and every solve).
  public var timeLimit: Double = 60
  /// Stop when the relative gap between the plan and the bound is at most this.
  public var relativeGap: Double = 0
  /// How many residencies whose offsets do not fit may be excluded before giving up.
  public var maxOffsetCuts: Int = 8
  /// The largest free-order ILP (integer variables) that is attempted. CBC does not check its
  /// time limit during the preprocessing of very large models, so larger ones are left to the
  /// fixed-order ILPs.
  public var maxIntegerVariables: Int = 15_000
  /// Where to write the free-order ILP in LP format, if anywhere.
  public var lpPath: String?
  /// Receives progress lines (the library never prints).
  public var progress: (@Sendable (String) -> Void)?

  public init(timeLimit: Double = 60, relativeGap: Double = 0) {
    self.timeLimit = timeLimit
    self.relativeGap = relativeGap
  }
}

/// The optimal planner: an ILP over schedule and residency solved by CBC, with offsets placed by
/// the exact ``OffsetAllocator``.
///
/// 1. The four baselines run first; the best is the incumbent, so the result is never worse than
///    a baseline. When it moves no non-compulsory byte it is optimal.
/// 2. The residency ILP with the schedule fixed to the best baseline's order (and to the minimum-
///    peak order) improves the incumbent quickly: these models are small.
/// 3. `ResidencyFormulation` with a free order is solved from that incumbent: schedule and
///    residency with "live bytes ≤ capacity", a relaxation of the joint problem, so its bound is
///    a lower bound on every plan.
/// 4. The solution's intervals are placed by the exact allocator. If they fit, the plan reaches
///    the relaxation's optimum and is optimal for the joint problem. If not, a no-good cut
///    excludes that residency (and every one containing it) and the ILP is solved again; after a
///    few cuts, a solve with a slightly smaller capacity looks for a residency that packs.
///
/// On a time limit the best verified plan is returned with the best bound and its gap.
public struct IlpPlanner: Planner {
  public var options: IlpOptions
  public init(options: IlpOptions = IlpOptions()) { self.options = options }
  public var name: String { "ilp" }

  public func makePlan(for problem: PlanningProblem) throws -> Plan {
    var run = IlpRun(problem: problem, options: options, name: name)
    try run.start()
    if !run.isProven { run.proveRegionBound(share: 0.15) }
    if !run.isProven { run.improveWithFixedOrders() }
    if !run.isProven { run.solveFreeOrder() } else { run.dumpModel() }
    return run.finish()
  }
}

/// The automatic planner (the CLI's default): the joint ILP when the model is small enough for
/// CBC, divide and conquer otherwise; both start from the best baseline and never return worse.
/// The plan's method says which path ran and why.
public struct AutoPlanner: Planner {
  public var options: IlpOptions
  public init(options: IlpOptions = IlpOptions()) { self.options = options }
  public var name: String { "auto" }

  public func makePlan(for problem: PlanningProblem) throws -> Plan {
    var run = IlpRun(problem: problem, options: options, name: name)
    try run.start()
    if run.isProven { return run.finish() }
    // The free-order model's size decides: it has one integer per operator and feasible step,
    // and one per tensor and step of its window.
    let size = ResidencyFormulation.integerEstimate(problem)
    if size <= options.maxIntegerVariables {
      run.path = "joint ILP: \(groupThousands(size)) integer variables"
      run.proveRegionBound(share: 0.15)
      if !run.isProven { run.improveWithFixedOrders() }
      if !run.isProven { run.solveFreeOrder() }
    } else {
      run.path = "divide and conquer: the joint ILP would have \(groupThousands(size)) integer variables (limit \(groupThousands(options.maxIntegerVariables)))"
      run.say(run.path)
      run.divideAndConquer()
    }
    return run.finish()
  }
}

/// Divide and conquer, for graphs too large for the joint ILP: first the region bound over the
/// fans of shared activations (``RegionBound``), then a local search over the order
/// (``OrderSearch``), then the residency ILP with the order fixed to the searched order, the best
/// baseline's and the minimum-peak order (small even for large graphs), then the best order cut
/// into overlapping windows of operators, each re-planned exactly — order and residency — by the
/// residency ILP with everything outside it fixed (the tensors crossing its boundaries keep their
/// state), offsets placed by the exact allocator for the whole plan, accepted only when the
/// verifier passes it and it moves less. Windows of 16, 24 and 32 operators sweep the order in
/// turn, their boundaries shifted each pass, until a whole cycle without improvement; time left
/// goes to another round of order search from the best plan.
public struct DivideAndConquerPlanner: Planner {
  public var options: IlpOptions
  /// Operators per window at first.
  public var window: Int = 16
  public init(options: IlpOptions = IlpOptions()) { self.options = options }
  public var name: String { "divide-and-conquer" }

  public func makePlan(for problem: PlanningProblem) throws -> Plan {
    var run = IlpRun(problem: problem, options: options, name: name)
    try run.start()
    run.divideAndConquer(width: window)
    return run.finish()
  }
}

/// The state of one optimal-planner run.
private struct IlpRun {
  let problem: PlanningProblem
  let options: IlpOptions
  let name: String
  let clock = Stopwatch()
  var best: Plan!
  var bound = 0
  var solves = 0
  var lastSize = (0, 0)
  var note = ""
  /// Which path the automatic planner took, and why.
  var path = ""
  /// The best region bound found: a bound on the free-order ILP as well.
  var regionFloor = 0
  /// The order found by `improveOrder`, if it ran.
  var searchedOrder: [OperatorID]?
  /// Its residency without offsets: the MIP start of the fixed-order ILP on it.
  var searchedStart: Plan?

  init(problem: PlanningProblem, options: IlpOptions, name: String) {
    self.problem = problem
    self.options = options
    self.name = name
  }

  var isProven: Bool { best.traffic.nonCompulsoryBytes <= bound }
  /// Time the exact offset search may take for one residency: a fifth of what is left, between
  /// 50 ms and 2 s, so that a hard packing never eats the solver's time limit.
  var allocatorLimit: Duration { .milliseconds(Int(max(50, min(2000, remaining * 200)))) }

  var remaining: Double { options.timeLimit - clock.seconds }
  func say(_ line: String) { options.progress?(line) }

  mutating func start() throws {
    best = try BestBaselinePlanner().makePlan(for: problem)
    bound = problem.spillLowerBound
    say("best baseline: \(groupThousands(best.traffic.nonCompulsoryBytes)) B non-compulsory (\(best.planner.method))")
  }

  /// Keeps `events` as the incumbent when the verifier accepts them and they move less.
  mutating func offer(_ events: [PlanEvent]) {
    let candidate = problem.makePlan(events: events, info: PlannerInfo(method: name, status: .feasible))
    if candidate.traffic.nonCompulsoryBytes < best.traffic.nonCompulsoryBytes,
      Verifier(graph: problem.graph).isValid(candidate)
    {
      best = candidate
    }
  }

  /// Solves one formulation from the incumbent; returns the solver's result and the residency.
  mutating func solve(_ f: inout ResidencyFormulation, share: Double, label: String, start: Plan? = nil) -> (SolveResult, Residency?)? {
    let limit = min(remaining, max(0.5, options.timeLimit * share))
    if limit <= 0.05 { return nil }
    f.build()
    let model = f.model
    say("\(label): \(groupThousands(model.variables.count)) variables (\(groupThousands(model.integerCount)) integer), \(groupThousands(model.rows.count)) rows, up to \(String(format: "%.1f", limit)) s")
    var o = SolveOptions(timeLimit: limit, relativeGap: options.relativeGap > 0 ? options.relativeGap : nil)
    o.mipStart = f.assignment(for: start ?? best)
    let result = CbcSolver().solve(model, options: o)
    solves += 1
    lastSize = (model.variables.count, model.rows.count)
    return (result, result.values.map(f.decode))
  }

  /// Divide and conquer (see ``DivideAndConquerPlanner``): the region bound, the order search,
  /// the fixed-order ILPs and the windows; while time is left after the windows stall, the order
  /// search starts again from the best plan.
  mutating func divideAndConquer(width: Int = 16) {
    proveFanBound(share: 0.3)
    improveOrder(share: 0.3)
    if !isProven { improveWithFixedOrders() }
    if !isProven { improveWithWindows(width: width) }
    while !isProven && remaining > 4 {
      let before = best.traffic.nonCompulsoryBytes
      improveOrder(share: 0.4)
      if !isProven { improveWithFixedOrders(searchedOnly: true) }
      if !isProven { improveWithWindows(width: width) }
      if best.traffic.nonCompulsoryBytes >= before { break }
    }
  }

  /// The region bound over the fans of shared activations (see ``RegionBound``), within a
  /// `share` of the time limit: on NAS graphs it proves the spills their stems force. When the
  /// fans prove nothing, regions of the minimum-peak order get a third of that time instead.
  mutating func proveFanBound(share: Double) {
    guard !isProven, remaining > 1 else { return }
    let fans = problem.fanRegions()
    if !fans.isEmpty {
      let r = problem.regionLowerBound(regions: fans, timeLimit: min(remaining, options.timeLimit * share))
      noteRegionBound(r, "fans")
    }
    if regionFloor == 0 { proveRegionBound(share: share / 3) }
  }

  /// The region bound (see ``RegionBound``) over windows of the minimum-peak order and over the
  /// fans, within a `share` of the time limit. It is a bound on the free-order ILP too, which
  /// gets it as a row: CBC stops as soon as an incumbent reaches it.
  mutating func proveRegionBound(share: Double) {
    guard !isProven, remaining > 1 else { return }
    let r = problem.regionLowerBound(regionSize: 32, timeLimit: min(remaining, options.timeLimit * share))
    noteRegionBound(r, "windows")
  }

  mutating func noteRegionBound(_ r: RegionBound, _ kind: String) {
    regionFloor = max(regionFloor, r.bytes)
    bound = max(bound, r.bytes)
    say("region bound (\(kind)): \(groupThousands(r.bytes)) B over \(r.regions.count) regions (\(r.regions.filter(\.isExact).count) solved exactly)")
  }

  /// Local search over the incumbent's order for a `share` of the time left (see ``OrderSearch``).
  mutating func improveOrder(share: Double) {
    guard !isProven, remaining > 1 else { return }
    var search = OrderSearch(problem: problem)
    let before = search.spillCost(best.schedule)
    let found = search.improve(best.schedule, until: clock.seconds + remaining * share, clock: clock)
    searchedOrder = found.schedule
    searchedStart = problem.makePlan(
      events: search.residencyEvents(found.schedule), info: PlannerInfo(method: "order search", status: .heuristic))
    offerSchedule(found.schedule)
    say("order search: \(groupThousands(before)) → \(groupThousands(found.traffic)) B estimated; \(groupThousands(best.traffic.nonCompulsoryBytes)) B")
  }

  /// Residency ILPs with the order fixed: small models, good incumbents, no global bound.
  mutating func improveWithFixedOrders(searchedOnly: Bool = false) {
    var orders = [best.schedule]
    if let searchedOrder, searchedOrder != best.schedule { orders.insert(searchedOrder, at: 0) }
    if problem.budgets.mpSchedule != best.schedule { orders.append(problem.budgets.mpSchedule) }
    if searchedOnly { orders = searchedOrder.map { [$0] } ?? [] }
    for order in orders where !isProven {
      var f = ResidencyFormulation(problem: problem, schedule: order)
      let start = order == searchedOrder ? searchedStart : nil
      guard let (result, residency) = solve(&f, share: 0.15, label: "fixed-order ILP", start: start) else { return }
      if let residency {
        if let events = problem.realize(residency, timeLimit: allocatorLimit) {
          offer(events)
        } else {
          say("offsets of the fixed-order residency not placed; trying other placements")
          offerSchedule(residency.schedule)
          // First-fit around the offsets a baseline executor gave the same order, or the order
          // search's own residency, may pack where the exact allocator gave up.
          for policy in ReplacementPolicy.allCases {
            var executor = ReplacementExecutor(problem: problem, schedule: residency.schedule, policy: policy)
            let guide = problem.makePlan(events: executor.run(), info: PlannerInfo(method: name, status: .heuristic))
            if let events = problem.realize(residency, keepingOffsetsOf: guide) { offer(events) }
          }
          if let start, remaining > 2, let values = f.assignment(for: start),
            let events = problem.realize(f.decode(values), timeLimit: allocatorLimit)
          {
            offer(events)
          }
          if let events = packable(&f, residency: residency) { offer(events) }
        }
      }
      say("fixed order: \(groupThousands(best.traffic.nonCompulsoryBytes)) B (\(describe(result.termination)))")
    }
  }

  /// Offers the online replacement executor's plans for the schedule of a residency that did
  /// not pack: always valid, and usually much better than a baseline's order.
  mutating func offerSchedule(_ schedule: [OperatorID]) {
    for policy in ReplacementPolicy.allCases {
      var executor = ReplacementExecutor(problem: problem, schedule: schedule, policy: policy)
      offer(executor.run())
    }
  }

  /// Re-solves `f` with capacities a little below the real one until the residency packs.
  mutating func packable(_ f: inout ResidencyFormulation, residency: Residency) -> [PlanEvent]? {
    let real = problem.capacity
    for fraction in [0.98, 0.95, 0.9, 0.8] {
      let reduced = roundDown(Int(Double(real) * fraction), to: problem.alignment)
      guard reduced >= problem.budgets.mr, remaining > 0.5 else { break }
      f.capacity = reduced
      defer { f.capacity = real }
      guard let (_, r) = solve(&f, share: 0.1, label: "ILP at \(Int(fraction * 100))% capacity"),
        let r, let events = problem.realize(r, timeLimit: allocatorLimit)
      else { continue }
      return events
    }
    return nil
  }

  /// The free-order residency ILP, with no-good cuts when offsets do not fit.
  /// Writes the free-order model to `options.lpPath`, when asked, even if no solve needs it.
  func dumpModel(_ f: ResidencyFormulation? = nil) {
    guard let path = options.lpPath else { return }
    var model = f
    if model == nil {
      var built = ResidencyFormulation(problem: problem)
      built.build()
      model = built
    }
    try? model!.model.lpText().write(toFile: path, atomically: true, encoding: .utf8)
  }

  mutating func solveFreeOrder() {
    var f = ResidencyFormulation(problem: problem)
    f.objectiveFloor = regionFloor
    f.build()
    dumpModel(f)
    if f.model.integerCount > options.maxIntegerVariables {
      note = "free-order ILP skipped: \(groupThousands(f.model.integerCount)) integer variables exceed the limit of \(groupThousands(options.maxIntegerVariables))"
      say(note)
      lastSize = (f.model.variables.count, f.model.rows.count)
      return
    }
    var cuts = 0
    // A bound stays valid only while every excluded residency was proven not to fit.
    var cutsProven = true
    while !isProven && remaining > 0.05 {
      guard let (result, residency) = solve(&f, share: 1, label: "free-order ILP") else { return }
      if cutsProven, let b = result.bound { bound = max(bound, Int((b - 1e-6).rounded(.up))) }
      guard let residency else { return }
      let outcome = problem.allocate(residency, timeLimit: allocatorLimit)
      if case .placed(let offsets) = outcome {
        offer(problem.emitEvents(residency, offsets: offsets))
        say("free order: \(groupThousands(best.traffic.nonCompulsoryBytes)) B, bound \(groupThousands(bound)) B (\(describe(result.termination)))")
        return
      }
      cuts += 1
      offerSchedule(residency.schedule)
      let why: String
      if case .unknown = outcome {
        cutsProven = false
        why = "not placed within the allocator's search limit"
      } else {
        why = "proven not to fit"
      }
      if cuts > options.maxOffsetCuts {
        if let events = packable(&f, residency: residency) { offer(events) }
        note = "offsets did not fit \(cuts) optimal residencies"
        say(note)
        return
      }
      say("offsets of the ILP's residency \(why) (\(residency.intervals.count) intervals); excluding it and solving again")
      f.excluded.append(ResidencyFormulation.cutSupport(residency))
    }
  }

  /// Divide and conquer over the incumbent's order (see ``DivideAndConquerPlanner``).
  mutating func improveWithWindows(width initial: Int = 16) {
    let n = problem.graph.operators.count
    // Passes cycle through these widths, each starting at another offset so that window
    // boundaries move; a whole cycle without improvement ends the search. (CBC overruns its
    // limit badly on wider windows: 30 s on 64 operators of pnasnet5large.)
    let widths = [initial, initial * 3 / 2, initial * 2].map { max(4, min($0, n)) }
    var windowsSolved = 0
    var failures = 0
    var pass = 0
    var sinceImprovement = 0
    while remaining > 1.5 && sinceImprovement < widths.count {
      let width = widths[pass % widths.count]
      let before = best.traffic.nonCompulsoryBytes
      if before == 0 { break }
      var a = (pass * 5) % max(1, width / 2)
      pass += 1
      while a < n && remaining > 1.5 {
        let window = a...min(n - 1, a + width - 1)
        a += max(1, width / 2)
        guard Self.hasTraffic(best, in: window, problem: problem) else { continue }
        let schedule = best.schedule
        var f = ResidencyFormulation(
          problem: problem, windows: ScheduleWindows(schedule: schedule, free: window, graph: problem.graph))
        f.build()
        guard let start = f.assignment(for: best) else {
          failures += 1
          continue
        }
        f.fix(outside: window, to: start)
        guard let (reduced, expand) = f.model.removingFixedVariables() else {
          failures += 1
          continue
        }
        lastSize = (reduced.variables.count, reduced.rows.count)
        // CBC may overrun a short limit by a second or two on these models: keep a margin.
        guard remaining > 3 else { break }
        let o = SolveOptions(timeLimit: min(remaining / 4, max(0.5, min(2, options.timeLimit / 30))))
        // No MIP start here: with one, CBC 2.10's cut generators crashed (a null dereference in
        // libCgl) on a pnasnet5large window; the incumbent outside the window is kept anyway.
        let result = CbcSolver().solve(reduced, options: o)
        solves += 1
        windowsSolved += 1
        // Only a window solution that moves fewer bytes is worth placing.
        guard let reducedValues = result.values, let objective = result.objective,
          objective < Double(best.traffic.nonCompulsoryBytes) - 0.5
        else { continue }
        let residency = f.decode(expand(reducedValues))
        let before = best.traffic.nonCompulsoryBytes
        if let events = problem.realize(residency, keepingOffsetsOf: best) { offer(events) }
        if best.traffic.nonCompulsoryBytes == before {
          if let events = problem.realize(residency, timeLimit: allocatorLimit) { offer(events) } else { failures += 1 }
        }
      }
      let after = best.traffic.nonCompulsoryBytes
      say("windows of \(width) operators: \(groupThousands(after)) B (\(windowsSolved) windows solved, \(failures) not placed)")
      sinceImprovement = after < before ? 0 : sinceImprovement + 1
    }
    note = "divide and conquer: \(windowsSolved) windows of the order re-planned exactly"
  }

  /// Whether the plan moves non-compulsory bytes within the steps of `window` or next to them.
  static func hasTraffic(_ plan: Plan, in window: ClosedRange<Step>, problem: PlanningProblem) -> Bool {
    var step = 0
    var loaded = Set<TensorID>()
    var produced = Set<TensorID>()
    for e in plan.events {
      switch e {
      case .run(let o):
        for t in problem.graph[o].outputs { produced.insert(t) }
        step += 1
      case .load(let t, _):
        if !loaded.insert(t).inserted || produced.contains(t), window.contains(step) { return true }
      case .store(let t):
        if problem.graph[t].kind != .output, window.contains(max(0, step - 1)) { return true }
      default: break
      }
    }
    return false
  }

  func describe(_ t: Termination) -> String {
    switch t {
    case .optimal: return "optimal"
    case .feasible(let limit): return "stopped on the \(limit.rawValue) limit"
    case .infeasible: return "infeasible"
    case .noSolution(let limit): return "no solution before the \(limit.rawValue) limit"
    case .failed(let why): return why
    }
  }

  mutating func finish() -> Plan {
    let value = best.traffic.nonCompulsoryBytes
    let proven = value <= bound
    var info = PlannerInfo(
      method: name, status: proven ? .optimal : .feasible, objectiveBytes: value,
      boundBytes: proven ? value : bound, seconds: clock.seconds)
    if best.planner.method != name { info.method = "\(name) (kept \(best.planner.method))" }
    if !path.isEmpty { info.method += "; \(path)" }
    if solves > 0 || lastSize.0 > 0 {
      info.modelVariables = lastSize.0
      info.modelRows = lastSize.1
      info.solves = solves
    }
    var plan = best!
    plan.planner = info
    return plan
  }
}
