/// The operator types whose output rows follow from the same rows of their inputs (SPEC §2,
/// "Tiled graphs"), as the verifier knows them: it does not ask the planner's tiling code.
private let rowPreservingTypes: Set<String> = [
  "add", "add_", "sub", "mul", "div", "relu", "relu_", "relu6", "hardtanh", "hardtanh_", "hardswish", "hardswish_",
  "hardsigmoid", "sigmoid", "silu", "silu_", "gelu", "tanh", "clamp", "clip", "batch_norm", "batchnormalization",
  "dropout", "identity", "leakyrelu", "leaky_relu", "elu", "neg", "abs", "sqrt", "exp", "erf", "pow",
  "cat", "concat", "concatenate", "split", "split_with_sizes", "chunk", "tensor_split", "select",
]
/// Softmaxes: with an `axis`, each output element follows from the input's elements at the same
/// position along every other axis.
private let softmaxTypes: Set<String> = ["softmax", "log_softmax", "logsoftmax", "_softmax"]
/// Rotary position embeddings of `B, S, F`: each row from the same row (the angles whole).
private let rotaryTypes: Set<String> = ["rotary", "rotary_embedding", "rotaryembedding"]
/// Normalizations over the last axis of `B, S, F`: the output's rows (the second axis) follow
/// from the same rows of the input; the features are needed whole.
private let rowNormalizationTypes: Set<String> = ["layer_norm", "rms_norm", "layernormalization", "rmsnormalization"]
/// Matrix products `[..., M, K] × W`: the output's rows (any axis but the last) follow from the
/// same rows of the first input; everything else of it is needed whole.
private let matrixProductTypes: Set<String> = ["linear", "matmul", "gemm", "addmm", "mm", "bmm"]
/// Global poolings: each output channel from the same input channel.
private let globalPoolingTypes: Set<String> = [
  "adaptive_avg_pool2d", "adaptive_avg_pool3d", "adaptive_max_pool2d", "adaptive_max_pool3d", "globalaveragepool",
  "globalmaxpool",
]
/// Attention: the output rows follow from the same rows of the queries (its first input); keys,
/// values and masks are needed whole.
private let queryRowTypes: Set<String> = ["scaled_dot_product_attention"]
/// Concatenations, which a tiled graph may dissolve.
private let concatenationTypes: Set<String> = ["cat", "concat", "concatenate"]
/// Paddings: output rows `[a, b)` need input rows `[a − p, b)`, `p` the rows added.
private let paddingTypes: Set<String> = ["pad", "constant_pad_nd"]
/// Resizes from `m` to `n` rows: output rows `[a, b)` need `[⌊a·m/n⌋ − 1, ⌈b·m/n⌉ + 1)`.
private let resizeTypes: Set<String> = [
  "upsample_bilinear2d", "upsample_nearest2d", "upsample_bicubic2d", "upsample", "interpolate", "resize",
]

/// A tensor of the original graph that the tiled graph has as slices.
private struct WholeTensor {
  var extents: [Int]
  var bytes: Int
  /// The slices, as tensor indices of the tiled graph.
  var slices: [Int]
}

