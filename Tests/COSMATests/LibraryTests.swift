import COSMA
import COSMATestSupport
import Foundation
import Testing

/// The library as a compiler embeds it: safe to call from several threads at once.
@Suite struct LibraryTests {
  /// Eight ILP plans and eight baseline plans requested at once from concurrent tasks: CBC's mutex
  /// makes the solves wait their turn, and each result is the one a lone call gives.
  @Test func concurrentPlanningGivesTheSequentialResults() async throws {
    let models = ["resnet18", "squeezenet1_1", "mobilenet_v2", "resnet50"]
    var problems: [PlanningProblem] = []
    for m in models {
      for w in WeightsPlacement.allCases {
        problems.append(try PlanningProblem(graph: Fixtures.model(m), accelerator: Accelerator(scratchpad: .budget(.mr), weights: w)))
      }
    }
    let ilp = IlpPlanner(options: PlannerOptions(timeLimit: 30))
    let sequential = try problems.map { try plan($0, with: ilp).plan.traffic.nonCompulsoryBytes }
    let concurrent = try await withThrowingTaskGroup(of: (Int, ByteCount, ByteCount).self) { group in
      for (k, p) in problems.enumerated() {
        group.addTask {
          let a = try plan(p, with: ilp).plan.traffic.nonCompulsoryBytes
          let b = try plan(p, with: BestBaselinePlanner()).plan.traffic.nonCompulsoryBytes
          return (k, a, b)
        }
      }
      var out = [(ByteCount, ByteCount)](repeating: (0, 0), count: problems.count)
      for try await (k, a, b) in group { out[k] = (a, b) }
      return out
    }
    #expect(concurrent.map(\.0) == sequential)
    #expect(concurrent.allSatisfy { ilp, baseline in ilp <= baseline })
  }
}
