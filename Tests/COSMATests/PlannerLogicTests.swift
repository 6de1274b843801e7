import COSMA
import COSMATestSupport
import Foundation
import Testing

/// The optimizing planners' logic against a scripted solver: what they do with each outcome, how
/// they share time, report, stop and dump, with no CBC involved.
@Suite struct PlannerLogicTests {
  /// The first seeded random graph at M_R whose best baseline moves more than the order-free
  /// bound proves necessary: no stage is skipped as already proven.
  func problem() throws -> PlanningProblem {
    for seed in UInt64(1)... {
      let p = try PlanningProblem(
        graph: Fixtures.random(seed: seed, operators: 7), accelerator: Accelerator(scratchpad: .budget(.mr)))
      if try plan(p, with: BestBaselinePlanner()).plan.traffic.nonCompulsoryBytes > p.spillLowerBound { return p }
    }
    fatalError("unreachable")
  }

  /// Options with `solver` and no region bound (its solves are the bound's own, tested in
  /// `LowerBoundTests`).
  func options(_ solver: ScriptedSolver, timeLimit: Double = 10) -> PlannerOptions {
    var o = PlannerOptions(timeLimit: timeLimit)
    o.solver = solver
    o.timePolicy.regionBound = .init(0)
    o.timePolicy.fanBound = .init(0)
    o.timePolicy.fallbackRegionBound = .init(0)
    return o
  }

  /// A solver that fails every solve: the planners return the best baseline, verified, with the
  /// order-free bound and the stages they tried.
  @Test(arguments: [PlannerKind.ilp, .auto, .divideAndConquer])
  func aFailingSolverLeavesTheBaseline(kind: PlannerKind) throws {
    let p = try problem()
    let solver = ScriptedSolver(always: .failed("scripted"))
    let result = try plan(p, with: kind.planner(options: options(solver, timeLimit: 6)))  // verified
    let baseline = try plan(p, with: BestBaselinePlanner()).plan
    #expect(result.plan.traffic.nonCompulsoryBytes == baseline.traffic.nonCompulsoryBytes)
    #expect(baseline.traffic.nonCompulsoryBytes > p.spillLowerBound, "the fixture must leave a gap")
    #expect(result.report.termination != .optimal)
    #expect(result.plan.planner.status == .feasible)
    #expect(result.report.boundBytes == p.spillLowerBound)
    #expect(result.report.solves == solver.calls.count)
    #expect(result.report.stages.first?.stage == .baselines)
    #expect(result.report.stages.contains { $0.stage == .fixedOrder })
    #expect(!solver.calls.isEmpty)
  }

  /// A larger scratchpad never gets a worse plan than a start plan made for a smaller one: the
  /// ILP's plan for ResNet-50 at M_R (602,112 B, proven), given to planners whose every solve
  /// fails at M_R + 64 KiB, where the best baseline moves about 10 MB. A plan of another weights
  /// mode or graph is not used.
  @Test(arguments: [PlannerKind.ilp, .auto, .divideAndConquer])
  func aStartPlanFromASmallerScratchpadIsKept(kind: PlannerKind) throws {
    let graph = try Fixtures.model("resnet50")
    let small = try PlanningProblem(graph: graph, accelerator: Accelerator(scratchpad: .budget(.mr), weights: .scratchpad))
    let start = try plan(small, with: IlpPlanner(options: PlannerOptions(timeLimit: 30))).plan
    #expect(start.traffic.nonCompulsoryBytes == 602_112)
    let larger = try PlanningProblem(
      graph: graph, accelerator: Accelerator(scratchpad: .bytes(small.capacity + 65_536), weights: .scratchpad))
    var options = PlannerOptions(timeLimit: 2)
    options.solver = ScriptedSolver(always: .noSolution(limit: .time))
    let without = try plan(larger, with: kind.planner(options: options)).plan.traffic.nonCompulsoryBytes
    #expect(without > 602_112)
    options.startPlans = [start]
    let with = try plan(larger, with: kind.planner(options: options)).plan
    #expect(with.traffic.nonCompulsoryBytes <= 602_112)
    // The plan is re-made for the larger scratchpad, and verified there.
    #expect(with.accelerator.scratchpad == .bytes(small.capacity + 65_536))
    let external = try PlanningProblem(graph: graph, accelerator: Accelerator(scratchpad: .budget(.mr), weights: .external))
    let externalStart = try plan(external, with: BestBaselinePlanner()).plan
    options.startPlans = [externalStart]
    #expect(try plan(larger, with: kind.planner(options: options)).plan.traffic.nonCompulsoryBytes == without)
  }

