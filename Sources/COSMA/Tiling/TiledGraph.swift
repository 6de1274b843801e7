/// A choice of tiles: how many tiles each operator is split into (absent or 1: whole), and
/// along which axis (rows unless said otherwise).
public struct Tiling: Sendable, Equatable, Hashable {
  public var counts: [OperatorID: Int]
  /// The operators split along channels rather than rows.
  public var channels: Set<OperatorID>

  public init(_ counts: [OperatorID: Int] = [:], channels: Set<OperatorID> = []) {
    self.counts = counts.filter { $0.value > 1 }
    self.channels = channels.filter { (counts[$0] ?? 1) > 1 }
  }

  /// The axis operator `o` is split along.
  public func axis(of o: OperatorID) -> TileAxis { channels.contains(o) ? .channels : .rows }

  /// The tiles of operator `o` (1 when it is not split).
  public subscript(o: OperatorID) -> Int {
    get { counts[o] ?? 1 }
    set { counts[o] = newValue > 1 ? newValue : nil }
  }

  /// Whether no operator is split.
  public var isEmpty: Bool { counts.isEmpty }
  /// The number of operators split.
  public var splitOperators: Int { counts.count }
}

/// A graph whose operators are split into tiles, as an ordinary graph (SPEC §2, `slice` and
/// `tile`), with the way back to the original.
public struct TiledGraph: Sendable {
  /// The graph that was split.
  public let original: Graph
  /// The tiled graph: every split operator replaced by its tiles, every tensor whose rows are
  /// produced or read in parts replaced by its row slices. Its file order is the original
  /// order with each operator's tiles together.
  public let graph: Graph
  public let tiling: Tiling
  /// For each original operator, its operators in ``graph`` (itself alone when not split).
  public let operators: [[OperatorID]]
  /// For each original tensor, its tensors in ``graph`` (itself alone when not cut), in row
  /// order.
  public let tensors: [[TensorID]]
}

/// A tiling that cannot be applied.
public struct TilingError: Error, Sendable, Equatable, CustomStringConvertible {
  public var operatorName: String
  public var reason: String
  public var description: String { "cannot tile operator '\(operatorName)': \(reason)" }
}

