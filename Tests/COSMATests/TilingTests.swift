@testable import COSMA
import COSMATestSupport
import Foundation
import Testing

/// Row tiles: the rewrite, the verifier's decomposition check, M_T and planning below M_R.
@Suite struct TilingTests {
  /// A seeded chain of 2 operators on `[1, 4, 3, 2]` int8 tensors (8 bytes a row): 3×3 convolutions (pad 1) with
  /// weights, ReLUs and, for the second, sometimes an `add` of the two latest tensors. Every
  /// operator can be split into up to 3 row tiles.
  static func tinyNetwork(seed: UInt64) throws -> Graph {
    var rng = SplitMix64(seed: seed)
    let n = 2
    var tensors = [Tensor(name: "x", kind: .input, bytes: 24, shape: [1, 4, 3, 2])]
    var operators: [Operator] = []
    var latest = [TensorID(0)]
    for i in 0..<n {
      let c = 4
      let kind: TensorKind = i == n - 1 ? .output : .activation
      switch (i, rng.next() % 3) {
      case (_, 0), (0, _):
        let x = latest.last!, cin = tensors[x.rawValue].shape![1]
        tensors.append(Tensor(name: "w\(i)", kind: .weight, bytes: c * cin * 9, shape: [c, cin, 3, 3]))
        tensors.append(Tensor(name: "t\(i)", kind: kind, bytes: c * 6, shape: [1, c, 3, 2]))
        operators.append(
          Operator(
            name: "conv\(i)", type: "conv2d", inputs: [x, TensorID(tensors.count - 2)], outputs: [TensorID(tensors.count - 1)],
            macs: c * cin * 9 * 6, attributes: OperatorAttributes(kernel: [3, 3], pads: [1, 1, 1, 1])))
      case (_, 1) where latest.count >= 2 && tensors[latest[latest.count - 1].rawValue].shape == tensors[latest[latest.count - 2].rawValue].shape:
        let s = tensors[latest.last!.rawValue].shape!
        tensors.append(Tensor(name: "t\(i)", kind: kind, bytes: s[1] * 6, shape: s))
        operators.append(Operator(name: "add\(i)", type: "add", inputs: Array(latest.suffix(2)), outputs: [TensorID(tensors.count - 1)]))
      default:
        let s = tensors[latest.last!.rawValue].shape!
        tensors.append(Tensor(name: "t\(i)", kind: kind, bytes: s[1] * 6, shape: s))
        operators.append(Operator(name: "relu\(i)", type: "relu", inputs: [latest.last!], outputs: [TensorID(tensors.count - 1)]))
      }
      latest.append(TensorID(tensors.count - 1))
    }
    return try Graph(name: "tiny\(seed)", tensors: tensors, operators: operators)
  }

  /// The rewrite of ResNet-18 with its large operators split: the verifier accepts the
  /// decomposition against the original, the tiles' MACs add up, no byte of compulsory traffic
  /// is added, and the tiled graph survives its own file format.
  @Test func resnetTilesAreAFaithfulDecomposition() throws {
    let g = try Fixtures.model("resnet18")
    let tiled = try #require(try g.tilingToFit(capacity: 256 << 10, target: 64 << 10, weights: .external, alignment: 64))
    #expect(tiled.tiling.splitOperators > 10)
    #expect(Verifier(graph: tiled.graph).decompositionViolations(original: g).isEmpty)
    #expect(Verifier(graph: tiled.graph).decompositionViolations().isEmpty)
    #expect(tiled.graph.operators.compactMap(\.macs).reduce(0, +) == g.operators.compactMap(\.macs).reduce(0, +))
    let a = Accelerator(scratchpad: .bytes(256 << 10), weights: .external)
    let before = try PlanningProblem(graph: g, accelerator: Accelerator(scratchpad: .bytes(4 << 20), weights: .external))
    let after = try PlanningProblem(graph: tiled.graph, accelerator: a)
    #expect(after.compulsoryBytes <= before.compulsoryBytes)
    #expect(after.compulsoryBytes >= before.compulsoryBytes - g[g.tensor(named: "x")!].bytes)
    let reread = try Graph(jsonData: Data(tiled.graph.jsonValue().serialized().utf8))
    #expect(reread.tensors == tiled.graph.tensors)
    #expect(reread.operators == tiled.graph.operators)
    #expect(reread.isTiled)
  }

  /// Every largest tile fits: planning below M_R gives a verified plan on the tiled graph
  /// (two models by default, four in the long tests).
  @Test(arguments: ["resnet18", "squeezenet1_1"] + (TestScale.long ? ["mobilenet_v2", "lraspp_mobilenet_v3_large"] : []))
  func plansBelowMR(model: String) throws {
    let g = try Fixtures.model(model)
    let budgets = Budgets(graph: g, alignment: 64, weights: .external)
    let capacity = 256 << 10
    #expect(capacity < budgets.mr)
    let result = try plan(
      graph: g, accelerator: Accelerator(scratchpad: .bytes(capacity), weights: .external), planner: .bestBaseline)
    let tiled = try #require(result.tiled)
    #expect(Verifier(graph: tiled.graph).isValid(result.result.plan))
    #expect(result.problem.capacity == capacity)
  }

  /// At `M_R` with `.always`, tilings are tried with the time the untiled plan leaves, and one
  /// is kept only when it moves less: never worse than the untiled plan (ResNet-50, weights in
  /// the scratchpad, whose untiled optimum is 602,112 B).
  @Test func tilingAtMRIsNeverWorse() throws {
    let g = try Fixtures.model("resnet50")
    let a = Accelerator(scratchpad: .budget(.mr))
    let untiled = try plan(graph: g, accelerator: a, planner: .auto, options: PlannerOptions(timeLimit: 10), tiling: .auto)
    #expect(untiled.tiled == nil)
    #expect(untiled.result.plan.traffic.nonCompulsoryBytes == 602_112)
    let always = try plan(graph: g, accelerator: a, planner: .auto, options: PlannerOptions(timeLimit: 10), tiling: .always)
    #expect(!always.candidates.isEmpty)
    #expect(always.result.plan.traffic.nonCompulsoryBytes <= 602_112)
    if let tiled = always.tiled {
      #expect(always.result.plan.traffic.nonCompulsoryBytes < 602_112)
      #expect(Verifier(graph: tiled.graph).decompositionViolations(original: g).isEmpty)
      _ = try always.result.plan.simulate(graph: tiled.graph)
    }
  }

  /// A chain of four ReLUs on a 2,048-byte tensor, each split into 8 row tiles, on a 1 KiB
  /// scratchpad: operator by operator (the file's order) every tensor is whole at some point
  /// and spills; in the cascade order the tiles run band by band, each band passes through all
  /// four operators, and nothing but the input's loads and the output's stores moves. The
  /// planners start from that order too.
  @Test func tilesCascadeBandByBand() throws {
    var tensors = [Tensor(name: "x", kind: .input, bytes: 2048, shape: [1, 8, 16, 16])]
    var operators: [Operator] = []
    for i in 0..<4 {
      tensors.append(Tensor(name: "t\(i)", kind: i == 3 ? .output : .activation, bytes: 2048, shape: [1, 8, 16, 16]))
      operators.append(Operator(name: "relu\(i)", type: "relu", inputs: [TensorID(i)], outputs: [TensorID(i + 1)]))
    }
    let g = try Graph(name: "chain", tensors: tensors, operators: operators)
    let tiled = try g.tiled(Tiling(Dictionary(uniqueKeysWithValues: g.operatorIDs.map { ($0, 8) }))).graph
    let order = tiled.cascadeSchedule
    #expect(tiled.isTopologicalOrder(order))
    #expect(Set(order).count == tiled.operators.count)
    // The first band reaches the last operator before the first operator's second tile runs.
    let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
    #expect(position[tiled.operator(named: "relu3[1/8]")!]! < position[tiled.operator(named: "relu0[2/8]")!]!)
    #expect(g.cascadeSchedule == g.defaultSchedule)

    let problem = try PlanningProblem(graph: tiled, accelerator: Accelerator(scratchpad: .bytes(1024), alignment: 1, weights: .external))
    func moved(_ schedule: [OperatorID]) -> ByteCount {
      var executor = ReplacementExecutor(problem: problem, schedule: schedule, policy: .belady)
      let plan = problem.makePlan(events: executor.run(), info: PlannerInfo(method: "test", status: .heuristic))
      #expect(Verifier(graph: tiled).isValid(plan))
      return plan.traffic.nonCompulsoryBytes
    }
    #expect(moved(tiled.defaultSchedule) > 0)
    #expect(moved(order) == 0)
    let planned = try plan(problem, with: DivideAndConquerPlanner(options: PlannerOptions(timeLimit: 5))).plan
    #expect(Verifier(graph: tiled).isValid(planned))
    #expect(planned.traffic.nonCompulsoryBytes == 0)
  }

  /// The start of a DenseNet-like block: input `i`, `x = relu(i)`, `a = relu(x)` (tensors 0–2).
  private static let blockStart = (
    tensors: ["i", "x", "a"].enumerated().map { k, name in
      Tensor(name: name, kind: k == 0 ? .input : .activation, bytes: 2048, shape: [1, 8, 16, 16])
    },
    operators: [
      Operator(name: "relu_x", type: "relu", inputs: [TensorID(0)], outputs: [TensorID(1)]),
      Operator(name: "relu_a", type: "relu", inputs: [TensorID(1)], outputs: [TensorID(2)]),
    ]
  )