extension Verifier {
  /// Checks that the graph is a faithful decomposition into slices and tiles (SPEC §2, "Tiled
  /// graphs"), and returns every violation (none for a graph without slices or tiles).
  ///
  /// - The slices of each tensor partition it (disjoint regions covering its whole shape) and
  ///   their bytes are their share of its bytes.
  /// - The tiles of each operator are numbered `0..<count` once each and write every slice of its
  ///   outputs; an operator that is not a tile reads and writes whole tensors (all their slices).
  /// - Each tile reads all of the input region its output region needs: the window's rows, halo
  ///   included, for an operator with a `kernel`; the same rows for the row-preserving types
  ///   (the queries' rows for attention); anything else whole.
  ///
  /// - Parameter original: the graph that was split. With it, every tensor and operator of the
  ///   tiled graph must come from it (same kinds, shapes and types), every original one must be
  ///   there whole or split, and the tiles' MACs must add up to the operator's.
  public func decompositionViolations(original: Graph? = nil) -> [Violation] {
    var found: [Violation] = []
    func report(_ message: String) { found.append(Violation(category: .decomposition, eventIndex: nil, message: message)) }
    let g = graph
    var wholes: [String: WholeTensor] = [:]
    var sliceNames: [String: [Int]] = [:]
    for (i, t) in g.tensors.enumerated() {
      guard let s = t.slice else { continue }
      sliceNames[s.of, default: []].append(i)
    }
    for (name, members) in sliceNames.sorted(by: { $0.key < $1.key }) {
      let first = g.tensors[members[0]]
      let rank = first.slice!.region.count
      if members.contains(where: { g.tensors[$0].slice!.region.count != rank }) {
        report("the slices of '\(name)' have regions of different ranks")
        continue
      }
      if members.contains(where: { g.tensors[$0].kind != first.kind }) { report("the slices of '\(name)' have different kinds") }
      var extents = (0..<rank).map { d in members.map { g.tensors[$0].slice!.region[d].upperBound }.max()! }
      var bytes = members.reduce(0) { $0 + g.tensors[$1].bytes }
      if let original {
        if let o = original.tensor(named: name) {
          let t = original[o]
          if t.kind != first.kind { report("the slices of '\(name)' are \(first.kind.rawValue), the tensor \(t.kind.rawValue)") }
          if let shape = t.shape {
            if shape.count != rank {
              report("the slices of '\(name)' have \(rank) dimensions, the tensor \(shape.count)")
              continue
            }
            extents = shape
          }
          bytes = t.bytes
        } else {
          report("slices name '\(name)', which is not a tensor of '\(original.name)'")
        }
      }
      if g.tensor(named: name) != nil { report("'\(name)' is both a tensor and the whole of slices") }
      // A partition: inside the whole, pairwise disjoint, volumes adding up.
      let volume = extents.reduce(1) { $0 * $1 }
      var covered = 0
      for m in members {
        let r = g.tensors[m].slice!.region
        if zip(r, extents).contains(where: { $0.upperBound > $1 }) {
          report("slice '\(g.tensors[m].name)' lies outside '\(name)' of shape \(extents)")
        }
        covered += g.tensors[m].slice!.volume
        // Bytes: this slice's share of the whole.
        if g.tensors[m].bytes * volume != bytes * g.tensors[m].slice!.volume {
          report("slice '\(g.tensors[m].name)' has \(g.tensors[m].bytes) bytes, not its share of the \(bytes) of '\(name)'")
        }
      }
      var overlapping = false
      if let (a, b) = Self.overlappingPair(members.map { g.tensors[$0].slice!.region }) {
        report("slices '\(g.tensors[members[a]].name)' and '\(g.tensors[members[b]].name)' overlap")
        overlapping = true
      }
      if !overlapping && covered != volume { report("the slices of '\(name)' cover \(covered) of its \(volume) elements") }
      wholes[name] = WholeTensor(extents: extents, bytes: bytes, slices: members)
    }
    // Every tensor's whole: its parent's name and region, or itself.
    func whole(_ t: TensorID) -> (name: String, region: [Range<Int>]?) {
      if let s = g[t].slice { return (s.of, s.region) }
      return (g[t].name, nil)
    }
    // Concatenations of the original left out, their output read as its inputs' slices.
    let dissolved = original.map { dissolvedConcatenations(of: $0, wholes: &wholes, report: report) } ?? [:]
    // Where each tensor lies in the dissolved outputs that hold it: their names and its start
    // in each dimension.
    var within: [String: [(output: String, start: [Int])]] = [:]
    for (name, parts) in dissolved.sorted(by: { $0.key < $1.key }) {
      for (leaf, start) in parts { within[leaf, default: []].append((name, start)) }
    }
    // A tile's input as the tensor its operator reads in the original: a slice of an input of a
    // dissolved output, as a region of that output.
    func wholeIn(_ t: TensorID, reading inputs: Set<String>) -> (name: String, region: [Range<Int>]?) {
      let (name, region) = whole(t)
      guard !inputs.contains(name), let at = within[name]?.first(where: { inputs.contains($0.output) }),
        let box = region ?? g[t].shape.map({ $0.map { 0..<$0 } }), box.count == at.start.count
      else { return (name, region) }
      return (at.output, zip(box, at.start).map { ($0.lowerBound + $1)..<($0.upperBound + $1) })
    }
    // Operators that are not tiles read and write whole tensors.
    for op in g.operators where op.tile == nil {
      if (op.inputs + op.outputs).contains(where: { g[$0].partial != nil }) {
        report("operator '\(op.name)' is not a tile but reads or writes a partial")
      }
      for (role, list) in [("reads", op.inputs), ("writes", op.outputs)] {
        let parents = Set(list.compactMap { g[$0].slice?.of })
        for p in parents.sorted() {
          let have = Set(list.filter { g[$0].slice?.of == p }.map(\.rawValue))
          if let w = wholes[p], have.count != w.slices.count {
            report("operator '\(op.name)' is not a tile but \(role) only \(have.count) of the \(w.slices.count) slices of '\(p)'")
          }
        }
      }
    }
    // Tiles, by the operator they split.
    var tiles: [String: [Int]] = [:]
    for (i, op) in g.operators.enumerated() { if let t = op.tile { tiles[t.of, default: []].append(i) } }
    for (name, members) in tiles.sorted(by: { $0.key < $1.key }) {
      let ops = members.map { g.operators[$0] }
      let count = ops[0].tile!.count
      if ops.contains(where: { $0.tile!.count != count }) || Set(ops.map { $0.tile!.index }) != Set(0..<count)
        || ops.count != count
      {
        report("the tiles of '\(name)' are not numbered 0 to \(count - 1) once each")
      }
      if Set(ops.map(\.type)).count != 1 { report("the tiles of '\(name)' have different types") }
      if g.operator(named: name) != nil { report("'\(name)' is both an operator and the whole of tiles") }
      // Every slice of each output is written by one of the tiles.
      let outputs = Set(ops.flatMap { $0.outputs.filter { g[$0].partial == nil }.map { whole($0).name } })
      for p in outputs.sorted() {
        guard let w = wholes[p] else { continue }
        for s in w.slices {
          guard let producer = g.producer[s], members.contains(producer.rawValue) else {
            report("slice '\(g.tensors[s].name)' of '\(p)' is not written by a tile of '\(name)'")
            continue
          }
        }
      }
      if let original {
        guard let o = original.operator(named: name) else {
          report("tiles name '\(name)', which is not an operator of '\(original.name)'")
          continue
        }
        let op = original[o]
        if ops[0].type != op.type { report("the tiles of '\(name)' are '\(ops[0].type)', the operator '\(op.type)'") }
        if let macs = op.macs, ops.reduce(0, { $0 + ($1.macs ?? 0) }) != macs {
          report("the MACs of the tiles of '\(name)' add up to \(ops.reduce(0) { $0 + ($1.macs ?? 0) }), not \(macs)")
        }
        if outputs != Set(op.outputs.map { original[$0].name }) { report("the tiles of '\(name)' write other tensors than it") }
      }
      // Each tile reads what its output region needs; a chain of partial sums, together.
      let reads = Set(original.flatMap { o in o.operator(named: name).map { o[$0].inputs.map { o[$0].name } } } ?? [])
      for chain in partialChains(members, wholes: wholes, whole: whole, report: report) {
        checkInputs(of: chain.map { g.operators[$0] }, wholes: wholes, whole: { wholeIn($0, reading: reads) }, report: report)
      }
    }
    if let original {
      for op in original.operators {
        if g.operator(named: op.name) == nil && tiles[op.name] == nil && !op.outputs.contains(where: { dissolved[original[$0].name] != nil }) { report("operator '\(op.name)' of '\(original.name)' is missing") }
        if let mine = g.operator(named: op.name) {
          let ins = Set(g[mine].inputs.map { whole($0).name }), outs = Set(g[mine].outputs.map { whole($0).name })
          let expected = Set(op.inputs.flatMap { x in dissolved[original[x].name]?.map(\.leaf) ?? [original[x].name] })
          if ins != expected || outs != Set(op.outputs.map { original[$0].name }) {
            report("operator '\(op.name)' reads or writes other tensors than in '\(original.name)'")
          }
        }
      }
      for t in original.tensors where g.tensor(named: t.name) == nil && wholes[t.name] == nil && dissolved[t.name] == nil {
        report("tensor '\(t.name)' of '\(original.name)' is missing")
      }
      for t in g.tensors where t.slice == nil && t.partial == nil && original.tensor(named: t.name) == nil {
        report("tensor '\(t.name)' is not in '\(original.name)'")
      }
    }
    return found
  }

