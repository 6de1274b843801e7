/// A choice of tiles: how many tiles each operator is split into (absent or 1: whole), and
/// along which axis (rows unless said otherwise), or a grid of rows and channels.
public struct Tiling: Sendable, Equatable, Hashable {
  public var counts: [OperatorID: Int]
  /// The operators split along channels rather than rows.
  public var channels: Set<OperatorID>
  /// The operators split along rows and channels both: their channel tiles per row tile
  /// (``counts`` holds their row tiles). Each of their tiles computes a block of rows of a
  /// block of channels.
  public var columns: [OperatorID: Int]
  /// The operators whose reduction is split too: the partial sums each of their tiles is
  /// computed in (a chain of that many tiles per block of the output).
  public var steps: [OperatorID: Int]
  /// The operators of `N, C, D, H, W` split along their depth too (``TileAxis/depth``): the
  /// blocks of frames, each split as the rest of the tiling says.
  public var depths: [OperatorID: Int]
  /// Whether concatenations are dissolved (SPEC §2, "Dissolved concatenations"): left out, their
  /// readers reading the slices of their inputs (``Graph/dissolvableConcatenations()``).
  public var dissolvesConcatenations = false

  public init(
    _ counts: [OperatorID: Int] = [:], channels: Set<OperatorID> = [], columns: [OperatorID: Int] = [:],
    steps: [OperatorID: Int] = [:], depths: [OperatorID: Int] = [:]
  ) {
    self.counts = counts.filter { $0.value > 1 }
    self.channels = channels.filter { (counts[$0] ?? 1) > 1 }
    self.columns = columns.filter { $0.value > 1 && (counts[$0.key] ?? 1) > 1 && !channels.contains($0.key) }
    self.steps = steps.filter { $0.value > 1 }
    self.depths = depths.filter { $0.value > 1 }
  }

  /// The depth tiles of operator `o` (1 unless it is split along its depth).
  public func depth(of o: OperatorID) -> Int { depths[o] ?? 1 }

  /// The channel tiles of each row tile of operator `o` (1 unless it is split into a grid).
  public func columns(of o: OperatorID) -> Int { columns[o] ?? 1 }

  /// The partial sums of each tile of operator `o` (1 unless its reduction is split).
  public func steps(of o: OperatorID) -> Int { steps[o] ?? 1 }

  /// The number of tiles operator `o` is split into: its depth tiles, times rows times
  /// channels for a grid, times the steps of its reduction.
  public func tiles(of o: OperatorID) -> Int { depth(of: o) * self[o] * columns(of: o) * steps(of: o) }

  /// The axes operator `o` is split along with their parts, in the order its tiles enumerate
  /// them (depth, rows, then channels, then the reduction); empty when it is not split.
  public func parts(of o: OperatorID) -> [(axis: TileAxis, parts: Int)] {
    var list: [(axis: TileAxis, parts: Int)] = []
    if depth(of: o) > 1 { list.append((.depth, depth(of: o))) }
    if self[o] > 1 {
      list.append(columns(of: o) > 1 ? (.rows, self[o]) : (axis(of: o), self[o]))
      if columns(of: o) > 1 { list.append((.channels, columns(of: o))) }
    }
    if steps(of: o) > 1 { list.append((.reduction, steps(of: o))) }
    return list
  }

  /// The axis operator `o` is split along.
  public func axis(of o: OperatorID) -> TileAxis { channels.contains(o) ? .channels : .rows }

  /// The tiles of operator `o` (1 when it is not split).
  public subscript(o: OperatorID) -> Int {
    get { counts[o] ?? 1 }
    set { counts[o] = newValue > 1 ? newValue : nil }
  }

  /// Whether no operator is split.
  public var isEmpty: Bool { counts.isEmpty && steps.isEmpty && depths.isEmpty }
  /// The operators split.
  public var splitOperatorIDs: Set<OperatorID> { Set(counts.keys).union(steps.keys).union(depths.keys) }
  /// The number of operators split.
  public var splitOperators: Int { splitOperatorIDs.count }

