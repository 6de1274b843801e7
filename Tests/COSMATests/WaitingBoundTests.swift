import COSMATestSupport
import Foundation
import Testing

@testable import COSMA

@Suite struct WaitingBoundTests {
  /// A stem's activation read by `m` branches, each a reader that fills the scratchpad beside it
  /// and up to two more operators, the branches joined pairwise and at the end: the shape of the
  /// NAS stems the bound is for, at random sizes.
  static func stem(seed: UInt64, branches m: Int) throws -> Graph {
    var rng = SplitMix64(seed: seed)
    func bytes(_ units: UInt64) -> Int { 64 * Int(1 + rng.next() % units) - Int(rng.next() % 16) }
    var tensors = ["x:input:\(bytes(2))", "s:activation:\(bytes(6) + 256)"]
    var ops = ["stem: x -> s"]
    var ends: [String] = []
    for b in 0..<m {
      tensors.append("r\(b):activation:\(bytes(6) + 192)")
      ops.append("read\(b): s -> r\(b)")
      var last = "r\(b)"
      for k in 0..<Int(rng.next() % 2) {
        tensors.append("b\(b)_\(k):activation:\(bytes(4))")
        ops.append("op\(b)_\(k): \(last) -> b\(b)_\(k)")
        last = "b\(b)_\(k)"
      }
      ends.append(last)
    }
    // Pairs of branches joined, then everything.
    var joined: [String] = []
    var k = 0
    while k + 1 < ends.count {
      tensors.append("j\(k):activation:\(bytes(3))")
      ops.append("join\(k): \(ends[k]),\(ends[k + 1]) -> j\(k)")
      joined.append("j\(k)")
      k += 2
    }
    if k < ends.count { joined.append(ends[k]) }
    tensors.append("y:output:\(bytes(2))")
    ops.append("out: \(joined.joined(separator: ",")) -> y")
    return try Fixtures.graph("stem\(seed)", tensors: tensors, operators: ops)
  }

  /// Both searches never exceed the optimum found by exhaustive search: seeded random graphs of
  /// 3–7 operators and stems of two and three branches (5–9 operators), at `M_R` and one
  /// alignment above, in both weights modes (32 by default, 160 in the long tests).
  @Test func neverAboveTheOptimum() throws {
    var (positive, beyond, fans) = (0, 0, 0)
    let count = TestScale.count(32, full: 160)
    for seed in 0..<count {
      let g =
        seed % 2 == 0
        ? try Fixtures.random(seed: UInt64(31000 + seed), operators: 3 + seed / 2 % 5, maxUnits: 4)
        : try Self.stem(seed: UInt64(32000 + seed), branches: 2 + seed / 2 % 2)
      let weights: WeightsPlacement = seed / 4 % 2 == 0 ? .external : .scratchpad
      let mr = try PlanningProblem(graph: g, accelerator: Accelerator(scratchpad: .budget(.mr), weights: weights)).capacity
      let capacity = mr + 64 * (seed / 8 % 2)
      let problem = try PlanningProblem(graph: g, accelerator: Accelerator(scratchpad: .bytes(capacity), weights: weights))
      let alone = problem.waitingBound()
      let withFans = problem.fanReloadsWithWaiting()
      let cap = try plan(problem, with: IlpPlanner(options: PlannerOptions(timeLimit: 30))).plan.traffic.nonCompulsoryBytes
      let exhaustive = ExhaustiveSearch(graph: g, capacity: capacity, alignment: 64, weights: weights)
      let optimum = try #require(exhaustive.minimumNonCompulsory(atMost: cap))
      #expect(alone.isComplete && alone.bytes <= optimum, "seed \(seed): waiting bound \(alone.bytes) above the optimum \(optimum)")
      if let f = withFans {
        fans += 1
        #expect(f.waiting.isComplete && f.bytes <= optimum, "seed \(seed): fans with waiting \(f.bytes) above the optimum \(optimum)")
        #expect(f.bytes >= problem.fanReloadBound)
      }
      let most = max(alone.bytes, withFans?.bytes ?? 0)
      if most > 0 { positive += 1 }
      if most > problem.orderFreeLowerBound { beyond += 1 }
    }
    #expect(positive >= count / 4, "positive on only \(positive) of \(count) graphs")
    #expect(fans >= count / 8, "a fan on only \(fans) of \(count) graphs")
    #expect(beyond >= 1, "above the order-free bound on no graph")
  }

  /// PNASNet-5 at `M_R`: the stem's five readers each fill the scratchpad, and the branches'
  /// tensors waiting across one another's pads add three 372,006 B tensors and one 190,512 B
  /// tensor (each stored and reloaded) to the stem's 13,068,000 B; alone, without the fans, the
  /// same tensors. NASNet-A: three 289,338 B tensors.
  @Test func pnasnetStemBranchesWait() throws {
    let g = try Fixtures.model("pnasnet5large")
    let problem = try PlanningProblem(graph: g, accelerator: Accelerator(scratchpad: .budget(.mr), weights: .external))
    let f = try #require(problem.fanReloadsWithWaiting())
    #expect(f.waiting.isComplete)
    #expect(f.bytes == 13_068_000 + 3 * 744_012 + 2 * 190_512)
    #expect(problem.waitingBound().bytes == 3 * 744_012 + 2 * 190_512)
    // Too few orders to end: no bound, and the fans alone.
    let stopped = try #require(problem.fanReloadsWithWaiting(maxNodes: 10))
    #expect(!stopped.waiting.isComplete && stopped.bytes == 13_068_000)
    let nasnet = try PlanningProblem(graph: Fixtures.model("nasnetalarge"), accelerator: Accelerator(scratchpad: .budget(.mr), weights: .external))
    #expect(nasnet.fanReloadsWithWaiting()?.bytes == 13_068_000 + 3 * 578_676)
  }
}