  /// The concatenations of `original` that this graph dissolves (SPEC §2, "Dissolved
  /// concatenations"): absent, as operator and output, with inputs that cut the output along one
  /// axis; for each output's name, the tensors it is made of (nested dissolved outputs opened)
  /// with their start in it in each dimension. Adds each output to `wholes`, made of its
  /// tensors' slices.
  private func dissolvedConcatenations(
    of original: Graph, wholes: inout [String: WholeTensor], report: (String) -> Void
  ) -> [String: [(leaf: String, start: [Int])]] {
    let g = graph
    var direct: [String: [(input: String, start: [Int])]] = [:]
    let split = Set(g.operators.compactMap(\.tile?.of))
    for op in original.operators where concatenationTypes.contains(op.type.lowercased()) && op.outputs.count == 1 {
      let y = original[op.outputs[0]]
      guard g.operator(named: op.name) == nil, !split.contains(op.name),
        g.tensor(named: y.name) == nil, wholes[y.name] == nil
      else { continue }
      // The inputs must cut the output along one axis, in order.
      let shapes = op.inputs.map { original[$0].shape }
      guard let shape = y.shape, shapes.allSatisfy({ $0?.count == shape.count }),
        let axis = shape.indices.first(where: { d in shapes.contains { $0![d] != shape[d] } }) ?? (shape.isEmpty ? nil : 0),
        shapes.allSatisfy({ s in s!.indices.allSatisfy { $0 == axis || s![$0] == shape[$0] } }),
        shapes.reduce(0, { $0 + $1![axis] }) == shape[axis],
        op.inputs.reduce(0, { $0 + original[$1].bytes }) == y.bytes
      else {
        report("operator '\(op.name)' is missing, and its inputs do not cut '\(y.name)' along one axis")
        continue
      }
      var at = 0
      direct[y.name] = op.inputs.map { x in
        defer { at += original[x].shape![axis] }
        return (original[x].name, shape.indices.map { $0 == axis ? at : 0 })
      }
    }
    var leaves: [String: [(leaf: String, start: [Int])]] = [:]
    func open(_ name: String) -> [(leaf: String, start: [Int])] {
      if let done = leaves[name] { return done }
      guard let parts = direct[name] else { return [(name, [])] }
      let list = parts.flatMap { part in
        open(part.input).map { l in (l.leaf, l.start.isEmpty ? part.start : zip(l.start, part.start).map { $0 + $1 }) }
      }
      leaves[name] = list
      return list
    }
    for name in direct.keys.sorted() {
      let list = open(name)
      guard let o = original.tensor(named: name), let shape = original[o].shape else { continue }
      var slices: [Int] = []
      for (leaf, _) in list {
        if let w = wholes[leaf] {
          slices += w.slices
        } else if let t = g.tensor(named: leaf) {
          slices.append(t.rawValue)
        } else {
          report("tensor '\(leaf)', part of the dissolved '\(name)', is missing")
        }
      }
      wholes[name] = WholeTensor(extents: shape, bytes: original[o].bytes, slices: slices)
    }
    return leaves
  }

