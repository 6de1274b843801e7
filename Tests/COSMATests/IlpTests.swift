@testable import COSMA
import COSMATestSupport
import Foundation
import Testing

/// The optimal planner: agreement with exhaustive search, statuses, limits and MIP starts.
@Suite struct IlpTests {
  /// 36 seeds cover every size (2 to 7 operators) with each weights mode and budget six times;
  /// the long tests run 600.
  static let seeds = Array(0..<TestScale.count(36, full: 600))

  /// Seeded random graphs of 2 to 7 operators, at `M_R` (twice in three) or one alignment unit
  /// above it: the ILP's plan verifies, is proven optimal, and an exhaustive search finds no plan
  /// with less traffic.
  @Test(arguments: seeds)
  func matchesExhaustiveSearch(seed: Int) throws {
    let g = try Fixtures.random(seed: UInt64(1000 + seed), operators: 2 + seed % 6, maxUnits: 4)
    let weights: WeightsPlacement = seed % 3 == 0 ? .external : .scratchpad
    let budgets = Budgets(graph: g, alignment: 64, weights: weights)
    let capacity = [budgets.mr, budgets.mr, budgets.mr + 64][seed % 3]
    let problem = try PlanningProblem(graph: g, accelerator: Accelerator(scratchpad: .bytes(capacity), weights: weights))
    let result = try plan(problem, with: IlpPlanner(options: PlannerOptions(timeLimit: 30)))  // verified
    #expect(result.plan.planner.status == .optimal, "seed \(seed)")
    // The search is exact; the ILP's figure only prunes it. Nil would mean no plan is that cheap.
    let exhaustive = ExhaustiveSearch(graph: g, capacity: capacity, alignment: 64, weights: weights)
    let optimum = exhaustive.minimumNonCompulsory(atMost: result.plan.traffic.nonCompulsoryBytes)
    #expect(optimum == result.plan.traffic.nonCompulsoryBytes, "seed \(seed)")
  }

  /// The random family is not trivial: a good share of it needs spills.
  @Test func randomFamilyNeedsSpills() throws {
    var spilling = 0
    for seed in 0..<60 {
      let g = try Fixtures.random(seed: UInt64(1000 + seed), operators: 2 + seed % 6, maxUnits: 4)
      let weights: WeightsPlacement = seed % 3 == 0 ? .external : .scratchpad
      let budgets = Budgets(graph: g, alignment: 64, weights: weights)
      let capacity = [budgets.mr, budgets.mr, budgets.mr + 64][seed % 3]
      let problem = try PlanningProblem(graph: g, accelerator: Accelerator(scratchpad: .bytes(capacity), weights: weights))
      if try plan(problem, with: IlpPlanner()).plan.traffic.nonCompulsoryBytes > 0 { spilling += 1 }
    }
    #expect(spilling >= 8, "only \(spilling) of 60 random instances need spills")
  }

  @Test func zeroTrafficNeedsNoSolve() throws {
    let g = try Fixtures.model("squeezenet1_1")
    let problem = try PlanningProblem(graph: g, accelerator: Accelerator(scratchpad: .budget(.mp)))
    let p = try plan(problem, with: IlpPlanner()).plan
    #expect(p.planner.status == .optimal)
    #expect(p.traffic.nonCompulsoryBytes == 0)
    #expect(p.planner.boundBytes == 0)
  }

  @Test func provesResNet50AtMR() throws {
    let g = try Fixtures.model("resnet50")
    let problem = try PlanningProblem(graph: g, accelerator: Accelerator(scratchpad: .budget(.mr)))
    let p = try plan(problem, with: IlpPlanner()).plan
    #expect(p.planner.status == .optimal)
    #expect(p.traffic.nonCompulsoryBytes == 602_112)  // the proven optimum, kept as a regression anchor
    let best = try plan(problem, with: BestBaselinePlanner()).plan
    #expect(p.traffic.nonCompulsoryBytes < best.traffic.nonCompulsoryBytes)
  }

  @Test func timeLimitReturnsTheVerifiedIncumbentWithABound() throws {
    let g = try Fixtures.model("densenet121")
    let problem = try PlanningProblem(graph: g, accelerator: Accelerator(scratchpad: .budget(.mr), weights: .external))
    let baseline = try plan(problem, with: BestBaselinePlanner()).plan
    let p = try plan(problem, with: IlpPlanner(options: PlannerOptions(timeLimit: 0.3))).plan  // verified
    #expect(p.traffic.nonCompulsoryBytes <= baseline.traffic.nonCompulsoryBytes)
    if p.planner.status != .optimal {
      #expect(p.planner.boundBytes! <= p.traffic.nonCompulsoryBytes)
    }
  }