  /// "N operators split (a by channels, b into grids of rows and channels, c into partial sums,
  /// the rest by rows)".
  public var summary: String {
    let grids = columns.isEmpty ? "" : ", \(columns.count) into grids of rows and channels"
    let sums = steps.isEmpty ? "" : ", \(steps.count) into partial sums"
    let frames = depths.isEmpty ? "" : ", \(depths.count) by depth too"
    return "\(splitOperators) operators split (\(channels.count) by channels\(grids)\(sums)\(frames), the rest by rows)"
  }
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

  /// How many concatenations of the original it leaves out (SPEC §2, "Dissolved
  /// concatenations"): the operators with no tiles.
  public var dissolvedConcatenations: Int { operators.filter(\.isEmpty).count }
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
    // Each split operator's maps, with its number of parts along each: one map, or rows and
    // channels for a grid.
    var maps: [OperatorID: [(map: TileMap, parts: Int)]] = [:]
    for o in tiling.splitOperatorIDs.sorted() {
      guard operators.indices.contains(o.rawValue) else {
        throw TilingError(operatorName: "#\(o.rawValue)", reason: "no such operator")
      }
      for (axis, parts) in tiling.parts(of: o) {
        guard let map = tileMap(of: o, along: axis) else {
          throw TilingError(operatorName: self[o].name, reason: "its \(axis.rawValue) do not follow from its inputs'")
        }
        guard parts <= map.extent else {
          throw TilingError(operatorName: self[o].name, reason: "\(parts) tiles for \(map.extent) \(axis.rawValue)")
        }
        maps[o, default: []].append((map, parts))
      }
    }
    func part(_ j: Int, of parts: Int, _ map: TileMap) -> Range<Int> {
      (j * map.extent / parts)..<((j + 1) * map.extent / parts)
    }
    let dissolved = tiling.dissolvesConcatenations ? dissolvableConcatenations() : [:]
    let dissolvedOutputs = Set(dissolved.values.map(\.output.rawValue))
    // Cut points of every tensor, per axis.
    var cuts = [[Int: Set<Int>]](repeating: [:], count: tensors.count)
    for (o, list) in maps where dissolved[o] == nil {
      for (map, k) in list {
        for y in self[o].outputs where map.axis != .reduction {
          cuts[y.rawValue][map.outputAxis, default: []].formUnion((1..<k).map { part($0, of: k, map).lowerBound })
        }
        for (i, x) in self[o].inputs.enumerated() {
          guard let a = map.inputAxes[i], let n = extent(of: x, along: a) else { continue }
          for j in 0..<k {
            guard let rs = map.inputRanges(i, outputs: part(j, of: k, map), inputExtent: n) else { continue }
            for r in rs { cuts[x.rawValue][a, default: []].formUnion([r.lowerBound, r.upperBound]) }
          }
        }
      }
    }
    // A dissolved concatenation's output is its inputs' slices: its cuts cut them (outer ones
    // first, so that they reach the inputs of nested ones), and each slice lies in one input.
    for o in dissolved.keys.sorted(by: >) {
      let d = dissolved[o]!
      for (x, start) in d.parts {
        let n = self[x].shape![d.axis]
        for (axis, points) in cuts[d.output.rawValue] {
          cuts[x.rawValue][axis, default: []].formUnion(
            axis == d.axis ? points.filter { $0 > start && $0 < start + n }.map { $0 - start } : Array(points))
        }
      }
    }
    // The slices: a grid over the axes each tensor is cut along.
    var newTensors: [Tensor] = []
    var pieces = [[TensorID]](repeating: [], count: tensors.count)
    // Each slice's region, one range per dimension, slice after slice (empty for a tensor that
    // is not cut): read for every slice by every tile, so kept flat.
    var boxes = [[Range<Int>]](repeating: [], count: tensors.count)
    var used = Set(tensors.map { ExactName($0.name) } + operators.map { ExactName($0.name) })
    func unique(_ base: String) -> String {
      var name = base
      while used.contains(ExactName(name)) { name += "'" }
      used.insert(ExactName(name))
      return name
    }
    for (i, t) in tensors.enumerated() where !dissolvedOutputs.contains(i) {
      let id = TensorID(i)
      var intervals: [(axis: Int, ranges: [Range<Int>])] = []
      for (axis, points) in cuts[i].sorted(by: { $0.key < $1.key }) {
        guard let n = extent(of: id, along: axis) else { continue }
        let bounds = (points.filter { $0 > 0 && $0 < n } + [0, n]).sorted()
        if bounds.count > 2 { intervals.append((axis, zip(bounds, bounds.dropFirst()).map { $0..<$1 })) }
      }
      guard !intervals.isEmpty, let shape = t.shape, let elements = checkedProduct(shape) else {
        pieces[i] = [TensorID(newTensors.count)]
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
        // Rows as `[a:b]`, depth (`D` of `N, C, D, H, W`) as `[da:b]`, any other axis (channels,
        // a weight's first) as `[ca:b]`.
        let label = cell.keys.sorted().map { a in
          "\(Graph.rowAxis(shape: shape) == a ? "" : shape.count == 5 && a == 2 ? "d" : "c")\(cell[a]!.lowerBound):\(cell[a]!.upperBound)"
        }
        pieces[i].append(TensorID(newTensors.count))
        boxes[i] += region
        newTensors.append(
          Tensor(
            name: unique("\(t.name)[\(label.joined(separator: ","))]"), kind: t.kind, bytes: t.bytes / elements * volume,
            shape: region.map(\.count), dtype: t.dtype, slice: TensorSlice(of: t.name, region: region)))
      }
    }
    // A dissolved output's slices are its inputs', where they lie in it (inner ones first).
    for o in dissolved.keys.sorted() {
      let d = dissolved[o]!
      let y = d.output.rawValue
      for (x, start) in d.parts {
        let ps = pieces[x.rawValue], bs = boxes[x.rawValue], rank = bs.count / max(1, ps.count)
        let shape = self[x].shape!
        for p in ps.indices {
          var box = rank == 0 ? shape.map { 0..<$0 } : Array(bs[(p * rank)..<((p + 1) * rank)])
          box[d.axis] = (box[d.axis].lowerBound + start)..<(box[d.axis].upperBound + start)
          pieces[y].append(ps[p])
          boxes[y] += box
        }
      }
    }
    // The operators, each split one's tiles together.
    var newOperators: [Operator] = []
    var opsOf = [[OperatorID]](repeating: [], count: operators.count)
    for (i, op) in operators.enumerated() {
      let o = OperatorID(i)
      if dissolved[o] != nil { continue }
      guard let list = maps[o] else {
        opsOf[i] = [OperatorID(newOperators.count)]
        var whole = op
        whole.inputs = op.inputs.flatMap { pieces[$0.rawValue] }
        whole.outputs = op.outputs.flatMap { pieces[$0.rawValue] }
        newOperators.append(whole)
        continue
      }
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
      // Every combination of a part along each map (rows, then channels for a grid), in order.
      var tiles: [[Int]] = [[]]
      for (_, k) in list { tiles = tiles.flatMap { t in (0..<k).map { t + [$0] } } }
      // A split reduction: its map's place in the list (last, so that a chain's tiles are
      // consecutive) and the partial the previous tile of the chain wrote.
      let reduction = list.firstIndex { $0.map.axis == .reduction }
      var previous: TensorID?
      // Along which axis of input m each map constrains what a tile reads, and its extent there.
      let inputAxes: [[(axis: Int, extent: Int)?]] = op.inputs.indices.map { m in
        list.map { entry in
          guard let a = entry.map.inputAxes[m], let n = extent(of: op.inputs[m], along: a) else { return nil }
          return (a, n)
        }
      }
      // The output axis of each map, or -1 for a reduction.
      let axes = list.map { $0.map.axis == .reduction ? -1 : $0.map.outputAxis }
      for (index, tile) in tiles.enumerated() {
        let outs = zip(list, tile).map { entry, j in part(j, of: entry.parts, entry.map) }
        let step = reduction.map { tile[$0] } ?? 0, steps = reduction.map { list[$0].parts } ?? 1
        var inputs: [TensorID] = []
        for (m, x) in op.inputs.enumerated() {
          // A bias is added once, by the last tile of a chain.
          if let r = reduction, list[r].map.inputs[m] == .final, step != steps - 1 { continue }
          // What the tile needs of input m along each axis some map constrains.
          var needs: [(axis: Int, extent: Int, ranges: [Range<Int>])] = []
          for (e, (map, _)) in list.enumerated() {
            guard let (a, n) = inputAxes[m][e], let need = map.inputRanges(m, outputs: outs[e], inputExtent: n)
            else { continue }
            needs.append((a, n, need))
          }
          guard !needs.isEmpty else {
            inputs += pieces[x.rawValue]
            continue
          }
          let ps = pieces[x.rawValue], bs = boxes[x.rawValue], rank = bs.count / ps.count
          for p in ps.indices {
            var all = true
            for n in needs.indices {
              let have = rank == 0 ? 0..<needs[n].extent : bs[p * rank + needs[n].axis]
              var any = false
              for r in needs[n].ranges where have.overlaps(r) {
                any = true
                break
              }
              if !any {
                all = false
                break
              }
            }
            if all { inputs.append(ps[p]) }
          }
        }
        var outputs: [TensorID] = []
        for y in op.outputs {
          let ps = pieces[y.rawValue], bs = boxes[y.rawValue], rank = bs.count / ps.count
          for p in ps.indices
          where axes.indices.allSatisfy({ e in
            axes[e] < 0 || outs[e].contains(rank == 0 ? 0 : bs[p * rank + axes[e]].lowerBound)
          }) {
            outputs.append(ps[p])
          }
        }
        // The share of the MACs: of the rows, then of their channels (each share exact).
        let macs = op.macs.map { total in
          zip(list, outs).reduce(total) { m, e in Graph.share(of: m, rows: e.1, of: e.0.map.extent) }
        }
        opsOf[i].append(OperatorID(newOperators.count))
        let label = zip(list, tile).map { entry, j in
          "\(Self.label(entry.map.axis))\(j + 1)/\(entry.parts)"
        }
        let tileName = unique("\(op.name)[\(label.joined(separator: ","))]")
        if reduction != nil {
          // A chain of partial sums: read the previous one, write the next one (all but the
          // last tile), over the box of this tile's output slices, at the accumulator's size.
          if let p = previous { inputs.append(p) }
          previous = nil
          if step < steps - 1 {
            let y = op.outputs[0]
            guard let shape = self[y].shape, let elements = checkedProduct(shape), elements > 0 else {
              throw TilingError(operatorName: op.name, reason: "its output has no shape")
            }
            let cells = outputs.map { newTensors[$0.rawValue].slice?.region ?? shape.map { 0..<$0 } }
            let box = shape.indices.map { d in cells.map { $0[d].lowerBound }.min()!..<cells.map { $0[d].upperBound }.max()! }
            guard let bytes = partialBytes(of: o, region: box) else {
              throw TilingError(operatorName: op.name, reason: "its output has no shape")
            }
            previous = TensorID(newTensors.count)
            newTensors.append(
              Tensor(
                name: unique("\(tileName).partial"), kind: .activation, bytes: bytes, shape: box.map(\.count),
                partial: TensorPartial(of: self[y].name, region: box, step: step, steps: steps)))
            outputs = [previous!]
          }
        }
        newOperators.append(
          Operator(
            name: tileName, type: op.type, inputs: inputs, outputs: outputs,
            macs: macs, attributes: attributes, tile: OperatorTile(of: op.name, index: index, count: tiles.count)))
      }
    }
    let graph = try Graph(
      name: name, source: source, tensors: newTensors, operators: newOperators, origin: "\(name) tiled")
    return TiledGraph(original: self, graph: graph, tiling: tiling, operators: opsOf, tensors: pieces)
  }

  /// A tile's part along `axis` is named `j/k` for rows, `cj/k` for channels, `dj/k` for depth
  /// and `sj/k` for a step of a reduction.
  static func label(_ axis: TileAxis) -> String {
    switch axis {
    case .rows: return ""
    case .channels: return "c"
    case .depth: return "d"
    case .reduction: return "s"
    }
  }

  /// `total · rows / n` for the rows `[a, b)` as `⌊total·b/n⌋ − ⌊total·a/n⌋`, so that shares of a
  /// partition add up to `total` exactly.
  static func share(of total: Int, rows: Range<Int>, of n: Int) -> Int {
    func upTo(_ x: Int) -> Int { (total / n) * x + (total % n) * x / n }
    return upTo(rows.upperBound) - upTo(rows.lowerBound)
  }
}
