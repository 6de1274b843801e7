import Foundation

/// The state of one optimizing planner's run: the problem, the options, the clock, the
/// ``Incumbent``, and the record of stages from which the ``PlanningReport`` is made.
///
/// The stages are in files of their own (`PlanningRun+Bounds`, `PlanningRun+FixedOrder`,
/// `PlanningRun+FreeOrder`, and divide and conquer's in `DivideAndConquer/`); the planners
/// (``IlpPlanner``, ``AutoPlanner``, ``DivideAndConquerPlanner``) only choose which run.
struct PlanningRun {
  let problem: PlanningProblem
  let options: PlannerOptions
  let kind: PlannerKind
  /// The run's clock (wall-clock or work seconds, see ``PlannerOptions/deterministic``), shared
  /// with the runs of the other tilings when the caller passes one.
  let clock: RunClock
  /// The clock's reading when the run started.
  let startSeconds: Double
  /// The solver every ILP of the run goes to: ``PlannerOptions/solver``, counting work in
  /// deterministic mode.
  let solver: any MILPSolver
  var incumbent: Incumbent
  /// Which way the planner went.
  var path: PlanningPath
  /// The best region bound found: a bound on the free-order ILP as well, which gets it as a row.
  var regionFloor = 0
  /// The step cover bound's search, when it ran: the time left at the end resumes it where it
  /// stopped.
  var stepCover: StepCoverBound?
  /// The same for the fan reload bound with the step cover bound.
  var fanStepCover: StepCoverBound?
  /// What the run's region bounds settled, so that a later one solves only the rest.
  let regionMemo = RegionBoundMemo()
  /// The order found by the order search, if it ran, and its residency without offsets (the MIP
  /// start of the fixed-order ILP on it).
  var searchedOrder: [OperatorID]?
  var searchedStart: Plan?
  /// The next best orders of the order search's runs, best first, each with its residency
  /// without offsets, when its runs converged early (``TimePolicy/orderSearchRunnersUp``): the
  /// fixed-order ILP solves them after the searched order.
  var runnersUp: [(order: [OperatorID], start: Plan)] = []
  /// Where the first order search starts when it is not the incumbent's order: the best
  /// baseline's, when the cascade order's plan moved less (a search from it alone ended worse
  /// on some tiled graphs, and the incumbent keeps whichever plan is best), and the order it
  /// would start from without start plans when one is given (PNASNet-5 in the scratchpad at
  /// `M_H`: 9,328,824 B from the `M_R` plan's order, 8,584,812 B from the baselines').
  var firstSearchStart: [OperatorID]?
  var solves = 0
  var lastModelSize: (variables: Int, rows: Int)?
  var stages: [StageReport] = []
  var notes: [String] = []
  /// Whether the free-order model was written to ``PlannerOptions/lpPath``.
  var modelWritten = false

  /// Starts a run from the best baseline and the order-free spill bound.
  init(problem: PlanningProblem, options: PlannerOptions, kind: PlannerKind, path: PlanningPath) throws {
    try options.validate()
    self.problem = problem
    self.options = options
    self.kind = kind
    self.path = path
    clock = options.clock ?? RunClock(deterministic: options.deterministic)
    startSeconds = clock.seconds
    let base = problem.solver(options.solver)
    solver = clock.deterministic ? WorkLimitedSolver(base: base, rates: options.timePolicy.work, clock: clock) : base
    let stageClock = clock.seconds
    // Each baseline after the first only while twice what the last took is left (they take
    // about as long as each other): a plan of last resort needs one, and on a tiled R(2+1)D of
    // 6,543 operators the four took 1.7 s of a 5 s limit. Deterministic mode runs all four.
    let (limit, started, deterministic) = (options.timeLimit, startSeconds, clock.deterministic)
    var slowest = 0.0
    let baselines = try BestBaselinePlanner().makePlan(for: problem) { [clock] last in
      slowest = max(slowest, last)
      return deterministic || limit - (clock.seconds - started) > 2 * last
    }
    let baseline = baselines.plan
    incumbent = Incumbent(plan: baseline, bound: problem.orderFreeLowerBound, graph: problem.graph)
    say(.baseline(bytes: incumbent.bytes, method: baseline.planner.method))
    // A tiled graph's tiles also run band by band (cascaded), which the paper's orders never do;
    // with weights in the scratchpad, also in segments whose weights fill a half, a quarter or
    // an eighth of it (a band through the whole network reloads every weight). Each executor
    // run starts only while what the one before took is left (the first counts the slowest
    // baseline's; deterministic mode runs them all): the baselines run whatever the limit, but
    // these need not (on R(2+1)D's 6,543 tiles they took a 5 s limit to 6.6–7.9 s).
    if problem.graph.isTiled {
      var last = slowest
      var schedules = [problem.graph.cascadeSchedule]
      if problem.weights == .scratchpad {
        for d in [2, 4, 8] { schedules.append(problem.graph.cascadeSchedule(segmentWeightBytes: problem.capacity / d)) }
      }
      for schedule in schedules {
        for policy in ReplacementPolicy.allCases where deterministic || remaining > last {
          let began = clock.wallSeconds
          var executor = ReplacementExecutor(problem: problem, schedule: schedule, policy: policy)
          offer(executor.run())
          last = clock.wallSeconds - began
        }
      }
      if incumbent.bytes < baseline.traffic.nonCompulsoryBytes { firstSearchStart = baseline.schedule }
    }
    // A start plan (from a smaller scratchpad) is an incumbent, not where the search starts:
    // the run then searches as it would alone, and returns the start plan where it finds worse.
    if firstSearchStart == nil, options.startPlans.contains(where: { Self.canStart(problem, from: $0) }) {
      firstSearchStart = best.schedule
    }
    for start in options.startPlans where Self.canStart(problem, from: start) {
      incumbent.offer(problem.makePlan(events: start.events, info: PlannerInfo(method: "start plan", status: .feasible)))
    }
    for text in baselines.report.notes { note(text) }
    record(.baselines, since: stageClock, solvesBefore: 0)
  }