  /// The tiles of one operator (indices into the graph's operators) grouped into chains of
  /// partial sums, each in step order, the tiles outside any chain alone; reports every broken
  /// rule of the partials (SPEC §2, `partial`): each written by one tile and read by the next
  /// tile of its chain only, of the right size, the steps in order, the last tile writing the
  /// region of the output the partials hold, and only for operators that sum (convolutions and
  /// matrix products).
  private func partialChains(
    _ members: [Int], wholes: [String: WholeTensor], whole: (TensorID) -> (name: String, region: [Range<Int>]?),
    report: (String) -> Void
  ) -> [[Int]] {
    let g = graph
    let mine = Set(members)
    var next: [Int: Int] = [:]
    var hasPrevious = Set<Int>()
    for i in members {
      let op = g.operators[i]
      let written = op.outputs.filter { g[$0].partial != nil }
      let read = op.inputs.filter { g[$0].partial != nil }
      if !written.isEmpty || !read.isEmpty {
        let type = op.type.lowercased()
        if !(type.contains("conv") || matrixProductTypes.contains(type) || queryRowTypes.contains(type)) {
          report("tile '\(op.name)' sums partials, but '\(op.type)' is not a convolution, a matrix product or attention")
        }
      }
      if written.count > 1 || (written.count == 1 && op.outputs.count != 1) {
        report("tile '\(op.name)' writes a partial and other tensors")
      }
      if read.count > 1 { report("tile '\(op.name)' reads \(read.count) partials") }
      for p in written {
        let t = g[p], partial = t.partial!
        let name = t.name
        // Its size: the region at the accumulator's bytes per element of the whole output.
        let extents = wholes[partial.of]?.extents ?? g.tensor(named: partial.of).flatMap { g[$0].shape }
        let bytes = wholes[partial.of]?.bytes ?? g.tensor(named: partial.of).map { g[$0].bytes }
        if let extents, let bytes, let elements = checkedProduct(extents), elements > 0 {
          if partial.region.count != extents.count || zip(partial.region, extents).contains(where: { $0.upperBound > $1 }) {
            report("partial '\(name)' lies outside '\(partial.of)' of shape \(extents)")
          } else {
            // Attention's partials also carry a running maximum and sum (8 bytes) per query row
            // and head: its heads are `H` of `[B, H, S, D]`, or `heads` blocks of `B, S, F`.
            var expected = partial.volume * TensorPartial.accumulatorBytes(elementBytes: max(1, bytes / elements))
            if queryRowTypes.contains(op.type.lowercased()), let f = partial.region.last, !f.isEmpty {
              let width = extents.count == 4 ? extents[3] : op.attributes?.heads.map { extents[extents.count - 1] / max(1, $0) }
              if let width, width > 0 {
                let heads = extents.count == 4 ? 1 : (f.upperBound + width - 1) / width - f.lowerBound / width
                expected += 8 * partial.volume / f.count * heads
              }
            }
            if t.bytes != expected {
              report("partial '\(name)' has \(t.bytes) bytes, not the \(expected) of \(partial.volume) elements at the accumulator's size")
            }
          }
        } else {
          report("partial '\(name)' is of '\(partial.of)', whose shape is not known")
        }
        let readers = g.consumers[p.rawValue]
        guard readers.count == 1, let reader = readers.first, mine.contains(reader.rawValue) else {
          report("partial '\(name)' is not read by exactly one other tile of the same operator")
          continue
        }
        let r = g.operators[reader.rawValue]
        let continued = r.outputs.compactMap { g[$0].partial }
        if let q = continued.first {
          if q.of != partial.of || q.region != partial.region || q.step != partial.step + 1 || q.steps != partial.steps {
            report("tile '\(r.name)' does not continue partial '\(name)' (step \(partial.step + 1) of the same region)")
          }
        } else {
          let cells = r.outputs.filter { whole($0).name == partial.of }.map { whole($0).region ?? partial.region }
          let box = cells.first.map { f in f.indices.map { d in cells.map { $0[d].lowerBound }.min()!..<cells.map { $0[d].upperBound }.max()! } }
          if partial.step + 2 != partial.steps || box != partial.region || cells.count != r.outputs.count {
            report("tile '\(r.name)' ends partial '\(name)' but does not write its region of '\(partial.of)' as step \(partial.steps - 1)")
          }
        }
        next[i] = reader.rawValue
        hasPrevious.insert(reader.rawValue)
      }
      if let p = read.first, !(g.producer[p.rawValue].map { mine.contains($0.rawValue) } ?? false) {
        report("partial '\(g[p].name)' is not written by a tile of the operator that reads it")
      }
    }
    for i in members where g.operators[i].outputs.contains(where: { g[$0].partial?.step == 0 }) {
      if g.operators[i].inputs.contains(where: { g[$0].partial != nil }) {
        report("tile '\(g.operators[i].name)' starts a chain of partial sums but reads a partial")
      }
    }
    var chains: [[Int]] = []
    for i in members where !hasPrevious.contains(i) {
      var chain = [i]
      var seen: Set<Int> = [i]
      while let n = next[chain.last!], seen.insert(n).inserted { chain.append(n) }
      chains.append(chain)
    }
    return chains
  }