  @Test func mipStartIsHonoured() throws {
    // A knapsack whose optimum is the start: with no time to search, CBC returns the start.
    var m = LinearModel()
    let values = [60, 100, 120, 80, 30, 70, 90, 45, 25, 110, 65, 55]
    let weights = [10, 20, 30, 25, 5, 15, 28, 12, 7, 33, 18, 14]
    let x = values.indices.map { m.addBinary("take[\($0)]", objective: -Double(values[$0])) }
    m.addLessOrEqual("capacity", zip(x, weights).map { ($0, Double($1)) }, 30)
    var start = [Double](repeating: 0, count: values.count)
    start[1] = 1  // value 100, weight 20: feasible
    var options = SolveOptions(timeLimit: 5)
    options.mipStart = start
    let r = CbcSolver().solve(m, options: options)
    #expect(r.objective != nil)
    #expect(r.objective! <= -100)
    // And the residency ILP built from a baseline plan accepts that plan as a start.
    let g = try Fixtures.model("resnet18")
    let problem = try PlanningProblem(graph: g, accelerator: Accelerator(scratchpad: .budget(.mr)))
    let baseline = try plan(problem, with: BaselinePlanner(schedule: .default, policy: .belady)).plan
    var f = ResidencyFormulation(problem: problem)
    f.build()
    let startValues = try #require(f.assignment(for: baseline))
    #expect(f.model.violatedConstraints(startValues) == [])
    // The start is the baseline with redundant transfers trimmed: never worse than the baseline.
    let startObjective = Int(f.model.objectiveValue(startValues).rounded())
    #expect(startObjective > 0)
    #expect(startObjective <= baseline.traffic.nonCompulsoryBytes)
  }

  /// A capacity below `M_R` (a residency that packs easily at a scratchpad of exactly `M_R`)
  /// still leaves each step the working set of its operator: the model stays feasible, the
  /// step of the largest operator keeps the whole scratchpad, the other steps get the reduced
  /// capacity, and the residency solved from it respects both.
  @Test func reducedCapacityKeepsEachOperatorsWorkingSet() throws {
    let g = try Fixtures.model("resnet18")
    let problem = try PlanningProblem(graph: g, accelerator: Accelerator(scratchpad: .budget(.mr)))
    let order = problem.budgets.mpSchedule
    var f = ResidencyFormulation(problem: problem, schedule: order)
    f.capacity = roundDown(problem.capacity * 7 / 10, to: problem.alignment)
    f.build()
    let unit = Double(f.unit)
    let rows = Dictionary(uniqueKeysWithValues: f.model.rows.filter { $0.name.hasPrefix("capacity[") }.map { ($0.name, $0.upper) })
    let needed = order.map { o in g.workingSet(of: o, weights: problem.weights).reduce(0) { $0 + problem.size($1) } }
    let largest = try #require(order.firstIndex(of: problem.budgets.mrOperator))
    #expect(rows["capacity[\(largest)]"] == Double(problem.capacity) / unit)
    var reducedSteps = 0
    for (s, bytes) in needed.enumerated() {
      guard let upper = rows["capacity[\(s)]"] else { continue }
      #expect(upper == Double(min(problem.capacity, max(f.capacity, bytes) / f.unit * f.unit)) / unit, "step \(s)")
      if upper < Double(problem.capacity) / unit { reducedSteps += 1 }
    }
    #expect(reducedSteps > order.count / 2)
    let r = CbcSolver().solve(f.model, options: SolveOptions(timeLimit: 20))
    let values = try #require(r.values)
    #expect(f.model.violatedConstraints(values) == [])
    let residency = f.decode(values)
    #expect(residency.schedule == order)
  }