  /// Whether `plan` was made for this problem's graph and accelerator but for its scratchpad: the
  /// graph's name, the weights mode, the alignment and in-place rule, and every tensor and
  /// operator it names exists (the verifier then judges the rest, the scratchpad included).
  static func canStart(_ problem: PlanningProblem, from plan: Plan) -> Bool {
    let graph = problem.graph
    guard plan.graphName == graph.name, plan.accelerator.weights == problem.weights,
      plan.accelerator.alignment == problem.alignment, plan.accelerator.inPlace == problem.accelerator.inPlace
    else { return false }
    let (t, o) = (graph.tensors.count, graph.operators.count)
    return plan.events.allSatisfy { e in
      switch e {
      case .load(let x, _), .alloc(let x, _), .store(let x), .free(let x): return x.rawValue >= 0 && x.rawValue < t
      case .allocInPlace(let x, _, let y), .allocWithin(let x, _, let y):
        return x.rawValue >= 0 && x.rawValue < t && y.rawValue >= 0 && y.rawValue < t
      case .run(let op): return op.rawValue >= 0 && op.rawValue < o
      }
    }
  }

  var best: Plan { incumbent.plan }
  var isProven: Bool { incumbent.isProven }
  var policy: TimePolicy { options.timePolicy }
  /// Seconds since the run started, on its clock.
  var elapsed: Double { clock.seconds - startSeconds }
  var remaining: Double { options.timeLimit - elapsed }

  /// Whether the caller cancelled the run (the handle, or the Swift task).
  var isCancelled: Bool { options.cancellation?.isCancelled == true || Task.isCancelled }

  /// Whether the run should go on to another stage: not proven, not cancelled.
  var shouldContinue: Bool { !isProven && !isCancelled }

  /// The exact allocator's limits for one residency, from what is left: seconds, or search
  /// nodes in deterministic mode (charged to the clock as they are spent).
  private var allocatorLimits: (nodes: Int, time: Duration?, spent: (@Sendable (Int) -> Void)?) {
    let seconds = policy.allocatorSeconds(remaining: remaining)
    guard clock.deterministic else { return (50_000_000, .milliseconds(Int(seconds * 1000)), nil) }
    let rate = policy.work.allocatorNodesPerSecond
    let clock = clock
    return (max(1, Int(seconds * rate)), nil, { clock.charge(Double($0) / rate) })
  }

  /// Places a residency's intervals with the exact allocator and emits the events (nil when it
  /// finds no placement within its limit).
  func realize(_ residency: Residency) -> [PlanEvent]? {
    guard case .placed(let offsets) = allocate(residency) else { return nil }
    return problem.emitEvents(residency, offsets: offsets)
  }

  /// Runs the exact allocator on a residency's intervals within its limit.
  func allocate(_ residency: Residency) -> AllocationOutcome {
    let l = allocatorLimits
    return problem.allocate(residency, nodeLimit: l.nodes, timeLimit: l.time, spentNodes: l.spent)
  }

  /// Seconds for a stage with this share, from the time limit and what is left.
  func seconds(_ share: TimePolicy.Share) -> Double {
    share.seconds(total: options.timeLimit, remaining: remaining)
  }

  func say(_ event: PlanningProgress) { options.progress?(event) }

  /// Runs `body` as `stage` and records its time, incumbent, bound and solves.
  mutating func stage(_ stage: PlanningStage, _ body: (inout PlanningRun) -> Void) {
    let stageClock = clock.seconds
    let before = solves
    say(.stageStarted(stage))
    body(&self)
    record(stage, since: stageClock, solvesBefore: before)
  }