  /// Only the free-order model bounds every plan: a huge bound from a fixed-order solve is not
  /// taken, and the free-order solve's bound is.
  @Test func onlyTheFreeOrderBoundCounts() throws {
    let p = try problem()
    let baseline = try plan(p, with: BestBaselinePlanner()).plan.traffic.nonCompulsoryBytes
    // Fixed-order solves claim an absurd bound; the free-order solve proves the baseline optimal.
    let proving = ScriptedSolver { call in
      SolveResult(
        termination: .noSolution(limit: .time), objective: nil,
        bound: call.isFreeOrder ? Double(baseline) : 1e12, values: nil, seconds: 0, nodes: 0)
    }
    let o = options(proving)
    let proven = try plan(p, with: IlpPlanner(options: o))
    #expect(proven.report.termination == .optimal)
    #expect(proven.plan.planner.status == .optimal)
    #expect(proven.plan.traffic.nonCompulsoryBytes == baseline)
    #expect(proving.calls.contains { $0.isFreeOrder })
    // The same, with the free-order solve proving nothing: the bound stays the order-free one.
    let weak = ScriptedSolver { call in
      SolveResult(
        termination: .noSolution(limit: .time), objective: nil, bound: call.isFreeOrder ? 0 : 1e12, values: nil,
        seconds: 0, nodes: 0)
    }
    let w = options(weak, timeLimit: 2)
    let open = try plan(p, with: IlpPlanner(options: w))
    #expect(open.report.termination != .optimal)
    #expect(open.report.boundBytes == p.spillLowerBound)
  }

