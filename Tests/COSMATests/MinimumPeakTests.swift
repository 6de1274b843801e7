import Foundation
import COSMATestSupport
import Testing

@testable import COSMA

/// The exact `M_P`: the minimum-peak ILP against every topological order.
@Suite struct MinimumPeakTests {
  /// The least peak of live bytes over every topological order, by enumeration.
  static func bruteForceMinimumPeak(_ g: Graph, weights: WeightsPlacement, alignment: Int) -> ByteCount {
    let size = { (t: TensorID) in roundUp(g[t].bytes, to: alignment) }
    var best = ByteCount.max
    var order: [OperatorID] = []
    var done = [Bool](repeating: false, count: g.operators.count)
    func go() {
      if order.count == g.operators.count {
        best = min(best, g.peakLiveBytes(schedule: order, weights: weights, size: size).bytes)
        return
      }
      for o in g.operatorIDs where !done[o.rawValue] && g.predecessors[o.rawValue].allSatisfy({ done[$0.rawValue] }) {
        done[o.rawValue] = true
        order.append(o)
        go()
        order.removeLast()
        done[o.rawValue] = false
      }
    }
    go()
    return best
  }

  /// 150 seeded random graphs of 3 to 8 operators: the ILP's `M_P` is proven exact and equals
  /// the minimum over all orders; on a good share of them the list scheduler alone is not exact.
  @Test func matchesEveryOrder() throws {
    var heuristicMissed = 0
    for seed in 0..<150 {
      let g = try Fixtures.random(seed: UInt64(5000 + seed), operators: 3 + seed % 6, maxUnits: 6)
      let weights: WeightsPlacement = seed % 2 == 0 ? .scratchpad : .external
      let truth = Self.bruteForceMinimumPeak(g, weights: weights, alignment: 64)
      let heuristic = Budgets(graph: g, alignment: 64, weights: weights)
      let exact = Budgets.exactMinimumPeak(graph: g, alignment: 64, weights: weights, timeLimit: 20, solver: CbcSolver())
      #expect(exact.isExact, "seed \(seed)")
      #expect(exact.peak == truth, "seed \(seed): \(exact.peak) vs \(truth)")
      #expect(g.peakLiveBytes(schedule: exact.schedule, weights: weights, size: { roundUp(g[$0].bytes, to: 64) }).bytes == exact.peak)
      if !heuristic.mpIsExact { heuristicMissed += 1 }
    }
    #expect(heuristicMissed >= 10, "the list scheduler alone is exact on almost every graph (\(heuristicMissed) not)")
  }

  /// ResNet-50 with weights in the scratchpad: the list scheduler's peak was only bounded by M_R;
  /// the ILP proves it minimal.
  @Test func provesResNet50() throws {
    let g = try Fixtures.model("resnet50")
    #expect(!Budgets(graph: g, alignment: 64, weights: .scratchpad).mpIsExact)
    let exact = Budgets.exactMinimumPeak(graph: g, alignment: 64, weights: .scratchpad, timeLimit: 30, solver: CbcSolver())
    #expect(exact.isExact)
    #expect(exact.peak == 2_585_088)
  }
}
