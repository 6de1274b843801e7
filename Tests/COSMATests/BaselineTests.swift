import COSMA
import COSMATestSupport
import Foundation
import Testing

/// The four baselines return verified plans on every bundled model, both weights modes and the
/// three budget tiers, and on random graphs at tight budgets.
@Suite struct BaselineTests {
  @Test(arguments: Fixtures.modelNames)
  func everyBaselineOnEveryTier(model: String) throws {
    let graph = try Fixtures.model(model)
    for weights in WeightsPlacement.allCases {
      for tier in BudgetTier.allCases {
        let problem = try PlanningProblem(
          graph: graph, accelerator: Accelerator(scratchpad: .budget(tier), weights: weights))
        for baseline in BaselinePlanner.all {
          // `plan(_:with:)` throws unless the verifier accepts the plan.
          let result = try plan(problem, with: baseline)
          #expect(result.peakOccupancy <= problem.capacity)
          #expect(result.plan.traffic.compulsoryBytes == Self.compulsory(graph, weights), "\(model) \(weights)")
          #expect(result.plan.schedule.count == graph.operators.count)
        }
      }
    }
  }

  /// A file may list an operator before one it depends on (here `end` first): the default
  /// schedule is then the topological order closest to the file's, and every planner returns a
  /// verified plan (the default and minimum-peak baselines used to run `end` first).
  @Test func operatorsListedBeforeTheirProducers() throws {
    let g = try Fixtures.graph(
      "unsorted", tensors: ["x:input:64", "a:activation:128", "b:activation:64", "y:output:64"],
      operators: ["end: b -> y", "first: x -> a", "second: a -> b"])
    #expect(g.defaultSchedule.map { g[$0].name } == ["first", "second", "end"])
    for kind in PlannerKind.allCases {
      for weights in WeightsPlacement.allCases {
        // `plan(graph:…)` throws unless the verifier accepts the plan.
        let result = try plan(
          graph: g, accelerator: Accelerator(scratchpad: .budget(.mr), weights: weights), planner: kind,
          options: PlannerOptions(timeLimit: 5))
        #expect(result.result.plan.schedule.count == 3, "\(kind) \(weights)")
      }
    }
  }

  /// SPEC §1, counted here from the graph alone: every input (and weight, when weights occupy
  /// the scratchpad) loaded once, every output stored once.
  static func compulsory(_ g: Graph, _ weights: WeightsPlacement) -> ByteCount {
    g.tensors.filter { $0.kind == .input || $0.kind == .output || ($0.kind == .weight && weights == .scratchpad) }
      .reduce(0) { $0 + $1.bytes }
  }

  @Test func mustSpillSpillsAtMR() throws {
    let g = try Fixtures.mustSpill()
    let problem = try PlanningProblem(graph: g, accelerator: Accelerator(scratchpad: .budget(.mr)))
    #expect(problem.capacity == 576)
    for baseline in BaselinePlanner.all {
      let p = try plan(problem, with: baseline).plan
      // `a` (256 B) must leave and come back: one spill store and one reload.
      #expect(p.traffic.nonCompulsoryBytes == 512, "\(baseline.name)")
    }
    let roomy = try PlanningProblem(graph: g, accelerator: Accelerator(scratchpad: .budget(.mp)))
    #expect(try plan(roomy, with: BaselinePlanner(schedule: .minPeak, policy: .greedy)).plan.traffic.nonCompulsoryBytes == 0)
  }

  @Test(arguments: 0..<60)
  func randomGraphsAtTightBudgets(seed: Int) throws {
    let g = try Fixtures.random(seed: UInt64(seed), operators: 3 + seed % 10)
    for weights in WeightsPlacement.allCases {
      let budgets = Budgets(graph: g, alignment: 64, weights: weights)
      for capacity in [budgets.mr, budgets.mr + 64, budgets.mh, budgets.mp] {
        let problem = try PlanningProblem(graph: g, accelerator: Accelerator(scratchpad: .bytes(capacity), weights: weights))
        for baseline in BaselinePlanner.all {
          _ = try plan(problem, with: baseline)  // throws unless verified; seed \(seed)
        }
      }
    }
  }

  @Test func budgetBelowMRDoesNotFit() throws {
    let g = try Fixtures.model("resnet18")
    let b = Budgets(graph: g, alignment: 64, weights: .scratchpad)
    do {
      _ = try PlanningProblem(graph: g, accelerator: Accelerator(scratchpad: .bytes(b.mr - 64)))
      Issue.record("accepted a budget below M_R")
    } catch let e as DoesNotFitError {
      #expect(e.requiredBytes == b.mr)
      #expect(e.operatorName == g[b.mrOperator].name)
      #expect(e.description.contains("does not fit"))
      #expect(e.description.contains("'\(e.operatorName)'"))
    }
  }

  @Test func budgetsAreOrdered() throws {
    for name in Fixtures.modelNames {
      let g = try Fixtures.model(name)
      for w in WeightsPlacement.allCases {
        let b = Budgets(graph: g, alignment: 64, weights: w)
        #expect(b.mr <= b.mh && b.mh <= b.mp, "\(name) \(w)")
        #expect(b.mh % 64 == 0)
        #expect(g.isTopologicalOrder(b.mpSchedule))
        #expect(g.peakLiveBytes(schedule: b.mpSchedule, weights: w) { roundUp(g[$0].bytes, to: 64) }.bytes == b.mp)
      }
    }
  }

  @Test func budgetsOfTheMustSpillFixture() throws {
    let b = Budgets(graph: try Fixtures.mustSpill(), alignment: 64, weights: .scratchpad)
    #expect(b.mr == 576)  // add: a + c + y
    #expect(b.mp == 768)  // a stays live through f1 and f2
    #expect(b.mh == 640)  // (576 + 768) / 2 = 672, rounded down to 64
  }
}
