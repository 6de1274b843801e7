import Foundation
import Testing

@testable import COSMA

/// The order-free spill bound of large graphs.
@Suite struct LowerBoundTests {
  /// A skip connection forced across a wide operator: `t1` is live while `op3` runs in every
  /// order, and `op3`'s working set leaves no room for it, so it is stored and reloaded.
  @Test func skipAcrossAWideOperator() throws {
    let g = try Fixtures.graph(
      "skip", tensors: ["x:input:64", "t1:activation:128", "t2:activation:256", "t3:activation:64", "y:output:64"],
      operators: ["op1: x -> t1", "op2: t1 -> t2", "op3: t2 -> t3", "op4: t1,t3 -> y"])
    let problem = try PlanningProblem(graph: g, accelerator: Accelerator(scratchpad: .bytes(384), alignment: 64))
    #expect(problem.spillLowerBound == 256)  // t1 stored and reloaded
    let best = try plan(problem, with: IlpPlanner(options: IlpOptions(timeLimit: 10))).plan
    #expect(best.traffic.nonCompulsoryBytes == 256)
    #expect(best.planner.status == .optimal)
  }

  /// Never above the true optimum: 150 seeded random graphs at `M_R` (the family `IlpTests`
  /// checks), against the optimum found by exhaustive search.
  @Test func neverAboveTheOptimum() throws {
    var positive = 0
    for seed in 0..<150 {
      let g = try Fixtures.random(seed: UInt64(1000 + seed), operators: 2 + seed % 6, maxUnits: 4)
      let weights: WeightsPlacement = seed % 3 == 0 ? .external : .scratchpad
      let problem = try PlanningProblem(graph: g, accelerator: Accelerator(scratchpad: .budget(.mr), weights: weights))
      let bound = problem.spillLowerBound
      // The exhaustive search, pruned by the ILP's verified plan, gives the optimum on its own.
      let cap = try plan(problem, with: IlpPlanner(options: IlpOptions(timeLimit: 30))).plan.traffic.nonCompulsoryBytes
      let exhaustive = ExhaustiveSearch(graph: g, capacity: problem.capacity, alignment: 64, weights: weights)
      let optimum = try #require(exhaustive.minimumNonCompulsory(atMost: cap))
      #expect(bound <= optimum, "seed \(seed): bound \(bound) above the optimum \(optimum)")
      if bound > 0 { positive += 1 }
    }
    #expect(positive >= 3, "the bound is positive on only \(positive) graphs")
  }
}