extension Graph {
  /// Splits operators into tiles (``TileMap``) and tensors into the slices their producers
  /// write and their readers read.
  ///
  /// Tile `j` of `k` of an operator whose output has `n` rows (or channels) computes
  /// `[j·n/k, (j+1)·n/k)`. A tensor is cut, along each axis some tile splits, at every place a
  /// tile of its producer starts and where the part a tile of a reader needs (its halo
  /// included) starts or ends; cut along rows and channels both, its slices form a grid. Every
  /// tile reads exactly the slices covering what it needs; a reader that is not split, or
  /// needs the whole tensor, reads all slices; a producer that is not split writes all of
  /// them. Each tile gets the share of the operator's MACs of its part, so the tiles' MACs add
  /// up to the operator's; slices keep their tensor's kind, so compulsory traffic counts every
  /// byte once as before (a part no tile reads, such as a row a stride skips, is not loaded at
  /// all).
  ///
  /// - Throws: ``TilingError`` when an operator cannot be split along its axis (no
  ///   ``TileMap``) or is given more tiles than its output has parts.
  public func tiled(_ tiling: Tiling) throws -> TiledGraph {
    var maps: [OperatorID: TileMap] = [:]
    for (o, k) in tiling.counts.sorted(by: { $0.key < $1.key }) {
      guard operators.indices.contains(o.rawValue) else {
        throw TilingError(operatorName: "#\(o.rawValue)", reason: "no such operator")
      }
      let axis = tiling.axis(of: o)
      guard let map = tileMap(of: o, along: axis) else {
        throw TilingError(operatorName: self[o].name, reason: "its \(axis.rawValue) do not follow from its inputs'")
      }
      guard k <= map.extent else {
        throw TilingError(operatorName: self[o].name, reason: "\(k) tiles for \(map.extent) \(axis.rawValue)")
      }
      maps[o] = map
    }
    func part(_ o: OperatorID, _ j: Int) -> Range<Int> {
      let n = maps[o]!.extent, k = tiling[o]
      return (j * n / k)..<((j + 1) * n / k)
    }
    // Cut points of every tensor, per axis.
    var cuts = [[Int: Set<Int>]](repeating: [:], count: tensors.count)
    for (o, map) in maps {
      let k = tiling[o]
      let y = self[o].outputs[0]
      cuts[y.rawValue][map.outputAxis, default: []].formUnion((1..<k).map { part(o, $0).lowerBound })
      for (i, x) in self[o].inputs.enumerated() {
        guard let a = map.inputAxes[i], let n = extent(of: x, along: a) else { continue }
        for j in 0..<k {
          guard let rs = map.inputRanges(i, outputs: part(o, j), inputExtent: n) else { continue }
          for r in rs { cuts[x.rawValue][a, default: []].formUnion([r.lowerBound, r.upperBound]) }
        }
      }
    }
    // The slices: a grid over the axes each tensor is cut along.
    var newTensors: [Tensor] = []
    var pieces = [[TensorID]](repeating: [], count: tensors.count)
    var regions = [[[Int: Range<Int>]]](repeating: [], count: tensors.count)
    var used = Set(tensors.map { ExactName($0.name) } + operators.map { ExactName($0.name) })
    func unique(_ base: String) -> String {
      var name = base
      while used.contains(ExactName(name)) { name += "'" }
      used.insert(ExactName(name))
      return name
    }
    for (i, t) in tensors.enumerated() {
      let id = TensorID(i)
      var intervals: [(axis: Int, ranges: [Range<Int>])] = []
      for (axis, points) in cuts[i].sorted(by: { $0.key < $1.key }) {
        guard let n = extent(of: id, along: axis) else { continue }
        let bounds = (points.filter { $0 > 0 && $0 < n } + [0, n]).sorted()
        if bounds.count > 2 { intervals.append((axis, zip(bounds, bounds.dropFirst()).map { $0..<$1 })) }
      }
      guard !intervals.isEmpty, let shape = t.shape, let elements = checkedProduct(shape) else {
        pieces[i] = [TensorID(newTensors.count)]
        regions[i] = [[:]]
        newTensors.append(t)
        continue
      }
      var cells: [[Int: Range<Int>]] = [[:]]
      for (axis, ranges) in intervals {
        cells = cells.flatMap { c in ranges.map { r in var d = c; d[axis] = r; return d } }
      }
      for cell in cells {
        let region = shape.enumerated().map { d, size in cell[d] ?? 0..<size }
        let volume = region.reduce(1) { $0 * $1.count }
        // Rows as `[a:b]`, any other axis (channels, a weight's first) as `[c a:b]`.
        let label = cell.keys.sorted().map { a in
          "\(Graph.rowAxis(rank: shape.count) == a ? "" : "c")\(cell[a]!.lowerBound):\(cell[a]!.upperBound)"
        }
        pieces[i].append(TensorID(newTensors.count))
        regions[i].append(cell)
        newTensors.append(
          Tensor(
            name: unique("\(t.name)[\(label.joined(separator: ","))]"), kind: t.kind, bytes: t.bytes / elements * volume,
            shape: region.map(\.count), dtype: t.dtype, slice: TensorSlice(of: t.name, region: region)))
      }
    }
    // The operators, each split one's tiles together.
    var newOperators: [Operator] = []
    var opsOf = [[OperatorID]](repeating: [], count: operators.count)
    for (i, op) in operators.enumerated() {
      let o = OperatorID(i)
      guard let map = maps[o] else {
        opsOf[i] = [OperatorID(newOperators.count)]
        var whole = op
        whole.inputs = op.inputs.flatMap { pieces[$0.rawValue] }
        whole.outputs = op.outputs.flatMap { pieces[$0.rawValue] }
        newOperators.append(whole)
        continue
      }
      let k = tiling[o]
      // A derived window is written out, so that the tiles say what they compute.
      var attributes = op.attributes
      if let w = slidingWindow(of: o), attributes?.kernel == nil {
        var a = attributes ?? OperatorAttributes()
        a.kernel = w.kernel
        a.strides = w.strides
        a.pads = w.pads
        a.dilations = w.dilations
        a.groups = w.groups
        if w.ceilMode { a.ceilMode = true }
        attributes = a
      }
      let y = op.outputs[0]
      for j in 0..<k {
        let out = part(o, j)
        var inputs: [TensorID] = []
        for (m, x) in op.inputs.enumerated() {
          guard let a = map.inputAxes[m], let n = extent(of: x, along: a),
            let need = map.inputRanges(m, outputs: out, inputExtent: n)
          else {
            inputs += pieces[x.rawValue]
            continue
          }
          for (p, cell) in zip(pieces[x.rawValue], regions[x.rawValue])
          where need.contains(where: { (cell[a] ?? 0..<n).overlaps($0) }) {
            inputs.append(p)
          }
        }
        let outputs = zip(pieces[y.rawValue], regions[y.rawValue]).filter { _, cell in
          out.contains((cell[map.outputAxis] ?? 0..<map.extent).lowerBound)
        }.map(\.0)
        let macs = op.macs.map { Graph.share(of: $0, rows: out, of: map.extent) }
        opsOf[i].append(OperatorID(newOperators.count))
        let mark = map.axis == .channels ? "c" : ""
        newOperators.append(
          Operator(
            name: unique("\(op.name)[\(mark)\(j + 1)/\(k)]"), type: op.type, inputs: inputs, outputs: outputs, macs: macs,
            attributes: attributes, tile: OperatorTile(of: op.name, index: j, count: k)))
      }
    }
    let graph = try Graph(
      name: name, source: source, tensors: newTensors, operators: newOperators, origin: "\(name) tiled")
    return TiledGraph(original: self, graph: graph, tiling: tiling, operators: opsOf, tensors: pieces)
  }

  /// `total · rows / n` for the rows `[a, b)` as `⌊total·b/n⌋ − ⌊total·a/n⌋`, so that shares of a
  /// partition add up to `total` exactly.
  static func share(of total: Int, rows: Range<Int>, of n: Int) -> Int {
    func upTo(_ x: Int) -> Int { (total / n) * x + (total % n) * x / n }
    return upTo(rows.upperBound) - upTo(rows.lowerBound)
  }
}
