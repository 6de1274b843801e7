/// A choice of row tiles: how many tiles each operator is split into (absent or 1: whole).
public struct Tiling: Sendable, Equatable, Hashable {
  public var counts: [OperatorID: Int]

  public init(_ counts: [OperatorID: Int] = [:]) {
    self.counts = counts.filter { $0.value > 1 }
  }

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

/// A graph whose operators are split into row tiles, as an ordinary graph (SPEC §2, `slice` and
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
  /// Splits operators into row tiles (``RowMap``) and tensors into the row slices their
  /// producers write and their readers read.
  ///
  /// Tile `j` of `k` of an operator with `n` output rows computes rows `[j·n/k, (j+1)·n/k)`.
  /// A tensor is cut at every row where a tile of its producer starts and where the rows a tile
  /// of a reader needs (its halo included) start or end, so that every tile reads exactly the
  /// slices covering what it needs. A reader that is not split, or needs the whole tensor,
  /// reads all slices; a producer that is not split writes all of them. Each tile gets the
  /// share of the operator's MACs of its rows, so the tiles' MACs add up to the operator's;
  /// slices keep their tensor's kind, so compulsory traffic counts every byte once as before
  /// (a row no tile reads, such as a row a stride skips, is not loaded at all).
  ///
  /// - Throws: ``TilingError`` when an operator cannot be split (no ``RowMap``) or is given more
  ///   tiles than it has rows.
  public func tiled(_ tiling: Tiling) throws -> TiledGraph {
    var maps: [OperatorID: RowMap] = [:]
    for (o, k) in tiling.counts.sorted(by: { $0.key < $1.key }) {
      guard operators.indices.contains(o.rawValue) else {
        throw TilingError(operatorName: "#\(o.rawValue)", reason: "no such operator")
      }
      guard let map = rowMap(of: o) else {
        throw TilingError(operatorName: self[o].name, reason: "its rows do not follow from its inputs' rows")
      }
      guard k <= map.rows else {
        throw TilingError(operatorName: self[o].name, reason: "\(k) tiles for \(map.rows) rows")
      }
      maps[o] = map
    }
    func tileRows(_ o: OperatorID, _ j: Int) -> Range<Int> {
      let n = maps[o]!.rows, k = tiling[o]
      return (j * n / k)..<((j + 1) * n / k)
    }
    // Cut points of every tensor.
    var cuts = [Set<Int>](repeating: [], count: tensors.count)
    for (o, map) in maps {
      let k = tiling[o]
      let y = self[o].outputs[0]
      for j in 1..<k { cuts[y.rawValue].insert(tileRows(o, j).lowerBound) }
      for (i, x) in self[o].inputs.enumerated() {
        guard let (_, n) = rows(of: x) else { continue }
        for j in 0..<k {
          guard let r = map.inputRows(i, outputs: tileRows(o, j), inputRows: n) else { continue }
          cuts[x.rawValue].insert(r.lowerBound)
          cuts[x.rawValue].insert(r.upperBound)
        }
      }
    }
    // The slices.
    var newTensors: [Tensor] = []
    var pieces = [[TensorID]](repeating: [], count: tensors.count)
    var pieceRows = [[Range<Int>]](repeating: [], count: tensors.count)
    var used = Set(tensors.map { ExactName($0.name) } + operators.map { ExactName($0.name) })
    func unique(_ base: String) -> String {
      var name = base
      while used.contains(ExactName(name)) { name += "'" }
      used.insert(ExactName(name))
      return name
    }
    for (i, t) in tensors.enumerated() {
      let id = TensorID(i)
      guard let (axis, n) = rows(of: id), let shape = t.shape else {
        pieces[i] = [TensorID(newTensors.count)]
        newTensors.append(t)
        continue
      }
      let bounds = (cuts[i].filter { $0 > 0 && $0 < n } + [0, n]).sorted()
      if bounds.count == 2 {
        pieces[i] = [TensorID(newTensors.count)]
        pieceRows[i] = [0..<n]
        newTensors.append(t)
        continue
      }
      for (a, b) in zip(bounds, bounds.dropFirst()) {
        var pieceShape = shape
        pieceShape[axis] = b - a
        let region = shape.enumerated().map { d, size in d == axis ? a..<b : 0..<size }
        pieces[i].append(TensorID(newTensors.count))
        pieceRows[i].append(a..<b)
        newTensors.append(
          Tensor(
            name: unique("\(t.name)[\(a):\(b)]"), kind: t.kind, bytes: t.bytes / n * (b - a), shape: pieceShape,
            dtype: t.dtype, slice: TensorSlice(of: t.name, region: region)))
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
      if case .window(let w, _)? = map.inputs.first, attributes?.kernel == nil {
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
        let out = tileRows(o, j)
        var inputs: [TensorID] = []
        for (m, x) in op.inputs.enumerated() {
          guard let (_, n) = rows(of: x), let need = map.inputRows(m, outputs: out, inputRows: n) else {
            inputs += pieces[x.rawValue]
            continue
          }
          for (p, r) in zip(pieces[x.rawValue], pieceRows[x.rawValue]) where r.overlaps(need) { inputs.append(p) }
        }
        let outputs = zip(pieces[y.rawValue], pieceRows[y.rawValue]).filter { out.contains($0.1.lowerBound) }.map(\.0)
        let macs = op.macs.map { Graph.share(of: $0, rows: out, of: map.rows) }
        opsOf[i].append(OperatorID(newOperators.count))
        newOperators.append(
          Operator(
            name: unique("\(op.name)[\(j + 1)/\(k)]"), type: op.type, inputs: inputs, outputs: outputs, macs: macs,
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