  /// The fixed-order ILP without a residency whose offsets did not fit (how the planners look
  /// for another residency at exactly `M_R`): the residency's own assignment breaks the cut, and
  /// the next solve returns another residency of the same order with no less traffic.
  @Test func excludedResidencyIsNotReturnedAgain() throws {
    let g = try Fixtures.model("resnet18")
    let problem = try PlanningProblem(graph: g, accelerator: Accelerator(scratchpad: .budget(.mr)))
    let order = problem.budgets.mpSchedule
    var f = ResidencyFormulation(problem: problem, schedule: order)
    #expect(f.fixedSchedule == order)
    f.build()
    let first = CbcSolver().solve(f.model, options: SolveOptions(timeLimit: 20))
    let values = try #require(first.values)
    let residency = f.decode(values)
    f.excluded.append(ResidencyFormulation.cutSupport(residency))
    f.build()
    #expect(f.model.violatedConstraints(values).contains { $0.hasPrefix("noGood") })
    let second = CbcSolver().solve(f.model, options: SolveOptions(timeLimit: 20))
    let other = f.decode(try #require(second.values))
    #expect(other.schedule == order)
    #expect(other.intervals != residency.intervals)
    let (was, now) = (try #require(first.objective), try #require(second.objective))
    #expect(now >= was - 0.5)
  }

  /// A residency relieved where it fills the scratchpad most (the start of the re-solve when
  /// a residency does not pack): one tensor that waits across that step leaves and comes back,
  /// so the step holds less; the result is a complete assignment of the fixed-order model that
  /// breaks no row, the no-good cut of the residency included, and its plan verifies and moves
  /// that tensor's store and load more.
  @Test func relievedResidencySpillsOneTensorAtItsPeak() throws {
    // `a` waits from step 0 to step 6 and `b` from 2 to 5; with room for four tensors nothing
    // is spilled, and steps 4 and 5 hold four.
    let g = try Fixtures.graph(
      "waiting", tensors: ["x:input:64", "a:activation:64", "a1:activation:64", "b:activation:64", "b1:activation:64", "c:activation:64", "d:activation:64", "y:output:64"],
      operators: ["mkA: x -> a", "useA: a -> a1", "mkB: a1 -> b", "useB: b -> b1", "mkC: b1 -> c", "useBC: b,c -> d", "fin: a,d -> y"])
    let problem = try PlanningProblem(graph: g, accelerator: Accelerator(scratchpad: .bytes(256)))
    var f = ResidencyFormulation(problem: problem, schedule: Array(g.operatorIDs))
    f.build()
    let first = CbcSolver().solve(f.model, options: SolveOptions(timeLimit: 20))
    let residency = f.decode(try #require(first.values))
    let relieved = try #require(problem.relieved(residency))
    #expect(relieved.intervals.count == residency.intervals.count + 1)
    func occupancy(_ r: Residency) -> [ByteCount] {
      var bytes = [ByteCount](repeating: 0, count: r.schedule.count)
      for (i, x) in r.intervals.enumerated() where r.inPlace[i] == nil && r.within[i] == nil {
        for s in x.first...x.last { bytes[s] += problem.size(x.tensor) }
      }
      return bytes
    }
    let before = occupancy(residency)
    let peak = try #require(before.indices.max { before[$0] < before[$1] })
    #expect(occupancy(relieved)[peak] < before[peak])
    let moved = try #require(relieved.intervals.last?.tensor)
    #expect(relieved.intervals.filter { $0.tensor == moved }.count == 2)

    func plan(_ r: Residency) throws -> Plan {
      guard case .placed(let offsets) = problem.allocate(r, nodeLimit: 1_000_000, timeLimit: .seconds(20), spentNodes: nil) else {
        throw InputError(file: "test", element: "offsets", rule: "not placed")
      }
      return problem.makePlan(events: problem.emitEvents(r, offsets: offsets), info: PlannerInfo(method: "test", status: .heuristic))
    }
    let (was, now) = (try plan(residency), try plan(relieved))
    #expect(Verifier(graph: g).violations(of: now, accelerator: problem.accelerator) == [])
    #expect(was.traffic.nonCompulsoryBytes == 0)
    // An activation: stored once and loaded back.
    #expect(now.traffic.nonCompulsoryBytes == 2 * g[moved].bytes, "\(g[moved].name)")

    f.excluded.append(ResidencyFormulation.cutSupport(residency))
    f.build()
    let values = try #require(f.assignment(for: now))
    #expect(f.model.violatedConstraints(values) == [])
  }

  @Test func infeasibleBudgetIsRejectedBeforeSolving() throws {
    let g = try Fixtures.mustSpill()
    #expect(throws: DoesNotFitError.self) {
      _ = try PlanningProblem(graph: g, accelerator: Accelerator(scratchpad: .bytes(512)))
    }
  }

  @Test func statusMapping() {
    var m = LinearModel()
    let a = m.addBinary("a", objective: 1)
    m.addGreaterOrEqual("one", [(a, 1)], 1)
    #expect(CbcSolver().solve(m, options: SolveOptions()).termination == .optimal)
    m.addLessOrEqual("none", [(a, 1)], 0)
    #expect(CbcSolver().solve(m, options: SolveOptions()).termination == .infeasible)
  }

  @Test func dumpsTheModel() throws {
    let g = try Fixtures.mustSpill()
    let problem = try PlanningProblem(graph: g, accelerator: Accelerator(scratchpad: .budget(.mr)))
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("cosma-\(UUID().uuidString).lp").path
    var options = PlannerOptions()
    options.lpPath = path
    _ = try plan(problem, with: IlpPlanner(options: options))
    let text = try String(contentsOfFile: path, encoding: .utf8)
    for name in ["run_f1_", "res_a_", "capacity_", "oneStep_", "flow_a_"] {
      #expect(text.contains(name), "LP should name \(name)")
    }
  }
}