  /// The time policy decides each solve's limit: a fixed-order solve gets its share of the
  /// limit (at least half a second), never more than what is left.
  @Test func solvesGetTheirShareOfTheTime() throws {
    let p = try problem()
    let solver = ScriptedSolver(always: .noSolution(limit: .time))
    var o = options(solver, timeLimit: 20)
    o.timePolicy.fixedOrderSolve = .init(0.05, atLeast: 0.5)
    _ = try plan(p, with: IlpPlanner(options: o))
    let fixed = solver.calls.filter { !$0.isFreeOrder }
    let free = solver.calls.filter(\.isFreeOrder)
    #expect(!fixed.isEmpty && !free.isEmpty)
    for c in fixed { #expect(c.options.timeLimit == 1.0) }  // 5% of 20 s
    for c in free { #expect(c.options.timeLimit! <= 20 && c.options.timeLimit! > 15) }
    // The incumbent is every solve's MIP start.
    #expect(solver.calls.allSatisfy { $0.options.mipStart != nil })
  }

  /// A cancelled handle stops the run before any solve; cancelling from inside the first solve
  /// stops it after that one. Both return the verified incumbent and say they were cancelled.
  @Test func cancellationStopsBetweenStages() throws {
    let p = try problem()
    let before = PlanningCancellation()
    before.cancel()
    let idle = ScriptedSolver(always: .noSolution(limit: .time))
    var o = options(idle)
    o.cancellation = before
    let r = try plan(p, with: AutoPlanner(options: o))
    #expect(idle.calls.isEmpty)
    #expect(r.report.termination == .cancelled)
    #expect(r.report.stages.map(\.stage) == [.baselines])

    let during = PlanningCancellation()
    let once = ScriptedSolver { _ in
      during.cancel()
      return SolveResult(termination: .noSolution(limit: .interrupted), objective: nil, bound: nil, values: nil, seconds: 0, nodes: 0)
    }
    var d = options(once)
    d.cancellation = during
    let s = try plan(p, with: IlpPlanner(options: d))
    #expect(once.calls.count == 1)
    #expect(s.report.termination == .cancelled)
  }

  /// Cancelling the Swift task has the same effect as the handle.
  @Test func taskCancellationStopsTheRun() async throws {
    let p = try problem()
    let solver = ScriptedSolver(always: .noSolution(limit: .time))
    let task = Task { () throws -> PlanningResult in
      withUnsafeCurrentTask { $0?.cancel() }
      return try plan(p, with: IlpPlanner(options: options(solver)))
    }
    let r = try await task.value
    #expect(r.report.termination == .cancelled)
    #expect(solver.calls.isEmpty)
  }

  /// Non-finite or absurd options are bad input, before any work.
  @Test(arguments: [Double.nan, .infinity, -1, 0, 1e18])
  func badTimeLimitsAreRejected(seconds: Double) throws {
    let p = try problem()
    let solver = ScriptedSolver(always: .failed("scripted"))
    var o = options(solver)
    o.timeLimit = seconds
    #expect(throws: InputError.self) { try plan(p, with: AutoPlanner(options: o)) }
    var g = options(solver)
    g.relativeGap = .nan
    #expect(throws: InputError.self) { try plan(p, with: IlpPlanner(options: g)) }
    #expect(solver.calls.isEmpty)
  }

  /// Progress arrives as typed events, in order: a stage starts before its solves.
  @Test func progressIsTyped() throws {
    let p = try problem()
    let solver = ScriptedSolver(always: .noSolution(limit: .time))
    let events = EventLog()
    var o = options(solver, timeLimit: 3)
    o.progress = { events.append($0) }
    _ = try plan(p, with: IlpPlanner(options: o))
    let all = events.events
    guard case .baseline = all.first else {
      Issue.record("the first event is \(String(describing: all.first))")
      return
    }
    let fixedStart = all.firstIndex(of: .stageStarted(.fixedOrder))
    let firstSolve = all.firstIndex { if case .solveStarted = $0 { return true } else { return false } }
    #expect(fixedStart != nil && firstSolve != nil && fixedStart! < firstSolve!)
    #expect(all.contains { if case .stageFinished(let s) = $0 { return s.stage == .freeOrder } else { return false } })
  }

  /// `--dump-lp` writes the free-order model whichever path runs, even when the baseline is
  /// proven at once and nothing is solved.
  @Test(arguments: [PlannerKind.ilp, .auto, .divideAndConquer])
  func theModelIsWrittenOnEveryPath(kind: PlannerKind) throws {
    let g = try problem().graph
    let everything = g.tensors.reduce(0) { $0 + roundUp($1.bytes, to: 64) }
    let p = try PlanningProblem(graph: g, accelerator: Accelerator(scratchpad: .bytes(everything)))
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("cosma-\(UUID().uuidString).lp").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let solver = ScriptedSolver(always: .failed("scripted"))
    var o = options(solver)
    o.lpPath = path
    let r = try plan(p, with: kind.planner(options: o))
    #expect(r.report.termination == .optimal)  // everything fits at once
    #expect(solver.calls.isEmpty)
    #expect(r.report.modelFile == path)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text.contains("run_") && text.hasSuffix("End\n"))
  }
}

/// Collects progress events from any thread.
final class EventLog: @unchecked Sendable {
  private let lock = NSLock()
  private var list: [PlanningProgress] = []
  func append(_ e: PlanningProgress) {
    lock.lock()
    list.append(e)
    lock.unlock()
  }
  var events: [PlanningProgress] {
    lock.lock()
    defer { lock.unlock() }
    return list
  }
}