  private func checkInputs(
    of chain: [Operator], wholes: [String: WholeTensor],
    whole: (TensorID) -> (name: String, region: [Range<Int>]?), report: (String) -> Void
  ) {
    let g = graph
    // The last tile of a chain writes the output; each input is read by the chain together, and
    // no element of it by two of the chain's tiles (each added once to the sum).
    guard let op = chain.last, let first = op.outputs.first else { return }
    if chain.count > 1 {
      var regions: [String: [(tile: String, region: [Range<Int>])]] = [:]
      // Attention reads its queries at every step: only the keys and values are summed over.
      let queries = queryRowTypes.contains(op.type.lowercased()) ? op.inputs.first.map { whole($0).name } : nil
      for t in chain {
        for x in Set(t.inputs) where g[x].partial == nil && whole(x).name != queries {
          let (name, region) = whole(x)
          guard let r = region ?? g[x].shape.map({ $0.map { 0..<$0 } }) else { continue }
          regions[name, default: []].append((t.name, r))
        }
      }
      outer: for (name, list) in regions.sorted(by: { $0.key < $1.key }) {
        for (a, x) in list.enumerated() {
          for y in list[(a + 1)...] where x.tile != y.tile && Self.overlap(x.region, y.region) > 0 {
            report("tiles '\(x.tile)' and '\(y.tile)' of one chain of partial sums both read part of '\(name)'")
            continue outer
          }
        }
      }
    }
    let y = whole(first).name
    guard let yExtents = wholes[y]?.extents ?? g[first].shape else { return }
    // The output region: the box around the tile's slices of its first output.
    var out = yExtents.map { 0..<$0 }
    let mine = op.outputs.filter { whole($0).name == y }.compactMap { whole($0).region }
    if mine.count == op.outputs.filter({ whole($0).name == y }).count, let r0 = mine.first, r0.count == yExtents.count {
      out = r0.indices.map { d in mine.map { $0[d].lowerBound }.min()!..<mine.map { $0[d].upperBound }.max()! }
    }
    let type = op.type.lowercased()
    let data = op.inputs.first.map { whole($0).name }
    var done = Set<String>()
    let chainInputs = chain.flatMap { $0.inputs.filter { g[$0].partial == nil } }
    for x in chainInputs {
      let (name, region) = whole(x)
      guard region != nil, done.insert(name).inserted, let w = wholes[name] else { continue }
      let xe = w.extents
      var need = xe.map { 0..<$0 }
      // Along a dilated window's dimension a tile may need separate bands of rows.
      var bands: [Int: [Range<Int>]] = [:]
      // The channel axis of the output: C of N, C, ... from rank 4, the last axis below.
      let cAxis = yExtents.count >= 4 ? 1 : yExtents.count - 1
      let channelsSplit = cAxis >= 0 && out[cAxis] != 0..<yExtents[cAxis]
      let hasWeights = op.inputs.contains { g[$0].kind == .weight }
      if g[x].kind == .weight, rowPreservingTypes.contains(type), xe.count == yExtents.count {
        // A weight of the output's rank read elementwise (a position embedding): like any input.
        for d in xe.indices where xe[d] == yExtents[d] && out[d] != 0..<yExtents[d] { need[d] = out[d] }
      } else if g[x].kind == .weight {
        // A parameter's first axis indexes the output channels of a convolution, of `linear`
        // and of an elementwise operator's per-channel parameter.
        // A convolution need not declare its window: its type names it, and its weights have
        // the data's rank.
        let dataRank = op.inputs.first.flatMap { wholes[whole($0).name]?.extents.count ?? g[$0].shape?.count }
        let convolution = type.contains("conv") && xe.count == dataRank && xe.count >= 3
        let indexed = op.attributes?.kernel != nil || convolution || type == "linear" || rowPreservingTypes.contains(type)
        if channelsSplit, indexed, !xe.isEmpty, xe[0] == yExtents[cAxis] { need[0] = out[cAxis] }
      } else if type == "linear", name != data, !xe.isEmpty {
        // `linear(x, W, b)` with W or b computed: their first axis is the output's features.
        if channelsSplit, xe[0] == yExtents[cAxis] { need[0] = out[cAxis] }
      } else if let a = op.attributes, let kernel = a.kernel, name == data, xe.count == yExtents.count {
        let n = kernel.count
        for i in 0..<n where 2 + i < xe.count && out[2 + i] != 0..<yExtents[2 + i] {
          let s = a.strides?[i] ?? 1, p = a.pads?[i] ?? 0, dl = a.dilations?[i] ?? 1
          let lo = out[2 + i].lowerBound * s - p
          let hi = (out[2 + i].upperBound - 1) * s - p + dl * (kernel[i] - 1) + 1
          need[2 + i] = max(0, lo)..<max(max(0, lo), min(xe[2 + i], hi))
          // Each tap t reads [lo + t·dl, (b − 1)·s − p + t·dl]; taps far apart leave gaps.
          var taps: [Range<Int>] = []
          for t in 0..<kernel[i] {
            let a = max(0, lo + t * dl), b = min(xe[2 + i], (out[2 + i].upperBound - 1) * s - p + t * dl + 1)
            guard a < b else { continue }
            if let end = taps.last?.upperBound, a <= end {
              taps[taps.count - 1] = taps[taps.count - 1].lowerBound..<max(end, b)
            } else {
              taps.append(a..<b)
            }
          }
          bands[2 + i] = taps
        }
        // A pooling, or a depthwise convolution, maps each channel to itself.
        let depthwise = (a.groups ?? 1) == xe[1] && xe[1] == yExtents[1]
        if channelsSplit, cAxis == 1, !hasWeights || depthwise { need[1] = out[1] }
        // A grouped convolution: output channels `[a, b)` are in groups `[⌊a/(C_out/G)⌋,
        // ⌈b/(C_out/G)⌉)`, which read those groups' input channels.
        let groups = a.groups ?? 1
        if channelsSplit, cAxis == 1, hasWeights, !depthwise, groups > 1, xe[1] % groups == 0, yExtents[1] % groups == 0 {
          let per = yExtents[1] / groups, width = xe[1] / groups
          need[1] = out[1].lowerBound / per * width..<(out[1].upperBound + per - 1) / per * width
        }
      } else if op.attributes?.kernel == nil, type.contains("conv"), name == data, xe.count == yExtents.count, xe.count >= 3,
        let weight = op.inputs.dropFirst().first(where: { g[$0].kind == .weight }),
        let we = wholes[whole(weight).name]?.extents ?? g[weight].shape, we.count == xe.count
      {
        // A convolution without a declared window reads its whole input, except that a
        // depthwise one (weights `[C, 1, k...]`) maps each channel to itself.
        if channelsSplit, cAxis == 1, we[1] == 1, we[0] == xe[1], xe[1] == yExtents[1] { need[1] = out[1] }
      } else if globalPoolingTypes.contains(type), name == data, xe.count == yExtents.count {
        if channelsSplit, cAxis == 1, xe[1] == yExtents[1] { need[1] = out[1] }
      } else if paddingTypes.contains(type) || resizeTypes.contains(type), name == data, xe.count == yExtents.count {
        for d in xe.indices where out[d] != 0..<yExtents[d] {
          let (m, n) = (xe[d], yExtents[d])
          let lo = paddingTypes.contains(type) ? out[d].lowerBound - max(0, n - m) : out[d].lowerBound * m / n - 1
          let hi = paddingTypes.contains(type) ? out[d].upperBound : (out[d].upperBound * m + n - 1) / n + 1
          need[d] = min(max(0, lo), m)..<max(min(max(0, lo), m), min(m, hi))
        }
      } else if softmaxTypes.contains(type), let axis = op.attributes?.axis, name == data, xe == yExtents {
        for d in xe.indices where d != axis && out[d] != 0..<yExtents[d] { need[d] = out[d] }
      } else if rowNormalizationTypes.contains(type) || rotaryTypes.contains(type), name == data, xe.count == 3, xe == yExtents {
        if out[1] != 0..<yExtents[1] { need[1] = out[1] }
      } else if rowPreservingTypes.contains(type), xe.count == yExtents.count {
        for d in xe.indices where xe[d] == yExtents[d] && out[d] != 0..<yExtents[d] { need[d] = out[d] }
      } else if queryRowTypes.contains(type), yExtents.count == 3, xe.count == 3, let heads = op.attributes?.heads,
        yExtents[2] % heads == 0, let role = attentionInputs(op, whole).firstIndex(of: name)
      {
        // Attention of `B, S, F` with declared heads: output features `[a, b)` are heads
        // `[⌊a/Dv⌋, ⌈b/Dv⌉)`; each reads its own block of the queries' features and its group's
        // block of the keys' and values' (query head `h` shares key-value head `h / (H / KV)`).
        // The queries' rows follow the output's.
        let kvHeads = op.attributes?.kvHeads ?? heads
        let count = role == 0 ? heads : kvHeads
        if heads % kvHeads == 0, xe[2] % count == 0, out[2] != 0..<yExtents[2] {
          let perBlock = yExtents[2] / heads * (role == 0 ? 1 : heads / kvHeads), width = xe[2] / count
          need[2] = out[2].lowerBound / perBlock * width..<min(xe[2], (out[2].upperBound + perBlock - 1) / perBlock * width)
        }
        if role == 0 {
          for d in 0..<2 where xe[d] == yExtents[d] && out[d] != 0..<yExtents[d] { need[d] = out[d] }
        }
      } else if queryRowTypes.contains(type), yExtents.count == 4, channelsSplit, cAxis == 1, let last = xe.indices.last,
        xe[last] == yExtents[1] * yExtents[3], attentionInputs(op, whole).contains(name)
      {
        // Attention written as heads `[B, H, S, D]`: heads `[a, b)` read features `[a·D, b·D)`
        // of the queries, keys and values.
        need[last] = out[1].lowerBound * yExtents[3]..<out[1].upperBound * yExtents[3]
      } else if matrixProductTypes.contains(type) || (queryRowTypes.contains(type) && name == data),
        name == data, xe.count == yExtents.count, xe.count >= 2
      {
        // Any axis but the last (the contracted one, unless `contract` says otherwise): M of
        // [..., M, K], or a batch axis.
        if (op.attributes?.contract?.first).map({ $0 == xe.count - 1 }) ?? true {
          for d in 0..<(xe.count - 1) where xe[d] == yExtents[d] && out[d] != 0..<yExtents[d] { need[d] = out[d] }
        }
      }
      // The needed boxes: the bands of each dimension crossed (one box without bands).
      var boxes: [[Range<Int>]] = [need]
      for (d, list) in bands {
        boxes = boxes.flatMap { box in list.map { r in var b = box; b[d] = r; return b } }
      }
      let volume = boxes.reduce(0) { $0 + $1.reduce(1) { $0 * $1.count } }
      let read = Set(chainInputs.filter { whole($0).name == name }.map(\.rawValue))
      let covered = read.reduce(0) { sum, t in sum + boxes.reduce(0) { $0 + Self.overlap(whole(TensorID(t)).region!, $1) } }
      if covered < volume {
        let wanted = need.map { "\($0.lowerBound):\($0.upperBound)" }.joined(separator: ",")
        report("tile '\(op.name)' reads \(covered) of the \(volume) elements of '\(name)' its output needs ([\(wanted)])")
      }
    }
  }

