@testable import COSMA
import COSMATestSupport
import Foundation
import Testing

/// Deterministic mode (``PlannerOptions/deterministic``): limits counted in work, so that the same
/// input gives the same plan whatever the machine's load.
@Suite struct DeterminismTests {
  /// Divide and conquer on DenseNet-121 (weights external, M_R) stops on a limit of 0.5 work
  /// seconds with its gap open, after ILP solves, the order search and the allocator: run once
  /// alone and once with both cores kept busy by other threads, it writes the same plan file.
  @Test func theSamePlanFileUnderLoad() throws {
    let problem = try PlanningProblem(
      graph: Fixtures.model("densenet121"), accelerator: Accelerator(scratchpad: .budget(.mr), weights: .external))
    var options = PlannerOptions(timeLimit: 0.5)
    options.deterministic = true
    let planner = DivideAndConquerPlanner(options: options)
    let alone = try plan(problem, with: planner)
    let busy = CPULoad(threads: 2)
    let loaded = try plan(problem, with: planner)
    busy.stop()
    #expect(alone.report.termination == .timeLimit)
    #expect(alone.report.solves > 0)
    #expect(alone.plan.planner.deterministic)
    #expect(alone.plan.events == loaded.plan.events)
    #expect(alone.plan.jsonValue(graph: problem.graph) == loaded.plan.jsonValue(graph: problem.graph))
    #expect(alone.report.stages == loaded.report.stages)
  }

  /// Work, not time: a limit becomes a node limit for the solver, and what the solve spent is
  /// charged to the clock at the rates given.
  @Test func aSolveIsLimitedAndChargedInWork() {
    let script = Self.solver(reporting: 100, iterations: 5_000)
    let rates = Self.rates
    let clock = RunClock(deterministic: true)
    let solver = WorkLimitedSolver(base: script, rates: rates, clock: clock)
    _ = solver.solve(LinearModel(), options: SolveOptions(timeLimit: 2))
    // Before any history: 60 iterations a node, 0.01 + 0.006 s a node, 2 s → 125 nodes.
    #expect(script.calls[0].options.nodeLimit == 125)
    #expect(script.calls[0].options.timeLimit == 2 * rates.solverSafetyFactor + rates.solverSafetySeconds)
    #expect(abs(clock.seconds - 1.5) < 1e-9)  // 100 nodes / 100 + 5,000 iterations / 10,000
    // After it: 50 iterations a node, 0.015 s a node.
    _ = solver.solve(LinearModel(), options: SolveOptions(timeLimit: 3))
    #expect(script.calls[1].options.nodeLimit == 200)
    #expect(clock.stayedDeterministic)
    // The heuristics' work is in neither count: they are off.
    #expect(script.calls.allSatisfy { !$0.options.heuristics })
  }

  /// Each size of model has its own rate of iterations a node (a window's and the whole graph's
  /// differ tenfold): a model of another size starts from the most any size took, and its own
  /// solves then set its rate.
  @Test func modelsOfAnotherSizeHaveTheirOwnRate() {
    var large = LinearModel()
    let x = large.addBinary("x")
    for r in 0..<100 { large.addLessOrEqual("r\(r)", [(x, 1)], 1) }
    let perNode = ScriptedSolver { call in
      // 20 iterations a node on the model without rows, 200 on the one with 100.
      SolveResult(
        termination: .feasible(limit: .nodes), objective: 1, bound: 0, values: nil, seconds: 1, nodes: 100,
        iterations: call.model.rows.isEmpty ? 2_000 : 20_000)
    }
    let solver = WorkLimitedSolver(base: perNode, rates: Self.rates, clock: RunClock(deterministic: true))
    _ = solver.solve(LinearModel(), options: SolveOptions(timeLimit: 2))  // 60 a node: 125 nodes
    _ = solver.solve(LinearModel(), options: SolveOptions(timeLimit: 2))  // 20 a node: 0.012 s, 166
    #expect(perNode.calls.map { $0.options.nodeLimit } == [125, 166])
    // The larger model: no rate of its own yet, the initial 60 is the most: 125 nodes. Then
    // its own 200 a node: 0.03 s a node, 66 nodes; the small model keeps its 20.
    _ = solver.solve(large, options: SolveOptions(timeLimit: 2))
    _ = solver.solve(large, options: SolveOptions(timeLimit: 2))
    _ = solver.solve(LinearModel(), options: SolveOptions(timeLimit: 2))
    #expect(perNode.calls.map { $0.options.nodeLimit } == [125, 166, 125, 66, 166])
  }

  /// CBC counts the nodes of its complete fathoming of small subtrees, which its node limit does
  /// not: a solve reporting more nodes than its limit is charged the limit's nodes, and all its
  /// iterations.
  @Test func nodesBeyondTheLimitAreChargedAsIterationsOnly() {
    let script = Self.solver(reporting: 70_000, iterations: 20_000)
    let clock = RunClock(deterministic: true)
    _ = WorkLimitedSolver(base: script, rates: Self.rates, clock: clock).solve(LinearModel(), options: SolveOptions(timeLimit: 2))
    #expect(script.calls[0].options.nodeLimit == 125)
    #expect(abs(clock.seconds - (1.25 + 2)) < 1e-9)  // 125 nodes / 100 + 20,000 iterations / 10,000
  }