  /// Band alignment gives the operators of one resolution the same row tiles: in a DenseNet-like
  /// block (a layer's features concatenated to its input, then read by the next layer), each
  /// concatenation tile then reads one slice of each input and writes one slice, so it can be
  /// done in place; with the counts each operator needed alone, a reader's other cuts split
  /// the concatenation's output and no tile qualifies. An operator at another resolution keeps
  /// its count, and the rewrite passes the decomposition check.
  @Test func bandAlignmentLinesUpRowTiles() throws {
    let tensors = Self.blockStart.tensors + [
      Tensor(name: "c", kind: .activation, bytes: 4096, shape: [1, 16, 16, 16]),
      Tensor(name: "d", kind: .output, bytes: 4096, shape: [1, 16, 16, 16]),
      Tensor(name: "u", kind: .input, bytes: 512, shape: [1, 8, 8, 8]),
      Tensor(name: "v", kind: .output, bytes: 512, shape: [1, 8, 8, 8]),
    ]
    let id = { (i: Int) in TensorID(i) }
    let g = try Graph(
      name: "block", tensors: tensors,
      operators: Self.blockStart.operators + [
        Operator(name: "cat", type: "cat", inputs: [id(1), id(2)], outputs: [id(3)]),
        Operator(name: "relu_d", type: "relu", inputs: [id(3)], outputs: [id(4)]),
        Operator(name: "relu_v", type: "relu", inputs: [id(5)], outputs: [id(6)]),
      ])
    let o = { (name: String) in g.operator(named: name)! }
    let alone = Tiling([o("relu_x"): 4, o("relu_a"): 3, o("cat"): 5, o("relu_d"): 2, o("relu_v"): 3])
    let aligned = try #require(g.bandAligned(alone))
    #expect(["relu_x", "relu_a", "cat", "relu_d", "relu_v"].map { aligned[o($0)] } == [5, 5, 5, 5, 3])
    #expect(g.bandAligned(aligned) == nil)
    func concatenationsInPlace(_ tiling: Tiling) throws -> (inPlace: Int, tiles: Int) {
      let tiled = try g.tiled(tiling)
      #expect(Verifier(graph: tiled.graph).decompositionViolations(original: g).isEmpty)
      let tiles = tiled.operators[o("cat").rawValue]
      return (tiles.filter { tiled.graph.concatInPlace(of: $0) != nil }.count, tiles.count)
    }
    let inPlace = try concatenationsInPlace(aligned)
    #expect(inPlace.inPlace == 5 && inPlace.tiles == 5)
    #expect(try concatenationsInPlace(alone).inPlace < 5)
  }

  /// Four 1×1 convolutions of 64 weight bytes each, split into 4 row tiles: cascaded in
  /// segments of at most 128 weight bytes, the first two operators' bands pass through both
  /// before the last two start, which then cascade the same way; with room for all weights, one
  /// cascade through all four.
  @Test func cascadeInSegmentsKeepsEachSegmentsWeights() throws {
    var tensors = [Tensor(name: "x", kind: .input, bytes: 2048, shape: [1, 8, 16, 16])]
    var operators: [Operator] = []
    for i in 0..<4 {
      tensors.append(Tensor(name: "w\(i)", kind: .weight, bytes: 64, shape: [8, 8, 1, 1]))
      tensors.append(Tensor(name: "t\(i)", kind: i == 3 ? .output : .activation, bytes: 2048, shape: [1, 8, 16, 16]))
      operators.append(
        Operator(
          name: "conv\(i)", type: "conv2d", inputs: [TensorID(2 * i), TensorID(2 * i + 1)], outputs: [TensorID(2 * i + 2)],
          macs: 16384, attributes: OperatorAttributes(kernel: [1, 1])))
    }
    let g = try Graph(name: "chain", tensors: tensors, operators: operators)
    let tiled = try g.tiled(Tiling(Dictionary(uniqueKeysWithValues: g.operatorIDs.map { ($0, 4) }))).graph
    func position(_ order: [OperatorID]) -> (String) -> Int {
      let at = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
      return { at[tiled.operator(named: $0)!]! }
    }
    let segmented = tiled.cascadeSchedule(segmentWeightBytes: 128)
    #expect(tiled.isTopologicalOrder(segmented) && Set(segmented).count == tiled.operators.count)
    let p = position(segmented)
    #expect(p("conv1[1/4]") < p("conv0[2/4]"))
    #expect(p("conv1[4/4]") < p("conv2[1/4]"))
    #expect(p("conv3[1/4]") < p("conv2[2/4]"))
    let whole = position(tiled.cascadeSchedule(segmentWeightBytes: 1 << 20))
    #expect(whole("conv3[1/4]") < whole("conv0[2/4]"))
    #expect(tiled.cascadeSchedule(segmentWeightBytes: 1 << 20) == tiled.cascadeSchedule)
  }

  /// Three 1×1 convolutions whose middle tensor is eight times the first: with room for two of
  /// the three weights, the segments are cut before the second convolution (512 B cross) and not
  /// before the third (4,096 B), where filling the first segment first would cut.
  @Test func cascadeSegmentsAreCutWhereTheFewestBytesCross() throws {
    let channels = [8, 2, 16, 8]
    var tensors = [Tensor(name: "x", kind: .input, bytes: 8 * 256, shape: [1, 8, 16, 16])]
    var operators: [Operator] = []
    for i in 0..<3 {
      let (c, d) = (channels[i], channels[i + 1])
      tensors.append(Tensor(name: "w\(i)", kind: .weight, bytes: c * d, shape: [d, c, 1, 1]))
      tensors.append(Tensor(name: "t\(i)", kind: i == 2 ? .output : .activation, bytes: d * 256, shape: [1, d, 16, 16]))
      operators.append(
        Operator(
          name: "conv\(i)", type: "conv2d", inputs: [TensorID(2 * i), TensorID(2 * i + 1)], outputs: [TensorID(2 * i + 2)],
          macs: 256 * c * d, attributes: OperatorAttributes(kernel: [1, 1])))
    }
    let g = try Graph(name: "chain", tensors: tensors, operators: operators)
    let tiled = try g.tiled(Tiling(Dictionary(uniqueKeysWithValues: g.operatorIDs.map { ($0, 4) }))).graph
    // Weights of 16, 32 and 128 B: a budget of 160 B holds two neighbours, not all three.
    let order = tiled.cascadeSchedule(segmentWeightBytes: 160)
    #expect(tiled.isTopologicalOrder(order) && Set(order).count == tiled.operators.count)
    let at = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
    let p = { (name: String) in at[tiled.operator(named: name)!]! }
    #expect(p("conv0[4/4]") < p("conv1[1/4]"))
    #expect(p("conv2[1/4]") < p("conv1[2/4]"))
  }

  /// One convolution with groups 1 and stride 1, padded to keep its size, of int8 tensors.
  private func convolution(input: [Int], output: [Int], kernel k: Int) throws -> Graph {
    let weight = [output[1], input[1], k, k]
    return try Graph(
      name: "conv",
      tensors: [
        Tensor(name: "x", kind: .input, bytes: input.reduce(1, *), shape: input),
        Tensor(name: "w", kind: .weight, bytes: weight.reduce(1, *), shape: weight),
        Tensor(name: "y", kind: .output, bytes: output.reduce(1, *), shape: output),
      ],
      operators: [
        Operator(
          name: "conv", type: "conv2d", inputs: [TensorID(0), TensorID(1)], outputs: [TensorID(2)],
          macs: output.reduce(1, *) * input[1] * k * k,
          attributes: OperatorAttributes(kernel: [k, k], strides: [1, 1], pads: Array(repeating: k / 2, count: 4)))
      ])
  }

  /// Below the capacity, an operator whose rows cannot reach the target is split by channels
  /// when its weights outweigh the rest (every row tile would read them all), and otherwise into
  /// rows within twice its finest row tile rather than the fewest tiles that fit.
  @Test func tilesBelowTheCapacityComeCloseToTheTarget() throws {
    // A 1×1 convolution of 2,048 B of weights on a 2 × 2 map: 2,624 B in all.
    let heavy = try convolution(input: [1, 16, 2, 2], output: [1, 128, 2, 2], kernel: 1)
    let conv = OperatorID(0)
    let byChannels = try #require(try heavy.tilingToFit(capacity: 2624, target: 1312, weights: .scratchpad, alignment: 1))
    #expect(byChannels.tiling.axis(of: conv) == .channels && byChannels.tiling[conv] > 1)
    #expect(heavy.largestTile(of: conv, tiles: byChannels.tiling[conv], along: .channels, weights: .scratchpad, alignment: 1) <= 1312)
    // The whole fits the capacity, so the fewest tiles that fit would be one.
    let whole = try #require(try heavy.tilingToFit(capacity: 2624, target: 2624, weights: .scratchpad, alignment: 1))
    #expect(whole.tiling[conv] == 1)
    // A 3×3 convolution from 4 to 64 channels on 16 × 16: its finest row tile (3,520 B) is far
    // above a sixteenth of the whole (19,712 B).
    let wide = try convolution(input: [1, 4, 16, 16], output: [1, 64, 16, 16], kernel: 3)
    let finest = wide.largestTile(of: conv, tiles: 16, weights: .scratchpad, alignment: 1)
    let rows = try #require(try wide.tilingToFit(capacity: 19712, target: 19712 / 16, weights: .scratchpad, alignment: 1))
    #expect(rows.tiling.axis(of: conv) == .rows && rows.tiling[conv] > 1)
    #expect(wide.largestTile(of: conv, tiles: rows.tiling[conv], weights: .scratchpad, alignment: 1) <= 2 * finest)
    #expect(wide.largestTile(of: conv, tiles: rows.tiling[conv] - 1, weights: .scratchpad, alignment: 1) > 2 * finest)
  }