  /// The queries', keys' and values' names: the first three distinct tensors a tile reads
  /// (each may be read as several slices).
  private func attentionInputs(_ op: Operator, _ whole: (TensorID) -> (name: String, region: [Range<Int>]?)) -> [String] {
    var names: [String] = []
    for x in op.inputs where names.count < 3 {
      let n = whole(x).name
      if !names.contains(n) { names.append(n) }
    }
    return names
  }

  /// The number of elements two regions share.
  /// Two of `boxes` (their positions, the first lower) that share an element, or nil when they
  /// are pairwise disjoint. A sweep along the dimension where the boxes start in the most
  /// places compares each box only with those still open there: a tensor cut into 3,584 slices
  /// (frames × rows × channels) needs about a hundred thousand comparisons, not six million.
  static func overlappingPair(_ boxes: [[Range<Int>]]) -> (Int, Int)? {
    guard boxes.count > 1, let rank = boxes.first?.count, rank > 0, boxes.allSatisfy({ $0.count == rank }) else {
      // Boxes of different ranks are reported by the caller; compare them all.
      for a in boxes.indices { for b in boxes.indices where b > a && overlap(boxes[a], boxes[b]) > 0 { return (a, b) } }
      return nil
    }
    let starts = (0..<rank).map { d in Set(boxes.map { $0[d].lowerBound }).count }
    let d = starts.indices.max { starts[$0] < starts[$1] } ?? 0
    let order = boxes.indices.sorted { (boxes[$0][d].lowerBound, $0) < (boxes[$1][d].lowerBound, $1) }
    var open: [Int] = []
    for i in order {
      let start = boxes[i][d].lowerBound
      open.removeAll { boxes[$0][d].upperBound <= start }
      for j in open where overlap(boxes[i], boxes[j]) > 0 { return (min(i, j), max(i, j)) }
      open.append(i)
    }
    return nil
  }

  static func overlap(_ a: [Range<Int>], _ b: [Range<Int>]) -> Int {
    var n = 1
    for (x, y) in zip(a, b) {
      let lo = max(x.lowerBound, y.lowerBound), hi = min(x.upperBound, y.upperBound)
      if hi <= lo { return 0 }
      n *= hi - lo
    }
    return n
  }
}