  private mutating func record(_ stage: PlanningStage, since stageClock: Double, solvesBefore: Int) {
    let r = StageReport(
      stage: stage, seconds: clock.seconds - stageClock, objectiveBytes: incumbent.bytes, boundBytes: incumbent.bound,
      solves: solves - solvesBefore)
    stages.append(r)
    say(.stageFinished(r))
  }

  /// Records a stage that stopped early, and why.
  mutating func note(_ text: String) {
    notes.append(text)
    say(.note(text))
  }

  /// Keeps `events` as the incumbent when the verifier accepts them and they move less.
  mutating func offer(_ events: [PlanEvent]) {
    incumbent.offer(problem.makePlan(events: events, info: PlannerInfo(method: kind.rawValue, status: .feasible)))
  }

  /// Offers the online replacement executor's plans for `schedule`: always valid, and usually
  /// much better than a baseline's order.
  mutating func offerSchedule(_ schedule: [OperatorID]) {
    for policy in ReplacementPolicy.allCases {
      var executor = ReplacementExecutor(problem: problem, schedule: schedule, policy: policy)
      offer(executor.run())
    }
  }

  /// Solves one formulation from the incumbent (or `start`) within `limit` seconds; returns the
  /// solver's result and the residency it decodes to, or nil when no time is left.
  mutating func solve(
    _ f: inout ResidencyFormulation, limit: Double, label: String, start: Plan? = nil
  ) -> (SolveResult, Residency?)? {
    if limit <= policy.minimumForSolve { return nil }
    let least = f.integerLowerBound()
    if least > options.maxIntegerVariables {
      note("\(label) skipped: at least \(groupThousands(least)) integer variables exceed the limit of \(groupThousands(options.maxIntegerVariables))")
      return nil
    }
    f.build()
    let model = f.model
    // CBC does not watch its time limit while it preprocesses a very large model (a 20,000-
    // operator graph's fixed-order ILP took 31 s of a 3 s limit): none goes to it.
    guard model.integerCount <= options.maxIntegerVariables else {
      note("\(label) skipped: \(groupThousands(model.integerCount)) integer variables exceed the limit of \(groupThousands(options.maxIntegerVariables))")
      lastModelSize = (model.variables.count, model.rows.count)
      return nil
    }
    say(.solveStarted(label: label, variables: model.variables.count, integers: model.integerCount, rows: model.rows.count, seconds: limit))
    var o = SolveOptions(timeLimit: limit, relativeGap: options.relativeGap > 0 ? options.relativeGap : nil)
    o.mipStart = f.assignment(for: start ?? best)
    let result = solver.solve(model, options: o)
    solves += 1
    lastModelSize = (model.variables.count, model.rows.count)
    return (result, result.values.map(f.decode))
  }

  /// Writes the free-order model to ``PlannerOptions/lpPath`` once, building it when no stage did.
  mutating func writeModel(_ built: ResidencyFormulation? = nil) {
    guard let path = options.lpPath, !modelWritten else { return }
    var f = built ?? ResidencyFormulation(problem: problem)
    if built == nil {
      f.objectiveFloor = regionFloor
      f.build()
    }
    do {
      try writeTextFile(f.model.lpText(), to: path)
      modelWritten = true
    } catch {
      note("the model was not written: \(error)")
    }
  }

  /// How the run ended.
  var termination: PlanningTermination {
    if isProven { return .optimal }
    if options.relativeGap > 0, incumbent.relativeGap <= options.relativeGap { return .gapReached }
    if isCancelled { return .cancelled }
    if remaining <= policy.minimumForBound { return .timeLimit }
    return .stagesExhausted
  }

  /// The best plan with the report of the run.
  mutating func finish() -> PlannerOutput {
    writeModel()
    let termination = termination
    if clock.deterministic && !clock.stayedDeterministic {
      let cuts = clock.wallClockCuts
      let first = cuts.first.map { " (\($0)\(cuts.count > 1 ? ", and \(cuts.count - 1) more" : ""))" } ?? ""
      note("a solve overran the wall-clock safety limit of deterministic mode\(first): this plan may differ on another machine")
    }
    let kept = best.planner.method != kind.rawValue ? best.planner.method : nil
    var report = PlanningReport(
      planner: kind, path: path, termination: termination, objectiveBytes: incumbent.bytes,
      boundBytes: termination == .optimal ? incumbent.bytes : incumbent.bound, seconds: elapsed,
      stages: stages, keptMethod: kept, modelVariables: lastModelSize?.variables, modelRows: lastModelSize?.rows,
      solves: solves, notes: notes, modelFile: modelWritten ? options.lpPath : nil)
    report.deterministic = clock.stayedDeterministic
    var plan = best
    plan.planner = report.plannerInfo
    return PlannerOutput(plan: plan, report: report)
  }
}