  /// Two layers of a DenseNet-like block: `c1 = cat(x, a)`, read by a ReLU and by
  /// `c2 = cat(c1, b)`, read by a ReLU. Dissolved, neither concatenation nor its output is in the
  /// tiled graph: the last ReLU's tiles read the slices of `x`, `a` and `b`, and the rewrite passes
  /// the decomposition check with and without the original. A tile that leaves out its rows of
  /// `b` is caught, and the planner plans the block below `M_R` without copying anything.
  @Test func dissolvedConcatenationsAreReadWhereTheirInputsLie() throws {
    let tensors = Self.blockStart.tensors + [
      Tensor(name: "c1", kind: .activation, bytes: 4096, shape: [1, 16, 16, 16]),
      Tensor(name: "m1", kind: .activation, bytes: 4096, shape: [1, 16, 16, 16]),
      Tensor(name: "w", kind: .weight, bytes: 128, shape: [8, 16, 1, 1]),
      Tensor(name: "b", kind: .activation, bytes: 2048, shape: [1, 8, 16, 16]),
      Tensor(name: "c2", kind: .activation, bytes: 6144, shape: [1, 24, 16, 16]),
      Tensor(name: "d", kind: .output, bytes: 6144, shape: [1, 24, 16, 16]),
    ]
    let id = { (i: Int) in TensorID(i) }
    let g = try Graph(
      name: "block", tensors: tensors,
      operators: Self.blockStart.operators + [
        Operator(name: "cat1", type: "cat", inputs: [id(1), id(2)], outputs: [id(3)]),
        Operator(name: "relu_m", type: "relu", inputs: [id(3)], outputs: [id(4)]),
        Operator(
          name: "conv_b", type: "conv2d", inputs: [id(4), id(5)], outputs: [id(6)], macs: 32768,
          attributes: OperatorAttributes(kernel: [1, 1])),
        Operator(name: "cat2", type: "cat", inputs: [id(3), id(6)], outputs: [id(7)]),
        Operator(name: "relu_d", type: "relu", inputs: [id(7)], outputs: [id(8)]),
      ])
    let o = { (name: String) in g.operator(named: name)! }
    #expect(Set(g.dissolvableConcatenations().keys) == [o("cat1"), o("cat2")])
    var tiling = Tiling(Dictionary(uniqueKeysWithValues: ["relu_x", "relu_a", "relu_m", "conv_b", "relu_d"].map { (o($0), 4) }))
    tiling.dissolvesConcatenations = true
    let tiled = try g.tiled(tiling)
    let t = tiled.graph
    #expect(tiled.operators[o("cat1").rawValue].isEmpty && tiled.operators[o("cat2").rawValue].isEmpty)
    #expect(tiled.dissolvedConcatenations == 2)
    #expect(!t.tensors.contains { ["c1", "c2"].contains($0.slice?.of ?? $0.name) })
    let last = try #require(t.operator(named: "relu_d[2/4]"))
    #expect(t[last].inputs.map { t[$0].name } == ["x[4:8]", "a[4:8]", "b[4:8]"])
    #expect(Verifier(graph: t).decompositionViolations(original: g).isEmpty)
    #expect(Verifier(graph: t).decompositionViolations().isEmpty)
    // A tile that leaves out its rows of `b` (and the slice, so that nothing reads it).
    let dropped = try #require(t.tensor(named: "b[4:8]"))
    var operators = t.operators
    operators[last.rawValue].inputs.removeAll { $0 == dropped }
    let broken = try Graph(name: t.name, tensors: t.tensors, operators: operators)
    let found = Verifier(graph: broken).decompositionViolations(original: g).map(\.message)
    #expect(found.contains { $0.contains("relu_d[2/4]") && $0.contains("'c2'") })
    // Planned below M_R with in-place operators: the concatenations are dissolved.
    let mr = Budgets(graph: g, alignment: 1, weights: .scratchpad).mr
    var small = Accelerator(scratchpad: .bytes(mr / 2), alignment: 1, weights: .scratchpad)
    small.inPlace = true
    var options = PlannerOptions()
    options.timeLimit = 2
    let planned = try plan(graph: g, accelerator: small, planner: .auto, options: options)
    let rewrite = try #require(planned.tiled)
    #expect(rewrite.operators[o("cat2").rawValue].isEmpty)
    #expect(Verifier(graph: rewrite.graph).decompositionViolations(original: g).isEmpty)
  }

  /// M_T is what the largest tile of the hardest operator needs: with alignment 1 (no byte
  /// lost to rounding where neighbours cut a tensor further) planning works at M_T, and one
  /// byte below it is refused naming that operator.
  @Test func mtIsTheSmallestScratchpad() throws {
    let g = try Fixtures.model("squeezenet1_1")
    let mt = g.smallestTiledScratchpad(weights: .external, alignment: 1)
    let mr = Budgets(graph: g, alignment: 1, weights: .external).mr
    #expect(mt.bytes < mr / 4)
    let a = { (bytes: Int) in Accelerator(scratchpad: .bytes(bytes), alignment: 1, weights: .external) }
    let at = try plan(graph: g, accelerator: a(mt.bytes), planner: .defaultBelady)
    #expect(at.tiled != nil)
    let below = #expect(throws: DoesNotFitError.self) { try plan(graph: g, accelerator: a(mt.bytes - 1), planner: .defaultBelady) }
    #expect(below?.operatorName == g[mt.operator].name && below?.evenTiled == true)
    #expect(throws: DoesNotFitError.self) { try plan(graph: g, accelerator: a(mr - 1), planner: .auto, tiling: .off) }
  }

  /// A window that is not known is not split: a 3×3 convolution keeping its size without
  /// attributes has no row map; with them it has one, reading one row of halo on each side.
  @Test func onlyKnownWindowsAreSplit() throws {
    let x = Tensor(name: "x", kind: .input, bytes: 64, shape: [1, 1, 8, 8])
    let w = Tensor(name: "w", kind: .weight, bytes: 9, shape: [1, 1, 3, 3])
    let y = Tensor(name: "y", kind: .output, bytes: 64, shape: [1, 1, 8, 8])
    let bare = try Graph(name: "g", tensors: [x, w, y], operators: [Operator(name: "c", type: "conv2d", inputs: [TensorID(0), TensorID(1)], outputs: [TensorID(2)])])
    #expect(bare.rowMap(of: OperatorID(0)) == nil)
    #expect(throws: TilingError.self) { try bare.tiled(Tiling([OperatorID(0): 2])) }
    let known = try Graph(
      name: "g", tensors: [x, w, y],
      operators: [Operator(name: "c", type: "conv2d", inputs: [TensorID(0), TensorID(1)], outputs: [TensorID(2)], attributes: OperatorAttributes(kernel: [3, 3], pads: [1, 1, 1, 1]))])
    let map = try #require(known.rowMap(of: OperatorID(0)))
    #expect(map.inputRange(0, outputs: 0..<4, inputExtent: 8) == 0..<5)
    #expect(map.inputRange(0, outputs: 4..<8, inputExtent: 8) == 3..<8)
    let tiled = try known.tiled(Tiling([OperatorID(0): 2]))
    #expect(tiled.graph.tensors.map(\.name) == ["x[0:3]", "x[3:5]", "x[5:8]", "w", "y[0:4]", "y[4:8]"])
    #expect(tiled.graph.operators.map { $0.inputs.map { tiled.graph[$0].name } } == [["x[0:3]", "x[3:5]", "w"], ["x[3:5]", "x[5:8]", "w"]])
  }

  /// A padding and a resize split into row tiles: each tile reads the rows it needs, with the
  /// padding's rows and the resize's one-row margin, and the verifier agrees; a tile that reads
  /// less is caught.
  @Test func paddingsAndResizesSplitByRows() throws {
    let x = Tensor(name: "x", kind: .input, bytes: 8 * 8, shape: [1, 1, 8, 8])
    let p = Tensor(name: "p", kind: .activation, bytes: 10 * 10, shape: [1, 1, 10, 10])
    let y = Tensor(name: "y", kind: .output, bytes: 20 * 20, shape: [1, 1, 20, 20])
    let g = try Graph(
      name: "g", tensors: [x, p, y],
      operators: [
        Operator(name: "pad", type: "pad", inputs: [TensorID(0)], outputs: [TensorID(1)]),
        Operator(name: "up", type: "upsample_bilinear2d", inputs: [TensorID(1)], outputs: [TensorID(2)]),
      ])
    let pad = try #require(g.rowMap(of: OperatorID(0)))
    #expect(pad.inputRange(0, outputs: 0..<5, inputExtent: 8) == 0..<5)
    #expect(pad.inputRange(0, outputs: 5..<10, inputExtent: 8) == 3..<8)
    let up = try #require(g.rowMap(of: OperatorID(1)))
    #expect(up.inputRange(0, outputs: 0..<10, inputExtent: 10) == 0..<6)
    #expect(up.inputRange(0, outputs: 10..<20, inputExtent: 10) == 4..<10)
    let tiled = try g.tiled(Tiling([OperatorID(0): 2, OperatorID(1): 4]))
    #expect(Verifier(graph: tiled.graph).decompositionViolations(original: g).isEmpty)
    var ops = tiled.graph.operators
    let last = ops.count - 1
    ops[last].inputs.removeLast()
    let short = try Graph(name: "g", tensors: tiled.graph.tensors, operators: ops)
    #expect(Verifier(graph: short).decompositionViolations(original: g).contains { $0.message.contains("reads") })
  }