  /// A window only looks for a better plan: in deterministic mode it is solved without cuts,
  /// preprocessing and strong branching, whose work no node limit bounds and no count holds;
  /// on a wall clock, with them. (A random graph of 40 operators with weights external at
  /// `M_R`, windows only, every solve ending on its node limit.)
  @Test func windowsSolveWithoutCutsInDeterministicMode() throws {
    let problem = try PlanningProblem(
      graph: Fixtures.random(seed: 1, operators: 40), accelerator: Accelerator(scratchpad: .budget(.mr), weights: .external))
    for deterministic in [true, false] {
      let script = ScriptedSolver(always: .noSolution(limit: .nodes))
      var options = PlannerOptions(timeLimit: 5)
      options.solver = script
      options.deterministic = deterministic
      var run = try PlanningRun(problem: problem, options: options, kind: .divideAndConquer, path: .divideAndConquer(integerVariables: nil, limit: nil))
      run.improveWithWindows(width: DivideAndConquerPlanner.initialWindow)
      #expect(!script.calls.isEmpty)
      #expect(script.calls.allSatisfy { $0.options.cuts == !deterministic && $0.options.preprocess == !deterministic })
      #expect(script.calls.allSatisfy { $0.options.strongBranching == !deterministic })
      #expect(script.calls.allSatisfy { $0.options.heuristics == !deterministic })
    }
  }

  /// A solver whose every solve stops on its node limit after `nodes` nodes and `iterations`
  /// simplex iterations.
  static func solver(reporting nodes: Int, iterations: Int) -> ScriptedSolver {
    ScriptedSolver { _ in
      SolveResult(
        termination: .feasible(limit: .nodes), objective: 1, bound: 0, values: nil, seconds: 1, nodes: nodes,
        iterations: iterations)
    }
  }

  /// Round rates for the arithmetic of the tests: 100 nodes and 10,000 iterations a second.
  static var rates: WorkRates {
    var rates = WorkRates()
    rates.solverNodesPerSecond = 100
    rates.simplexIterationsPerSecond = 10_000
    return rates
  }

  /// A solve stopped by the wall-clock safety net makes the run say it is no longer
  /// deterministic, and which solve it was.
  @Test func aWallClockStopIsRecorded() {
    let clock = RunClock(deterministic: true)
    let solver = WorkLimitedSolver(
      base: ScriptedSolver(always: .noSolution(limit: .time)), rates: WorkRates(), clock: clock)
    #expect(clock.stayedDeterministic)
    _ = solver.solve(LinearModel(), options: SolveOptions(timeLimit: 1))
    #expect(!clock.stayedDeterministic)
    #expect(clock.wallClockCuts.count == 1)
    #expect(clock.wallClockCuts.first?.contains("given 1.00 work seconds") == true)
  }

  /// The exact allocator's answer and node count do not depend on how many threads search: the
  /// planners charge the count as work. Random instances of 12 to 16 buffers at their peak of
  /// live bytes, exact search only (some fit, some are proven not to).
  @Test func allocatorNodesDoNotDependOnThreads() {
    var searched = 0
    for seed in 0..<30 {
      var rng = SplitMix64(seed: UInt64(7700 + seed))
      var buffers: [Buffer] = []
      for id in 0..<(12 + Int(rng.next() % 5)) {
        let lower = Int(rng.next() % 10)
        buffers.append(Buffer(id: id, lower: lower, upper: lower + 1 + Int(rng.next() % 6), size: 1 + Int(rng.next() % 7)))
      }
      let peak = peakLiveBufferBytes(buffers)
      var results: [(AllocationOutcome, Int)] = []
      for threads in [1, 2, 4] {
        let spent = Tally()
        var allocator = OffsetAllocator(capacity: peak)
        allocator.greedyFirst = false
        allocator.threads = threads
        allocator.spentNodes = { spent.add($0) }
        results.append((allocator.allocate(buffers), spent.total))
      }
      if results[0].1 > 0 { searched += 1 }
      #expect(results.allSatisfy { $0.0 == results[0].0 && $0.1 == results[0].1 }, "seed \(seed): \(results.map(\.1))")
    }
    #expect(searched > 20)
  }
}

/// Sums integers from several threads.
private final class Tally: @unchecked Sendable {
  private let lock = NSLock()
  private var sum = 0
  func add(_ n: Int) { lock.withLock { sum += n } }
  var total: Int { lock.withLock { sum } }
}

/// Threads that spin until stopped, to load the machine.
private final class CPULoad: @unchecked Sendable {
  private let lock = NSLock()
  private var running = true
  private var threads: [Thread] = []

  init(threads n: Int) {
    for _ in 0..<n {
      let t = Thread { [self] in
        var x: UInt64 = 1
        while lock.withLock({ running }) {
          for _ in 0..<10_000 { x = x &* 6_364_136_223_846_793_005 &+ 1 }
        }
        if x == 0 { print(x) }
      }
      t.start()
      threads.append(t)
    }
  }

  func stop() { lock.withLock { running = false } }
}