  /// A weight added elementwise (ViT's position embedding) is cut by rows like any input, and
  /// the verifier accepts its slices.
  @Test func elementwiseWeightsAreCutByRows() throws {
    let x = Tensor(name: "x", kind: .input, bytes: 8 * 6, shape: [1, 8, 6])
    let p = Tensor(name: "p", kind: .weight, bytes: 8 * 6, shape: [1, 8, 6])
    let y = Tensor(name: "y", kind: .output, bytes: 8 * 6, shape: [1, 8, 6])
    let g = try Graph(
      name: "g", tensors: [x, p, y], operators: [Operator(name: "add", type: "add", inputs: [TensorID(0), TensorID(1)], outputs: [TensorID(2)])])
    let tiled = try g.tiled(Tiling([OperatorID(0): 2]))
    #expect(tiled.graph.operators[0].inputs.map { tiled.graph[$0].name } == ["x[0:4]", "p[0:4]"])
    #expect(Verifier(graph: tiled.graph).decompositionViolations(original: g).isEmpty)
  }

  /// A concatenation joining inputs along its rows, or one whose layout the graph does not
  /// record (ViT's class token before its patches, flattened and transposed), splits by rows and
  /// reads those inputs whole: the verifier accepts it, wants every slice of them, and the
  /// planner fits it in less than the whole concatenation needs.
  @Test func concatenationsReadInputsWithoutTheirRowsWhole() throws {
    let g = try Graph(
      name: "g",
      tensors: [
        Tensor(name: "x", kind: .input, bytes: 6 * 4 * 4, shape: [1, 6, 4, 4]),
        Tensor(name: "cls", kind: .weight, bytes: 6, shape: [1, 1, 6]),
        Tensor(name: "p", kind: .activation, bytes: 6 * 4 * 4, shape: [1, 6, 4, 4]),
        Tensor(name: "y", kind: .output, bytes: 17 * 6, shape: [1, 17, 6]),
      ],
      operators: [
        Operator(name: "relu", type: "relu", inputs: [TensorID(0)], outputs: [TensorID(2)]),
        Operator(name: "cat", type: "cat", inputs: [TensorID(1), TensorID(2)], outputs: [TensorID(3)]),
      ])
    let map = try #require(g.rowMap(of: OperatorID(1)))
    #expect(map.inputs == [.whole, .whole])
    #expect(map.extent == 17)
    let tiled = try g.tiled(Tiling([OperatorID(0): 2, OperatorID(1): 3]))
    #expect(Verifier(graph: tiled.graph).decompositionViolations(original: g).isEmpty)
    let first = try #require(tiled.graph.operators.first { $0.name == "cat[1/3]" })
    #expect(first.inputs.map { tiled.graph[$0].name } == ["cls", "p[0:2]", "p[2:4]"])
    // A tile that reads only the first rows of the patches misses what its rows may need.
    #expect(try Self.violations(tiled, g, tile: "cat[1/3]", input: 2, becomes: "p[0:2]").contains { $0.contains("'p'") })
    // Unsplit, the concatenation needs 96 + 6 + 102 = 204 bytes; its tiles fit in less.
    #expect(g.largestTile(of: OperatorID(1), tiles: 1, weights: .scratchpad, alignment: 1) == 204)
    let chosen = try Self.plannedTiling(g, capacity: 150)
    #expect(chosen.counts[OperatorID(1), default: 1] > 1)
  }

  /// A video network's `(2+1)D` pair on `N, C, D, H, W`: a temporal convolution (kernel
  /// 3 × 1 × 1) and a spatial one (1 × 3 × 3). Depth tiles read the frames their window
  /// covers, halo included, and split every other way once more: the verifier accepts blocks of
  /// frames × rows and catches a tile given the wrong frames, and below what rows, channels,
  /// grids and partial sums reach, the planner splits by depth.
  @Test func videoConvolutionsSplitByDepth() throws {
    let g = try Graph(
      name: "g",
      tensors: [
        Tensor(name: "x", kind: .input, bytes: 128, shape: [1, 2, 4, 4, 4]),
        Tensor(name: "wt", kind: .weight, bytes: 12, shape: [2, 2, 3, 1, 1]),
        Tensor(name: "t", kind: .activation, bytes: 128, shape: [1, 2, 4, 4, 4]),
        Tensor(name: "ws", kind: .weight, bytes: 36, shape: [2, 2, 1, 3, 3]),
        Tensor(name: "y", kind: .output, bytes: 128, shape: [1, 2, 4, 4, 4]),
      ],
      operators: [
        Operator(
          name: "temporal", type: "conv3d", inputs: [TensorID(0), TensorID(1)], outputs: [TensorID(2)], macs: 12 * 64,
          attributes: OperatorAttributes(kernel: [3, 1, 1], pads: [1, 0, 0, 1, 0, 0])),
        Operator(
          name: "spatial", type: "conv3d", inputs: [TensorID(2), TensorID(3)], outputs: [TensorID(4)], macs: 36 * 64,
          attributes: OperatorAttributes(kernel: [1, 3, 3], pads: [0, 1, 1, 0, 1, 1])),
      ])
    let temporal = try #require(g.depthMap(of: OperatorID(0)))
    #expect(temporal.outputAxis == 2)
    #expect(temporal.inputRange(0, outputs: 1..<2, inputExtent: 4) == 0..<3)
    let spatial = try #require(g.depthMap(of: OperatorID(1)))
    #expect(spatial.inputRange(0, outputs: 1..<2, inputExtent: 4) == 1..<2)
    let tiled = try g.tiled(Tiling([OperatorID(1): 2], depths: [OperatorID(0): 2, OperatorID(1): 2]))
    #expect(Verifier(graph: tiled.graph).decompositionViolations(original: g).isEmpty)
    #expect(tiled.graph.operators.map(\.name) == ["temporal[d1/2]", "temporal[d2/2]", "spatial[d1/2,1/2]", "spatial[d1/2,2/2]", "spatial[d2/2,1/2]", "spatial[d2/2,2/2]"])
    #expect(tiled.graph.operators.map(\.macs) == [384, 384, 576, 576, 576, 576])
    // The temporal tile of the first frames reads frames 0..<3 of x, halo included.
    let first = try #require(tiled.graph.operators.first)
    #expect(first.inputs.compactMap { tiled.graph[$0].slice?.region[2] } == [0..<1, 1..<3])
    #expect(try Self.violations(tiled, g, tile: "temporal[d1/2]", input: 1, becomes: "x[d0:1]").contains { $0.contains("'x'") })
    // Rows, channels, grids and partial sums alone need 130 bytes at least; depth × rows 100.
    #expect(g.smallestTile(of: OperatorID(1), depth: 1, weights: .scratchpad, alignment: 1, above: 0) > 100)
    #expect(g.smallestTiledScratchpad(weights: .scratchpad, alignment: 1).bytes <= 100)
    let chosen = try Self.plannedTiling(g, capacity: 100)
    #expect(chosen.depth(of: OperatorID(1)) > 1)
  }

  /// A dilated window's tile reads separate bands of rows, not the rows between them, and the
  /// verifier wants every band.
  @Test func dilatedWindowsReadBands() throws {
    let x = Tensor(name: "x", kind: .input, bytes: 10 * 10, shape: [1, 1, 10, 10])
    let w = Tensor(name: "w", kind: .weight, bytes: 9, shape: [1, 1, 3, 3])
    let y = Tensor(name: "y", kind: .output, bytes: 10 * 10, shape: [1, 1, 10, 10])
    let g = try Graph(
      name: "g", tensors: [x, w, y],
      operators: [
        Operator(
          name: "c", type: "conv2d", inputs: [TensorID(0), TensorID(1)], outputs: [TensorID(2)],
          attributes: OperatorAttributes(kernel: [3, 3], pads: [4, 4, 4, 4], dilations: [4, 4]))
      ])
    let map = try #require(g.rowMap(of: OperatorID(0)))
    #expect(map.inputRanges(0, outputs: 5..<6, inputExtent: 10) == [1..<2, 5..<6, 9..<10])
    #expect(map.inputRanges(0, outputs: 0..<5, inputExtent: 10) == [0..<9])
    // One row a tile: 3 rows of input (and the output row), not 9.
    #expect(g.largestTile(of: OperatorID(0), tiles: 10, weights: .external, alignment: 1) == 3 * 10 + 10)
    let tiled = try g.tiled(Tiling([OperatorID(0): 10]))
    #expect(Verifier(graph: tiled.graph).decompositionViolations(original: g).isEmpty)
    var ops = tiled.graph.operators
    ops[5].inputs.removeFirst()
    let short = try Graph(name: "g", tensors: tiled.graph.tensors, operators: ops)
    #expect(Verifier(graph: short).decompositionViolations(original: g).contains { $0.message.contains("reads") })
  }

  /// Channel tiles: a convolution whose weights do not fit is split by output channels (each
  /// tile the whole input and a slice of the weights and bias), a global pooling by channels;
  /// the verifier accepts it and catches a tile reading the wrong weight slice.
  @Test func channelTilesSliceWeights() throws {
    let x = Tensor(name: "x", kind: .input, bytes: 8 * 4 * 4, shape: [1, 8, 4, 4])
    let w = Tensor(name: "w", kind: .weight, bytes: 16 * 8 * 9, shape: [16, 8, 3, 3])
    let b = Tensor(name: "b", kind: .weight, bytes: 16, shape: [16])
    let y = Tensor(name: "y", kind: .activation, bytes: 16 * 4 * 4, shape: [1, 16, 4, 4])
    let z = Tensor(name: "z", kind: .output, bytes: 16, shape: [1, 16, 1, 1])
    let g = try Graph(
      name: "g", tensors: [x, w, b, y, z],
      operators: [
        Operator(
          name: "conv", type: "conv2d", inputs: [TensorID(0), TensorID(1), TensorID(2)], outputs: [TensorID(3)], macs: 16 * 8 * 9 * 16,
          attributes: OperatorAttributes(kernel: [3, 3], pads: [1, 1, 1, 1])),
        Operator(name: "pool", type: "adaptive_avg_pool2d", inputs: [TensorID(3)], outputs: [TensorID(4)]),
      ])
    let conv = try #require(g.channelMap(of: OperatorID(0)))
    #expect(conv.inputs == [.whole, .same, .same] && conv.inputAxes == [nil, 0, 0] && conv.extent == 16)
    #expect(g.rowMap(of: OperatorID(1)) == nil)
    #expect(g.channelMap(of: OperatorID(1)) != nil)
    // With weights in the scratchpad, rows cannot make the convolution fit: its weights are whole.
    let capacity = 128 + 1152 / 2 + 8 + 128 + 16
    #expect(g.fewestTiles(of: OperatorID(0), capacity: capacity, weights: .scratchpad, alignment: 1, axes: [.rows]) == nil)
    let found = try #require(g.fewestTiles(of: OperatorID(0), capacity: capacity, weights: .scratchpad, alignment: 1))
    #expect(found.axis == .channels && found.tiles == 2)
    let tiled = try g.tiled(Tiling([OperatorID(0): 2, OperatorID(1): 4], channels: [OperatorID(0), OperatorID(1)]))
    #expect(Verifier(graph: tiled.graph).decompositionViolations(original: g).isEmpty)
    #expect(tiled.graph.operators[0].inputs.map { tiled.graph[$0].name } == ["x", "w[c0:8]", "b[c0:8]"])
    // The first tile given the second weight slice.
    var ops = tiled.graph.operators
    ops[0].inputs[1] = tiled.graph.tensor(named: "w[c8:16]")!
    let wrong = try Graph(name: "g", tensors: tiled.graph.tensors, operators: ops)
    #expect(Verifier(graph: wrong).decompositionViolations(original: g).contains { $0.message.contains("'w'") })
    let result = try plan(
      graph: g, accelerator: Accelerator(scratchpad: .bytes(capacity), alignment: 1, weights: .scratchpad), planner: .ilp)
    #expect(result.tiled?.tiling.channels.isEmpty == false)
  }

  /// The decomposition violations after tile `name`'s input `k` is replaced by `tensor` (or its
  /// inputs by `tensor` alone when `k` is nil).
  static func violations(_ tiled: TiledGraph, _ original: Graph, tile name: String, input k: Int?, becomes tensor: String) throws
    -> [String]
  {
    var ops = tiled.graph.operators
    let i = try #require(ops.firstIndex { $0.name == name })
    let t = try #require(tiled.graph.tensor(named: tensor))
    if let k { ops[i].inputs[k] = t } else { ops[i].inputs = [t] }
    let wrong = try Graph(name: original.name, tensors: tiled.graph.tensors, operators: ops)
    return Verifier(graph: wrong).decompositionViolations(original: original).map(\.message)
  }

  /// A grid of rows and channels: a matrix product whose input rows and weights (in the
  /// scratchpad) are both too large for one axis (row tiles read all the weights, channel tiles all the input) is split
  /// into blocks of rows of blocks of features, each reading its rows and its weight slice. The
  /// tiles partition the output and the MACs, the verifier accepts them and catches a tile given
  /// the wrong rows, and the planner plans it below the single-axis `M_T`.
  @Test func gridTilesSplitRowsAndChannels() throws {
    let x = Tensor(name: "x", kind: .input, bytes: 64 * 32, shape: [1, 64, 32])
    let w = Tensor(name: "w", kind: .weight, bytes: 48 * 32, shape: [48, 32])
    let y = Tensor(name: "y", kind: .output, bytes: 64 * 48, shape: [1, 64, 48])
    let g = try Graph(
      name: "g", tensors: [x, w, y],
      operators: [Operator(name: "fc", type: "linear", inputs: [TensorID(0), TensorID(1)], outputs: [TensorID(2)], macs: 64 * 48 * 32)])
    let fc = OperatorID(0)
    let rowsOnly = Graph.tileCounts(64).map { g.largestTile(of: fc, tiles: $0, along: .rows, weights: .scratchpad, alignment: 1) }.min()!
    let channelsOnly = Graph.tileCounts(48).map { g.largestTile(of: fc, tiles: $0, along: .channels, weights: .scratchpad, alignment: 1) }.min()!
    #expect(rowsOnly == 48 * 32 + 32 + 48)  // one row, all weights
    #expect(channelsOnly == 64 * 32 + 32 + 64)  // one feature, the whole input
    // 8 × 6 blocks: 8 rows of x, 8 weight rows, 8 × 8 outputs.
    #expect(g.largestTile(of: fc, tiles: 8, columns: 6, weights: .scratchpad, alignment: 1) == 8 * 32 + 8 * 32 + 8 * 8)
    let capacity = 1_024
    #expect(g.fewestTiles(of: fc, capacity: capacity, weights: .scratchpad, alignment: 1) == nil)
    let grid = try #require(g.fewestGridTiles(of: fc, capacity: capacity, weights: .scratchpad, alignment: 1))
    #expect(g.largestTile(of: fc, tiles: grid.rows, columns: grid.columns, weights: .scratchpad, alignment: 1) <= capacity)
    #expect(g.smallestTiledScratchpad(weights: .scratchpad, alignment: 1).bytes < min(rowsOnly, channelsOnly))
    let tiled = try g.tiled(Tiling([fc: 4], columns: [fc: 3]))
    #expect(tiled.operators[0].count == 12)
    #expect(tiled.graph.operators.map(\.tile!.index) == Array(0..<12))
    #expect(tiled.graph.operators.reduce(0) { $0 + $1.macs! } == 64 * 48 * 32)
    #expect(tiled.graph.operators[4].name == "fc[2/4,c2/3]")
    #expect(tiled.graph.operators[4].inputs.map { tiled.graph[$0].name } == ["x[16:32]", "w[c16:32]"])
    #expect(Verifier(graph: tiled.graph).decompositionViolations(original: g).isEmpty)
    #expect(try Self.violations(tiled, g, tile: "fc[2/4,c2/3]", input: 0, becomes: "x[0:16]").contains { $0.contains("'x'") })
    #expect(!(try Self.plannedTiling(g, capacity: capacity)).columns.isEmpty)
  }

  /// Plans `g` with the default-order Belady baseline at `capacity` (weights in the scratchpad,
  /// alignment 1), checks the tiled plan and its decomposition, and returns the tiling chosen.
  static func plannedTiling(_ g: Graph, capacity: ByteCount) throws -> Tiling {
    let result = try plan(
      graph: g, accelerator: Accelerator(scratchpad: .bytes(capacity), alignment: 1, weights: .scratchpad), planner: .defaultBelady)
    let chosen = try #require(result.tiled)
    #expect(Verifier(graph: chosen.graph).isValid(result.result.plan))
    #expect(Verifier(graph: chosen.graph).decompositionViolations(original: g).isEmpty)
    return chosen.tiling
  }

  /// A split along features writes its rows of every output, a layer normalization of
  /// `B, S, F` reads the same rows and its parameters whole (so do a softmax over features and a
  /// rotary embedding), and a batched matrix product whose batch axis broadcasts reads the rows
  /// of its first input: GPT-2's attention block, by rows.
  @Test func splitsNormalizationsAndBroadcastProductsSplitByRows() throws {
    let g = try Graph(
      name: "g",
      tensors: [
        Tensor(name: "x", kind: .input, bytes: 8 * 6, shape: [1, 8, 6]),
        Tensor(name: "gamma", kind: .weight, bytes: 6, shape: [6]),
        Tensor(name: "n", kind: .activation, bytes: 8 * 6, shape: [1, 8, 6]),
        Tensor(name: "q", kind: .activation, bytes: 8 * 2, shape: [1, 8, 2]),
        Tensor(name: "k", kind: .activation, bytes: 8 * 2, shape: [1, 8, 2]),
        Tensor(name: "v", kind: .activation, bytes: 8 * 2, shape: [1, 8, 2]),
        Tensor(name: "s", kind: .output, bytes: 3 * 8 * 8, shape: [3, 8, 8]),
        Tensor(name: "v2", kind: .output, bytes: 8 * 2, shape: [1, 8, 2]),
      ],
      operators: [
        Operator(name: "norm", type: "layer_norm", inputs: [TensorID(0), TensorID(1)], outputs: [TensorID(2)]),
        Operator(name: "split", type: "split", inputs: [TensorID(2)], outputs: [TensorID(3), TensorID(4), TensorID(5)]),
        Operator(name: "scores", type: "matmul", inputs: [TensorID(3), TensorID(4)], outputs: [TensorID(6)]),
        Operator(name: "twice", type: "add", inputs: [TensorID(5), TensorID(5)], outputs: [TensorID(7)]),
      ])
    for o in g.operatorIDs { #expect(g.rowMap(of: o) != nil, "\(g[o].name)") }
    #expect(g.rowMap(of: OperatorID(0))?.inputs == [.same, .whole])
    #expect(g.rowMap(of: OperatorID(2))?.inputs == [.same, .whole])
    let tiled = try g.tiled(Tiling([OperatorID(0): 2, OperatorID(1): 4, OperatorID(2): 2]))
    #expect(Verifier(graph: tiled.graph).decompositionViolations(original: g).isEmpty)
    let second = try #require(tiled.graph.operators.first { $0.name == "split[2/4]" })
    #expect(second.outputs.map { tiled.graph[$0].name } == ["q[2:4]", "k[2:4]", "v[2:4]"])
    // A split tile reading the wrong rows, a normalization tile reading only some features.
    #expect(try Self.violations(tiled, g, tile: "split[2/4]", input: nil, becomes: "n[0:2]").contains { $0.contains("'n'") })
    // A softmax is split by rows only when its axis is known and is not the rows'.
    func softmax(_ axis: Int?) throws -> Graph {
      try Graph(
        name: "g",
        tensors: [
          Tensor(name: "s", kind: .input, bytes: 3 * 8 * 8, shape: [3, 8, 8]),
          Tensor(name: "p", kind: .output, bytes: 3 * 8 * 8, shape: [3, 8, 8]),
        ],
        operators: [
          Operator(
            name: "softmax", type: "softmax", inputs: [TensorID(0)], outputs: [TensorID(1)],
            attributes: axis.map { OperatorAttributes(axis: $0) })
        ])
    }
    #expect(try softmax(nil).rowMap(of: OperatorID(0)) == nil)
    #expect(try softmax(1).rowMap(of: OperatorID(0)) == nil)
    let last = try softmax(2)
    let rows = try last.tiled(Tiling([OperatorID(0): 4]))
    #expect(Verifier(graph: rows.graph).decompositionViolations(original: last).isEmpty)
    // The verifier does not take rows for granted over the rows' axis.
    let shifted = try Graph(
      name: "g", tensors: rows.graph.tensors,
      operators: rows.graph.operators.map { var o = $0; o.attributes = OperatorAttributes(axis: 1); return o })
    #expect(!Verifier(graph: shifted).decompositionViolations(original: try softmax(1)).isEmpty)
    // A rotary embedding rotates each row by its position's angles, read whole.
    /// One operator of `type` reading `a` and `b` (int8, `b` possibly a weight) into `[1, 8, 4]`,
    /// split into 4 row tiles: how it reads its inputs, when the verifier accepts the tiles.
    func rowSplit(_ type: String, a: [Int], b: [Int], bKind: TensorKind = .input) throws -> [TileMap.Dependence]? {
      func tensor(_ name: String, _ kind: TensorKind, _ shape: [Int]) -> Tensor {
        Tensor(name: name, kind: kind, bytes: shape.reduce(1, *), shape: shape)
      }
      let g = try Graph(
        name: "g", tensors: [tensor("a", .input, a), tensor("b", bKind, b), tensor("c", .output, [1, 8, 4])],
        operators: [Operator(name: "op", type: type, inputs: [TensorID(0), TensorID(1)], outputs: [TensorID(2)])])
      let tiled = try g.tiled(Tiling([OperatorID(0): 4]))
      #expect(Verifier(graph: tiled.graph).decompositionViolations(original: g).isEmpty, "\(type)")
      return g.rowMap(of: OperatorID(0))?.inputs
    }
    #expect(try rowSplit("rotary", a: [1, 8, 4], b: [8, 2], bKind: .weight) == [.same, .whole])
    // An elementwise input of another rank (ViT's residual [S, F] added to [1, S, F]) is read
    // whole by every tile.
    #expect(try rowSplit("add", a: [8, 4], b: [1, 8, 4]) == [.whole, .same])
    // A normalization over something other than the last axis of B, S, F is not split.
    let image = try Graph(
      name: "g",
      tensors: [
        Tensor(name: "x", kind: .input, bytes: 2 * 4 * 4, shape: [1, 2, 4, 4]),
        Tensor(name: "y", kind: .output, bytes: 2 * 4 * 4, shape: [1, 2, 4, 4]),
      ],
      operators: [Operator(name: "norm", type: "layer_norm", inputs: [TensorID(0)], outputs: [TensorID(1)])])
    #expect(image.rowMap(of: OperatorID(0)) == nil)
  }

  /// PyTorch's attention lays sequences out as `S, 1, F`: their rows are the first axis. A
  /// projection and a `select` of its features split by rows there, and a split of a weight by
  /// the features all its parts share (nn.Transformer's in-projection weight, split into the
  /// query's and the key's and value's), and a projection by such a part, by its channels.
  @Test func sequenceFirstTensorsAndWeightSplitsTile() throws {
    let g = try Graph(
      name: "g",
      tensors: [
        Tensor(name: "x", kind: .input, bytes: 8 * 6, shape: [8, 1, 6]),
        Tensor(name: "w", kind: .weight, bytes: 12 * 6, shape: [12, 6]),
        Tensor(name: "wq", kind: .activation, bytes: 4 * 6, shape: [4, 6]),
        Tensor(name: "wkv", kind: .activation, bytes: 8 * 6, shape: [8, 6]),
        Tensor(name: "qkv", kind: .activation, bytes: 8 * 12, shape: [8, 1, 12]),
        Tensor(name: "q", kind: .output, bytes: 8 * 4, shape: [8, 1, 4]),
        Tensor(name: "kv", kind: .output, bytes: 8 * 8, shape: [8, 1, 8]),
      ],
      operators: [
        Operator(name: "split", type: "split_with_sizes", inputs: [TensorID(1)], outputs: [TensorID(2), TensorID(3)]),
        Operator(name: "proj", type: "linear", inputs: [TensorID(0), TensorID(1)], outputs: [TensorID(4)]),
        Operator(name: "select", type: "select", inputs: [TensorID(4)], outputs: [TensorID(5)]),
        Operator(name: "projkv", type: "linear", inputs: [TensorID(0), TensorID(3)], outputs: [TensorID(6)]),
      ])
    // A linear whose weights are computed (a part of the split) splits by channels too.
    #expect(g.channelMap(of: OperatorID(3))?.inputs == [.whole, .same])
    #expect(g.rows(of: TensorID(0))?.axis == 0)
    #expect(g.rowMap(of: OperatorID(0)) == nil)
    #expect(g.channelMap(of: OperatorID(0))?.inputs == [.same])
    #expect(g.rowMap(of: OperatorID(1))?.outputAxis == 0)
    #expect(g.rowMap(of: OperatorID(2))?.inputs == [.same])
    let tiled = try g.tiled(
      Tiling([OperatorID(0): 3, OperatorID(1): 4, OperatorID(2): 2, OperatorID(3): 4], channels: [OperatorID(0), OperatorID(3)]))
    #expect(Verifier(graph: tiled.graph).decompositionViolations(original: g).isEmpty)
    // The key and value weights are cut by the split's tiles and by the projection's: a grid.
    #expect(
      tiled.graph.operators[0].outputs.map { tiled.graph[$0].name }
        == ["wq[c0:2]", "wkv[c0:2,c0:2]", "wkv[c2:4,c0:2]", "wkv[c4:6,c0:2]", "wkv[c6:8,c0:2]"])
    #expect(tiled.graph.operators[0].inputs.map { tiled.graph[$0].name } == ["w[c0:2]"])
    // A select reading other rows than its output's is caught.
    #expect(try Self.violations(tiled, g, tile: "select[2/2]", input: nil, becomes: "qkv[0:2]").contains { $0.contains("'qkv'") })
  }

  /// Attention written as heads (ViT's: queries, keys and values `[S, 1, H·D]`, output
  /// `[1, H, S, D]`) splits by heads, each reading its block of `D` features of all three.
  @Test func attentionSplitsByHeads() throws {
    let g = try Graph(
      name: "g",
      tensors: ["q", "k", "v"].map { Tensor(name: $0, kind: .input, bytes: 8 * 6, shape: [8, 1, 6]) } + [
        Tensor(name: "o", kind: .output, bytes: 3 * 8 * 2, shape: [1, 3, 8, 2])
      ],
      operators: [
        Operator(
          name: "attention", type: "scaled_dot_product_attention", inputs: [TensorID(0), TensorID(1), TensorID(2)],
          outputs: [TensorID(3)])
      ])
    let map = try #require(g.channelMap(of: OperatorID(0)))
    #expect(map.inputs == Array(repeating: .blocks(input: 2, output: 1), count: 3) && map.extent == 3)
    #expect(map.inputRange(0, outputs: 1..<2, inputExtent: 6) == 2..<4)
    let tiled = try g.tiled(Tiling([OperatorID(0): 3], channels: [OperatorID(0)]))
    #expect(Verifier(graph: tiled.graph).decompositionViolations(original: g).isEmpty)
    #expect(tiled.graph.operators[1].inputs.map { tiled.graph[$0].name } == ["q[c2:4]", "k[c2:4]", "v[c2:4]"])
    #expect(try Self.violations(tiled, g, tile: "attention[c2/3]", input: 1, becomes: "k[c0:2]").contains { $0.contains("'k'") })
  }

  /// A convolution's input channels in partial sums: 4 steps of 2 channels each read their block
  /// of the input and of the weights, accumulate into int32 partials of the output (4 bytes per
  /// element), and the last adds the bias and writes the output. The MACs add up, the verifier
  /// accepts it and the graph file keeps it; it catches a step given another step's channels, a
  /// bias added twice and a partial of the wrong size. Combined with rows, each row tile has
  /// its own chain; with the weights in the scratchpad, splitting the reduction plans below the
  /// `M_T` of rows and channels alone.
  @Test func reductionSplitsIntoPartialSums() throws {
    let x = Tensor(name: "x", kind: .input, bytes: 8 * 8 * 8, shape: [1, 8, 8, 8])
    let w = Tensor(name: "w", kind: .weight, bytes: 4 * 8 * 9, shape: [4, 8, 3, 3])
    let b = Tensor(name: "b", kind: .weight, bytes: 4, shape: [4])
    let y = Tensor(name: "y", kind: .output, bytes: 4 * 8 * 8, shape: [1, 4, 8, 8])
    let g = try Graph(
      name: "g", tensors: [x, w, b, y],
      operators: [
        Operator(
          name: "conv", type: "conv2d", inputs: [TensorID(0), TensorID(1), TensorID(2)], outputs: [TensorID(3)],
          macs: 4 * 8 * 8 * 8 * 9, attributes: OperatorAttributes(kernel: [3, 3], pads: [1, 1, 1, 1]))
      ])
    let conv = OperatorID(0)
    let map = try #require(g.reductionMap(of: conv))
    let dependences: [TileMap.Dependence] = [.same, .same, .final]
    let axes: [Int?] = [1, 1, nil]
    #expect(map.extent == 8)
    #expect(map.inputs == dependences)
    #expect(map.inputAxes == axes)
    let tiled = try g.tiled(Tiling(steps: [conv: 4]))
    #expect(tiled.graph.operators.map(\.name) == ["conv[s1/4]", "conv[s2/4]", "conv[s3/4]", "conv[s4/4]"])
    let names = tiled.graph.operators.map { $0.inputs.map { tiled.graph[$0].name } + ["->"] + $0.outputs.map { tiled.graph[$0].name } }
    #expect(names[0] == ["x[c0:2]", "w[c0:2]", "->", "conv[s1/4].partial"])
    #expect(names[1] == ["x[c2:4]", "w[c2:4]", "conv[s1/4].partial", "->", "conv[s2/4].partial"])
    #expect(names[3] == ["x[c6:8]", "w[c6:8]", "b", "conv[s3/4].partial", "->", "y"])
    let partial = try #require(tiled.graph.tensor(named: "conv[s2/4].partial"))
    #expect(tiled.graph[partial].bytes == 4 * 8 * 8 * 4)
    #expect(tiled.graph[partial].partial == TensorPartial(of: "y", region: [0..<1, 0..<4, 0..<8, 0..<8], step: 1, steps: 4))
    let macs = tiled.graph.operators.reduce(0) { $0 + $1.macs! }
    #expect(macs == 4 * 8 * 8 * 8 * 9)
    #expect(Verifier(graph: tiled.graph).decompositionViolations(original: g).isEmpty)
    let back = try Graph(jsonData: Data(tiled.graph.jsonValue().serialized().utf8), origin: "tiled.json")
    #expect(back.tensors == tiled.graph.tensors && back.operators == tiled.graph.operators)
    // Faults: a step given the previous step's channels, a bias read by two steps, a partial of
    // another size.
    let twice = try Self.violations(tiled, g, tile: "conv[s2/4]", input: 0, becomes: "x[c0:2]")
    #expect(twice.contains { $0.contains("both read part of 'x'") })
    #expect(twice.contains { $0.contains("tile 'conv[s4/4]' reads 384 of the 512 elements of 'x'") })
    var ops = tiled.graph.operators
    ops[0].inputs.append(try #require(tiled.graph.tensor(named: "b")))
    let biasTwice = try Graph(name: "g", tensors: tiled.graph.tensors, operators: ops)
    #expect(Verifier(graph: biasTwice).decompositionViolations(original: g).contains { $0.message.contains("both read part of 'b'") })
    var tensors = tiled.graph.tensors
    tensors[partial.rawValue].bytes = 4 * 8 * 8
    let small = try Graph(name: "g", tensors: tensors, operators: tiled.graph.operators)
    #expect(Verifier(graph: small).decompositionViolations(original: g).contains { $0.message.contains("accumulator") })
    // Rows and partial sums: 2 row tiles, each a chain of 2 steps, reading its rows (halo
    // included) of its channels.
    let grid = try g.tiled(Tiling([conv: 2], steps: [conv: 2]))
    #expect(grid.graph.operators.map(\.name) == ["conv[1/2,s1/2]", "conv[1/2,s2/2]", "conv[2/2,s1/2]", "conv[2/2,s2/2]"])
    #expect(grid.graph.operators[2].inputs.map { grid.graph[$0].name } == ["x[c0:4,3:5]", "x[c0:4,5:8]", "w[c0:4]"])
    #expect(Verifier(graph: grid.graph).decompositionViolations(original: g).isEmpty)
    // The largest tile as the search sees it is the largest working set of the tiled graph.
    for (k, steps) in [(1, 4), (2, 2), (4, 8)] {
      let split = try g.tiled(Tiling([conv: k], steps: [conv: steps]))
      let largest = split.graph.operatorIDs.map { o in
        split.graph.workingSet(of: o, weights: .scratchpad).reduce(0) { $0 + roundUp(split.graph[$1].bytes, to: 1) }
      }.max()!
      #expect(g.largestTile(of: conv, tiles: k, steps: steps, weights: .scratchpad, alignment: 1) == largest, "\(k) × \(steps)")
    }
    // Below what rows and channels alone reach (every tile reads all 8 channels of 3 rows and,
    // by rows, all the weights), partial sums plan.
    let alone = min(
      Graph.tileCounts(8).map { g.largestTile(of: conv, tiles: $0, along: .rows, weights: .scratchpad, alignment: 1) }.min()!,
      Graph.tileCounts(4).map { g.largestTile(of: conv, tiles: $0, along: .channels, weights: .scratchpad, alignment: 1) }.min()!,
      g.gridCounts(of: conv).map { g.largestTile(of: conv, tiles: $0.rows, columns: $0.columns, weights: .scratchpad, alignment: 1) }.min()!)
    let mt = g.smallestTiledScratchpad(weights: .scratchpad, alignment: 1).bytes
    #expect(mt < alone)
    #expect(!(try Self.plannedTiling(g, capacity: mt)).steps.isEmpty)
  }

  /// A grouped convolution (2 groups of 2 channels) split by output channels: each tile reads
  /// the input channels of its group, and the verifier catches a tile given the other group's.
  @Test func groupedConvolutionSplitsByChannels() throws {
    let g = try Graph(
      name: "g",
      tensors: [
        Tensor(name: "x", kind: .input, bytes: 4 * 16, shape: [1, 4, 4, 4]),
        Tensor(name: "w", kind: .weight, bytes: 4 * 2 * 9, shape: [4, 2, 3, 3]),
        Tensor(name: "y", kind: .output, bytes: 4 * 16, shape: [1, 4, 4, 4]),
      ],
      operators: [
        Operator(
          name: "conv", type: "conv2d", inputs: [TensorID(0), TensorID(1)], outputs: [TensorID(2)], macs: 4 * 16 * 18,
          attributes: OperatorAttributes(kernel: [3, 3], pads: [1, 1, 1, 1], groups: 2))
      ])
    let map = try #require(g.channelMap(of: OperatorID(0)))
    #expect(map.inputs == [.blocks(input: 2, output: 2), .same])
    let tiled = try g.tiled(Tiling([OperatorID(0): 4], channels: [OperatorID(0)]))
    #expect(tiled.graph.operators[3].inputs.map { tiled.graph[$0].name } == ["x[c2:4]", "w[c3:4]"])
    #expect(Verifier(graph: tiled.graph).decompositionViolations(original: g).isEmpty)
    #expect(try Self.violations(tiled, g, tile: "conv[c4/4]", input: 0, becomes: "x[c0:2]").contains { $0.contains("'x'") })
  }

  /// Grouped-query attention of `B, S, F` with its heads declared (4 query heads of 2 features,
  /// 2 key-value heads): a channel tile of one query head reads that head's 2 query features
  /// and its group's 2 key and value features; a tile of heads 1 and 2 straddles both groups.
  /// A grid of rows and heads reads the queries' rows and the keys and values whole along the
  /// sequence. The verifier accepts it and catches a tile given the other group's keys.
  @Test func groupedQueryAttentionSplitsByHeads() throws {
    let q = Tensor(name: "q", kind: .input, bytes: 8 * 8, shape: [1, 8, 8])
    let k = Tensor(name: "k", kind: .input, bytes: 8 * 4, shape: [1, 8, 4])
    let v = Tensor(name: "v", kind: .input, bytes: 8 * 4, shape: [1, 8, 4])
    let o = Tensor(name: "o", kind: .output, bytes: 8 * 8, shape: [1, 8, 8])
    let g = try Graph(
      name: "g", tensors: [q, k, v, o],
      operators: [
        Operator(
          name: "attention", type: "scaled_dot_product_attention", inputs: [TensorID(0), TensorID(1), TensorID(2)],
          outputs: [TensorID(3)], attributes: OperatorAttributes(heads: 4, kvHeads: 2))
      ])
    let map = try #require(g.channelMap(of: OperatorID(0)))
    #expect(map.inputs == [.blocks(input: 2, output: 2), .blocks(input: 2, output: 4), .blocks(input: 2, output: 4)])
    #expect(map.inputRange(1, outputs: 2..<4, inputExtent: 4) == 0..<2)
    #expect(map.inputRange(1, outputs: 2..<6, inputExtent: 4) == 0..<4)
    #expect(map.inputRange(0, outputs: 3..<5, inputExtent: 8) == 2..<6)
    let tiled = try g.tiled(Tiling([OperatorID(0): 2], columns: [OperatorID(0): 4]))
    #expect(Verifier(graph: tiled.graph).decompositionViolations(original: g).isEmpty)
    let tile = try #require(tiled.graph.operators.first { $0.name == "attention[2/2,c4/4]" })
    #expect(tile.inputs.map { tiled.graph[$0].name } == ["q[4:8,c6:8]", "k[c2:4]", "v[c2:4]"])
    #expect(
      try Self.violations(tiled, g, tile: "attention[2/2,c4/4]", input: 1, becomes: "k[c0:2]").contains { $0.contains("'k'") })
    // Along the keys too (flash attention): each row and head block a chain of 2 tiles, each
    // reading its queries and half the keys and values; a partial holds the block's outputs at
    // 4 bytes and a running maximum and sum (8 bytes) per row and head.
    let keys = try g.tiled(Tiling([OperatorID(0): 2], columns: [OperatorID(0): 4], steps: [OperatorID(0): 2]))
    #expect(Verifier(graph: keys.graph).decompositionViolations(original: g).isEmpty)
    let step = try #require(keys.graph.operators.first { $0.name == "attention[2/2,c4/4,s2/2]" })
    #expect(step.inputs.map { keys.graph[$0].name } == ["q[4:8,c6:8]", "k[4:8,c2:4]", "v[4:8,c2:4]", "attention[2/2,c4/4,s1/2].partial"])
    let partial = try #require(keys.graph.tensor(named: "attention[2/2,c4/4,s1/2].partial"))
    #expect(keys.graph[partial].bytes == 4 * 2 * 4 + 8 * 4)
    #expect(g.largestTile(of: OperatorID(0), tiles: 2, columns: 4, steps: 2, weights: .scratchpad, alignment: 1)
      == keys.graph.operatorIDs.map { o in keys.graph.workingSet(of: o, weights: .scratchpad).reduce(0) { $0 + keys.graph[$1].bytes } }.max()!)
    #expect(
      try Self.violations(keys, g, tile: "attention[2/2,c4/4,s2/2]", input: 1, becomes: "k[0:4,c2:4]").contains { $0.contains("both read part of 'k'") })
    // Without heads the same operator splits by rows only.
    let plain = try Graph(
      name: "g", tensors: [q, k, v, o],
      operators: [
        Operator(
          name: "attention", type: "scaled_dot_product_attention", inputs: [TensorID(0), TensorID(1), TensorID(2)],
          outputs: [TensorID(3)])
      ])
    #expect(plain.channelMap(of: OperatorID(0)) == nil && plain.rowMap(of: OperatorID(0)) != nil)
    #expect(throws: InputError.self) {
      try Graph(
        name: "g", tensors: [q, k, v, o],
        operators: [
          Operator(
            name: "attention", type: "scaled_dot_product_attention", inputs: [TensorID(0), TensorID(1), TensorID(2)],
            outputs: [TensorID(3)], attributes: OperatorAttributes(heads: 4, kvHeads: 3))
        ])
    }
  }

  /// A convolution whose window its shapes do not decide (a 3×3 that keeps its size, no
  /// attributes) is not split by rows but is by channels: each tile reads the whole input and
  /// its slice of the weights, which the verifier accepts without a window.
  @Test func aConvolutionWithoutAKnownWindowSplitsByChannels() throws {
    let x = Tensor(name: "x", kind: .input, bytes: 4 * 8 * 8, shape: [1, 4, 8, 8])
    let w = Tensor(name: "w", kind: .weight, bytes: 8 * 4 * 9, shape: [8, 4, 3, 3])
    let y = Tensor(name: "y", kind: .output, bytes: 8 * 8 * 8, shape: [1, 8, 8, 8])
    let g = try Graph(
      name: "g", tensors: [x, w, y],
      operators: [Operator(name: "conv", type: "conv2d", inputs: [TensorID(0), TensorID(1)], outputs: [TensorID(2)], macs: 8 * 64 * 36)])
    #expect(g.slidingWindow(of: OperatorID(0)) == nil)
    #expect(g.rowMap(of: OperatorID(0)) == nil)
    let map = try #require(g.channelMap(of: OperatorID(0)))
    #expect(map.inputs == [.whole, .same] && map.extent == 8)
    let tiled = try g.tiled(Tiling([OperatorID(0): 4], channels: [OperatorID(0)]))
    #expect(Verifier(graph: tiled.graph).decompositionViolations(original: g).isEmpty)
    #expect(try Self.violations(tiled, g, tile: "conv[c1/4]", input: 1, becomes: "w[c2:4]").contains { $0.contains("'w'") })
    // Another type with the same shapes is not taken for a convolution.
    let other = try Graph(
      name: "g", tensors: [x, w, y],
      operators: [Operator(name: "op", type: "custom", inputs: [TensorID(0), TensorID(1)], outputs: [TensorID(2)])])
    #expect(other.channelMap(of: OperatorID(0)) == nil)
  }

  /// The decomposition check finds each kind of unfaithful tiled graph.
  /// The verifier's sweep for overlapping slices: none in a grid of frames × rows × channels,
  /// and any one pair that shares an element found, along whichever dimension it sweeps.
  @Test func overlappingSlicesAreFound() {
    var grid: [[Range<Int>]] = []
    for f in 0..<4 { for r in 0..<7 { for c in 0..<3 { grid.append([0..<1, (2 * c)..<(2 * c + 2), f..<(f + 1), (3 * r)..<(3 * r + 3)]) } } }
    #expect(Verifier.overlappingPair(grid) == nil)
    #expect(Verifier.overlappingPair(grid + [[0..<1, 0..<6, 2..<2, 0..<21]]) == nil)  // empty: shares nothing
    var rng = SplitMix64(seed: 7)
    for _ in 0..<20 {
      var boxes = grid
      let i = Int(rng.next() % UInt64(grid.count))
      var extra = grid[i]
      extra[3] = extra[3].lowerBound + 2..<extra[3].upperBound + 1  // reaches into the next rows
      boxes.insert(extra, at: Int(rng.next() % UInt64(grid.count)))
      let pair = Verifier.overlappingPair(boxes)
      #expect(pair.map { Verifier.overlap(boxes[$0.0], boxes[$0.1]) > 0 && $0.0 < $0.1 } == true)
    }
  }

  @Test func decompositionCheckFindsEachFault() throws {
    let x = Tensor(name: "x", kind: .input, bytes: 64, shape: [1, 1, 8, 8])
    let w = Tensor(name: "w", kind: .weight, bytes: 9, shape: [1, 1, 3, 3])
    let y = Tensor(name: "y", kind: .output, bytes: 64, shape: [1, 1, 8, 8])
    let original = try Graph(
      name: "g", tensors: [x, w, y],
      operators: [Operator(name: "c", type: "conv2d", inputs: [TensorID(0), TensorID(1)], outputs: [TensorID(2)], macs: 576, attributes: OperatorAttributes(kernel: [3, 3], pads: [1, 1, 1, 1]))])
    let good = try original.tiled(Tiling([OperatorID(0): 2])).graph
    #expect(Verifier(graph: good).decompositionViolations(original: original).isEmpty)
    func mutated(_ change: (inout [Tensor], inout [Operator]) -> Void) throws -> [Violation] {
      var ts = good.tensors, os = good.operators
      change(&ts, &os)
      return Verifier(graph: try Graph(name: "g", tensors: ts, operators: os)).decompositionViolations(original: original)
    }
    // The second tile loses its halo row.
    let halo = try mutated { _, os in os[1].inputs.removeFirst() }
    #expect(halo.contains { $0.message.contains("reads") && $0.message.contains("'x'") }, "\(halo)")
    // Slices that overlap, and one with the wrong bytes.
    let overlap = try mutated { ts, _ in ts[1].slice!.region[2] = 2..<5; ts[1].shape![2] = 3; ts[1].bytes = 24 }
    #expect(overlap.contains { $0.message.contains("overlap") }, "\(overlap)")
    let bytes = try mutated { ts, _ in ts[0].bytes += 1 }
    #expect(bytes.contains { $0.message.contains("share") }, "\(bytes)")
    // MACs that do not add up, a tile numbered twice.
    let macs = try mutated { _, os in os[0].macs! += 1 }
    #expect(macs.contains { $0.message.contains("MACs") }, "\(macs)")
    let numbering = try mutated { _, os in os[1].tile!.index = 0 }
    #expect(numbering.contains { $0.message.contains("numbered") }, "\(numbering)")
    // A tile of another operator's name.
    let name = try mutated { _, os in os[0].tile!.of = "d"; os[1].tile!.of = "d" }
    #expect(name.contains { $0.message.contains("not an operator") }, "\(name)")
  }

  /// On seeded tiny networks below M_R, the optimal planner with tiling reaches the least
  /// traffic of any tiling that leaves each operator whole or splits it into 2 or 3 row tiles,
  /// 2 to 4 channel tiles or 2 partial sums, any order, any residency and any offsets, as an
  /// exhaustive search over each tiled graph finds it. By default 4 networks whose search takes
  /// seconds in a debug build (2 of them move bytes at their capacity); the long tests take the
  /// first 60, where proving that a tiling has no plan can take the search minutes.
  @Test(arguments: TestScale.long ? Array(0..<60) : [0, 2, 7, 13])
  func matchesExhaustiveSearchOverTilings(seed: Int) throws {
    let g = try Self.tinyNetwork(seed: UInt64(seed))
    let alignment = 8
    let mr = Budgets(graph: g, alignment: alignment, weights: .external).mr
    let mt = g.smallestTiledScratchpad(weights: .external, alignment: alignment).bytes
    let capacity = max(mt, mr - alignment * (1 + seed % 3))
    guard capacity < mr else { return }
    let result = try plan(
      graph: g, accelerator: Accelerator(scratchpad: .bytes(capacity), alignment: alignment, weights: .external),
      planner: .ilp, options: PlannerOptions(timeLimit: 30))
    let got = result.result.plan.traffic.nonCompulsoryBytes
    var best = Int.max
    // Every tiling the planner enumerates on a graph this small, channels and partial sums too.
    let tilings = smallTilings(of: g, most: smallTilingCount)
    #expect(tilings.contains { !$0.channels.isEmpty } && tilings.contains { !$0.steps.isEmpty })
    for tiling in tilings {
      guard let tiled = try? g.tiled(tiling) else { continue }
      let search = ExhaustiveSearch(graph: tiled.graph, capacity: capacity, alignment: alignment, weights: .external)
      if let found = search.minimumNonCompulsory(atMost: min(best, got)) { best = min(best, found) }
    }
    #expect(best == got, "seed \(seed): planner \(got), exhaustive \(best)")
  }
}
