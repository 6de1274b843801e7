/// The two ways COSMA splits an operator.
public enum TileAxis: String, Sendable, Equatable, Codable {
  /// Output rows (``Graph/rowAxis(rank:)``), with halos where a window needs them.
  case rows
  /// Output depth: the first spatial axis `D` (frames, `T`) of `N, C, D, H, W`, as rows are
  /// `H`, with halos where a window needs them. Depth tiles split every other way once more
  /// (a video network's `T × H` blocks).
  case depth
  /// Output channels (``Graph/channelAxis(rank:)``): the features of a matrix product, the
  /// channels of a convolution (each tile a slice of the weights), a pooling or an elementwise
  /// operator.
  case channels
  /// The reduction: a convolution's input channels, `linear`'s input features. Its tiles form a
  /// chain of partial sums (``TensorPartial``), each reading a block of the input and the
  /// matching block of the weights; the last writes the output and reads the bias.
  case reduction
}

/// How an operator's output, cut along one axis, depends on each of its inputs: what splitting
/// it into tiles needs to know.
///
/// Rows are one axis of every tensor, chosen by its shape (``Graph/rowAxis(shape:)``): `H`, the
/// height (`N, C, H, W` and `N, C, D, H, W`), for rank 4 and 5, the sequence axis (`S` of
/// `B, S, F`, and of `S, 1, F`) for rank 3. An operator is split along its output's rows only where the
/// dependence is known for sure (``Graph/rowMap(of:)``):
/// - a convolution or pooling with a known window (``Graph/slidingWindow(of:)``) reads the input
///   rows its window covers, halo included, and the whole of its weights;
/// - an elementwise operator (by type) reads the same rows of every input of the output's shape,
///   and the whole of any other input (broadcast, or of a lower rank);
/// - a concatenation reads the same rows of every input with the output's rows (it does not join
///   along the rows), and any other input whole (a joined part, or one whose layout the graph
///   does not record, as ViT's patches flattened and transposed before its class token); and
///   a split (several outputs, each with the input's rows) the same rows of its input;
/// - a layer or RMS normalization of `B, S, F` (its parameters `[F]`) reads the same rows, and
///   so do a softmax whose `axis` is not the rows' and a rotary embedding (its angles whole);
/// - a padding that adds `p` rows in all reads, for output rows `[a, b)`, input rows
///   `[a − p, b)` (however the `p` rows are shared between top and bottom);
/// - a resize (upsampling) from `m` to `n` rows reads rows `[⌊a·m/n⌋ − 1, ⌈b·m/n⌉ + 1)`, which
///   covers nearest and linear interpolation with either corner convention;
/// - a matrix product `[..., M, K] × W` reads the same rows (any axis but the last) of its
///   first input (its leading axes may broadcast) and the whole of the rest, and attention reads the same rows of its queries and the whole keys and values.
/// Channels are split (``Graph/channelMap(of:)``) for a convolution with groups 1 (the whole
/// input, the weights' and bias's slices along their first axis), a depthwise convolution (the
/// same channels), a grouped convolution with a known window (the input channels of the groups
/// its output channels are in; for the first two the window need not be known: an operator whose type names a
/// convolution, with weights `[C_out, C_in, k...]` or `[C, 1, k...]`) and a
/// pooling (the same channels), a global pooling, an elementwise operator (the same channels,
/// per-channel parameters sliced), `linear` (the whole input, the weight rows and bias of
/// its features, whether weights or computed), attention written as heads `[B, H, S, D]`
/// (each head its block of `D` features of the queries, keys and values) and attention of
/// `B, S, F` whose `heads` (and `kvHeads`) are declared (each output head its queries' head and
/// its group's key and value head). Anything else is not split.
public struct TileMap: Sendable, Equatable {
  /// What one input contributes to an output range.
  public enum Dependence: Sendable, Equatable {
    /// The same range.
    case same
    /// The rows a sliding window covers along spatial dimension `dimension`.
    case window(SlidingWindow, dimension: Int)
    /// Rows `[a − shift, b)`: a padding of `shift` rows in all.
    case shifted(Int)
    /// A resize from `input` to `output` rows, with one row of margin either side.
    case scaled(input: Int, output: Int)
    /// Each block of `output` consecutive outputs reads one block of `input` consecutive inputs
    /// (block `i` of the output, block `i` of the input): attention's heads, each a block of
    /// the features of its queries, keys and values (a key-value head shared by a group of
    /// query heads is one block of the output for the keys and values).
    case blocks(input: Int, output: Int)
    /// The whole tensor, whatever the range.
    case whole
    /// The whole tensor, read by the last part only: a bias, added once to the sum of a
    /// reduction's partials.
    case final
  }

  public var axis: TileAxis
  /// One entry per input, in the operator's order.
  public var inputs: [Dependence]
  /// The axis of each input that the dependence is along (nil for a whole input).
  public var inputAxes: [Int?]
  /// The axis of the output that tiles split (-1 for the reduction, which splits no axis of the
  /// output).
  public var outputAxis: Int
  /// The output's size along ``outputAxis``.
  public var extent: Int

  /// The range `[start, end)` of input `k` (of `inputExtent` along its axis) that outputs
  /// `range` need, clamped to the input; nil when the input is needed whole.
  public func inputRange(_ k: Int, outputs range: Range<Int>, inputExtent: Int) -> Range<Int>? {
    switch inputs[k] {
    case .whole, .final: return nil
    case .same: return range
    case .window(let w, let d):
      let r = w.inputRange(outputs: range.lowerBound...(range.upperBound - 1), dimension: d)
      return Self.clamped(r.lowerBound, r.upperBound + 1, inputExtent)
    case .shifted(let p):
      return Self.clamped(range.lowerBound - p, range.upperBound, inputExtent)
    case .scaled(let m, let n):
      return Self.clamped(range.lowerBound * m / n - 1, (range.upperBound * m + n - 1) / n + 1, inputExtent)
    case .blocks(let m, let n):
      return Self.clamped(range.lowerBound / n * m, (range.upperBound + n - 1) / n * m, inputExtent)
    }
  }

  /// The ranges of input `k` that outputs `range` need, sorted and disjoint: one range, except
  /// for a dilated window whose taps fall far apart (a tile of a convolution with dilation 24
  /// reads three separate bands of rows, not the 49 rows between them); nil for a whole input.
  public func inputRanges(_ k: Int, outputs range: Range<Int>, inputExtent: Int) -> [Range<Int>]? {
    guard case .window(let w, let d) = inputs[k], w.dilations[d] > 1, w.kernel[d] > 1 else {
      return inputRange(k, outputs: range, inputExtent: inputExtent).map { [$0] }
    }
    let first = range.lowerBound * w.strides[d] - w.pads[d]
    let last = (range.upperBound - 1) * w.strides[d] - w.pads[d]
    var merged: [Range<Int>] = []
    for t in 0..<w.kernel[d] {
      let r = Self.clamped(first + t * w.dilations[d], last + t * w.dilations[d] + 1, inputExtent)
      guard !r.isEmpty else { continue }
      if let end = merged.last?.upperBound, r.lowerBound <= end {
        merged[merged.count - 1] = merged[merged.count - 1].lowerBound..<max(end, r.upperBound)
      } else {
        merged.append(r)
      }
    }
    return merged
  }

  static func clamped(_ lo: Int, _ hi: Int, _ rows: Int) -> Range<Int> {
    let a = min(max(0, lo), rows), b = max(a, min(rows, hi))
    return a..<b
  }
}

extension Graph {
  /// Operator types that compute each output element from the elements at the same position of
  /// their inputs (PyTorch's and ONNX's names, compared without case).
  public static let elementwiseTypes: Set<String> = [
    "add", "add_", "sub", "mul", "div", "relu", "relu_", "relu6", "hardtanh", "hardtanh_", "hardswish", "hardswish_",
    "hardsigmoid", "sigmoid", "silu", "silu_", "gelu", "tanh", "clamp", "clip", "batch_norm", "batchnormalization",
    "dropout", "identity", "leakyrelu", "leaky_relu", "elu", "neg", "abs", "sqrt", "exp", "erf", "pow",
  ]
  static let concatenationTypes: Set<String> = ["cat", "concat", "concatenate"]
  /// Operators that cut their input into several outputs along one axis.
  static let splitTypes: Set<String> = ["split", "split_with_sizes", "chunk", "tensor_split", "select"]
  /// Softmaxes, split by rows when their `axis` attribute is not the rows'.
  static let softmaxTypes: Set<String> = ["softmax", "log_softmax", "logsoftmax", "_softmax"]
  /// Rotary position embeddings of `B, S, F`: each row rotated by its position's angles.
  static let rotaryTypes: Set<String> = ["rotary", "rotary_embedding", "rotaryembedding"]
  /// Normalizations over the last axis of `B, S, F`: each row on its own.
  static let rowNormalizationTypes: Set<String> = ["layer_norm", "rms_norm", "layernormalization", "rmsnormalization"]
  static let matrixProductTypes: Set<String> = ["linear", "matmul", "gemm", "addmm", "mm", "bmm"]
  static let attentionTypes: Set<String> = ["scaled_dot_product_attention"]
  static let paddingTypes: Set<String> = ["pad", "constant_pad_nd"]
  static let resizeTypes: Set<String> = [
    "upsample_bilinear2d", "upsample_nearest2d", "upsample_bicubic2d", "upsample", "interpolate", "resize",
  ]

  /// The axis a tensor of this shape is split along into rows, or nil when it has none.
  public static func rowAxis(rank: Int) -> Int? {
    switch rank {
    case 5: return 3
    case 4: return 2
    case 3: return 1
    default: return nil
    }
  }

  /// The axis a tensor of this shape is split along into rows: ``rowAxis(rank:)``, except that
  /// `S, 1, F` (a sequence first, as PyTorch's attention lays it out) has its rows first.
  public static func rowAxis(shape: [Int]) -> Int? {
    if shape.count == 3, shape[1] == 1, shape[0] > 1 { return 0 }
    return rowAxis(rank: shape.count)
  }

  /// The channel axis of a tensor of this rank: `C` of `N, C, ...` from rank 4, the last axis
  /// (features) of rank 2 and 3.
  public static func channelAxis(rank: Int) -> Int? { rank >= 4 ? 1 : rank >= 2 ? rank - 1 : nil }

  /// The row axis of tensor `t` and its number of rows, when it can be cut into rows of whole
  /// bytes.
  public func rows(of t: TensorID) -> (axis: Int, count: Int)? {
    guard let shape = self[t].shape, let axis = Graph.rowAxis(shape: shape) else { return nil }
    return extent(of: t, along: axis).map { (axis, $0) }
  }

  /// The size of tensor `t` along `axis`, when its shape is known and it can be cut there into
  /// parts of whole bytes (any parts along two axes at once included).
  public func extent(of t: TensorID, along axis: Int) -> Int? {
    guard let shape = self[t].shape, shape.indices.contains(axis), let elements = checkedProduct(shape), elements > 0
    else { return nil }
    let n = shape[axis]
    guard n >= 1, self[t].bytes % elements == 0 else { return nil }
    return n
  }

  /// How operator `o` splits along `axis`, or nil when it cannot.
  public func tileMap(of o: OperatorID, along axis: TileAxis) -> TileMap? {
    switch axis {
    case .rows: return rowMap(of: o)
    case .depth: return depthMap(of: o)
    case .channels: return channelMap(of: o)
    case .reduction: return reductionMap(of: o)
    }
  }

  /// The features of one head of attention operator `o`'s output: `D` of `[B, H, S, D]`, or
  /// `F / heads` of `B, S, F` with its `heads` declared; nil otherwise.
  public func attentionHeadWidth(of o: OperatorID) -> Int? {
    guard Graph.attentionTypes.contains(self[o].type.lowercased()), let y = self[self[o].outputs[0]].shape else { return nil }
    if y.count == 4 { return y[3] >= 1 ? y[3] : nil }
    guard y.count == 3, let heads = self[o].attributes?.heads, y[2] % heads == 0 else { return nil }
    return y[2] / heads
  }

  /// The bytes of a partial of operator `o`'s output over `region` (SPEC §2, "Partial sums"):
  /// its elements at the accumulator's size, and for attention 8 bytes more (a running maximum
  /// and sum) per query row and head the region touches.
  public func partialBytes(of o: OperatorID, region: [Range<Int>]) -> Int? {
    let y = self[o].outputs[0]
    guard let shape = self[y].shape, let elements = checkedProduct(shape), elements > 0, region.count == shape.count else {
      return nil
    }
    let volume = region.reduce(1) { $0 * $1.count }
    var bytes = volume * TensorPartial.accumulatorBytes(elementBytes: max(1, self[y].bytes / elements))
    if let d = attentionHeadWidth(of: o), let f = region.last {
      let heads = (f.upperBound + d - 1) / d - f.lowerBound / d
      bytes += 8 * volume / f.count * (shape.count == 4 ? 1 : heads)
    }
    return bytes
  }

  /// How operator `o` can be split along its reduction into a chain of partial sums, or nil: a
  /// convolution with groups 1 (weights `[C_out, C_in, k...]`, its window need not be known)
  /// by input channels, `linear` (`x[..., K]`, weights `[N, K]`, given or computed) by input
  /// features, attention whose heads are known by keys. Each part reads its block of the input
  /// and of the weights' second axis (the keys and values); a bias is read by the last part.
  public func reductionMap(of o: OperatorID) -> TileMap? {
    let op = self[o]
    let type = op.type.lowercased()
    guard op.outputs.count == 1, op.inputs.count >= 2, Set(op.inputs).count == op.inputs.count,
      let y = self[op.outputs[0]].shape, let x = self[op.inputs[0]].shape, let w = self[op.inputs[1]].shape
    else { return nil }
    if Graph.attentionTypes.contains(type) {
      // Attention along its keys (as flash attention runs): each part reads a block of the keys
      // and values and all of its queries, and the partials carry each row's running maximum
      // and sum per head besides the output. Only queries, keys and values, heads known.
      guard op.inputs.count == 3, attentionHeadWidth(of: o) != nil, let v = self[op.inputs[2]].shape,
        let axis = Graph.rowAxis(shape: w), Graph.rowAxis(shape: v) == axis, let n = extent(of: op.inputs[1], along: axis),
        n >= 2, extent(of: op.inputs[2], along: axis) == n
      else { return nil }
      return TileMap(axis: .reduction, inputs: [.whole, .same, .same], inputAxes: [nil, axis, axis], outputAxis: -1, extent: n)
    }
    let dataAxis: Int
    if type == "linear" {
      guard x.count >= 2, w.count == 2, let k = x.last, w[1] == k, y.last == w[0] else { return nil }
      dataAxis = x.count - 1
    } else if type.contains("conv") || slidingWindow(of: o) != nil {
      guard x.count == y.count, x.count >= 3, w.count == x.count, self[op.inputs[1]].kind == .weight, w[0] == y[1],
        w[1] == x[1], slidingWindow(of: o).map({ $0.groups == 1 }) ?? true, op.attributes?.groups ?? 1 == 1
      else { return nil }
      dataAxis = 1
    } else {
      return nil
    }
    guard let extent = extent(of: op.inputs[0], along: dataAxis), extent >= 2, self.extent(of: op.inputs[1], along: 1) == extent
    else { return nil }
    // Anything past the weights (a bias `[C_out]`) is added once, by the last part.
    for k in 2..<op.inputs.count {
      guard let s = self[op.inputs[k]].shape, s.count <= 1 else { return nil }
    }
    let deps: [TileMap.Dependence] = [.same, .same] + Array(repeating: .final, count: op.inputs.count - 2)
    let axes: [Int?] = [dataAxis, 1] + Array(repeating: nil, count: op.inputs.count - 2)
    return TileMap(axis: .reduction, inputs: deps, inputAxes: axes, outputAxis: -1, extent: extent)
  }

  /// The depth axis of tensor `t` (`D` of `N, C, D, H, W`) and its size, when it can be cut
  /// there into parts of whole bytes.
  public func depth(of t: TensorID) -> (axis: Int, count: Int)? {
    guard self[t].shape?.count == 5 else { return nil }
    return extent(of: t, along: 2).map { (2, $0) }
  }

  /// How operator `o` can be split into row tiles, or nil when it cannot (see ``TileMap``).
  public func rowMap(of o: OperatorID) -> TileMap? { spatialMap(of: o, along: .rows) }

  /// How operator `o` of `N, C, D, H, W` can be split into depth tiles, or nil when it cannot:
  /// by the rules of rows (see ``TileMap``), along `D`.
  public func depthMap(of o: OperatorID) -> TileMap? { spatialMap(of: o, along: .depth) }

  /// Rows or depth: the same rules along `H` or `D`.
  private func spatialMap(of o: OperatorID, along tileAxis: TileAxis) -> TileMap? {
    let op = self[o]
    let type = op.type.lowercased()
    let rows: (TensorID) -> (axis: Int, count: Int)? = tileAxis == .depth ? { self.depth(of: $0) } : { self.rows(of: $0) }
    guard let first = op.outputs.first, let y = self[first].shape, let (axis, n) = rows(first), n >= 2
    else { return nil }
    // Several outputs only for a split whose outputs all have the first's rank and rows.
    guard
      op.outputs.count == 1
        || (Graph.splitTypes.contains(type)
          && op.outputs.allSatisfy { self[$0].shape?.count == y.count && rows($0).map { $0 == (axis, n) } == true })
    else { return nil }
    let shapes = op.inputs.map { self[$0].shape }
    var deps: [TileMap.Dependence] = []
    func map() -> TileMap {
      let axes = zip(deps, op.inputs).map { dep, x -> Int? in dep == .whole ? nil : rows(x)?.axis }
      return TileMap(axis: tileAxis, inputs: deps, inputAxes: axes, outputAxis: axis, extent: n)
    }
    if let window = slidingWindow(of: o) {
      guard axis >= 2, window.dimensions == y.count - 2, let x = shapes.first ?? nil, x.count == y.count,
        rows(op.inputs[0]) != nil
      else { return nil }
      deps = [.window(window, dimension: axis - 2)] + Array(repeating: .whole, count: op.inputs.count - 1)
      return map()
    }
    func sameRows(_ k: Int) -> Bool {
      guard let s = shapes[k], s.count == y.count, s[axis] == y[axis], rows(op.inputs[k]) != nil else { return false }
      return true
    }
    if Graph.softmaxTypes.contains(type) {
      // Each row on its own when the axis it normalizes over is not the rows'.
      guard let x = shapes.first ?? nil, x == y, let a = op.attributes?.axis, a != axis, sameRows(0) else { return nil }
      deps = [.same] + Array(repeating: .whole, count: op.inputs.count - 1)
    } else if Graph.splitTypes.contains(type) || Graph.rowNormalizationTypes.contains(type) || Graph.rotaryTypes.contains(type) {
      // A split along another axis reads the same rows; a normalization over the last axis
      // (its parameters of that axis's size) the same rows, its parameters whole; a rotary
      // embedding of `B, S, F` the same rows, its table of angles whole.
      guard let x = shapes.first ?? nil, x.count == y.count, sameRows(0) else { return nil }
      if Graph.rowNormalizationTypes.contains(type) {
        guard y.count == 3, x == y,
          op.inputs.dropFirst().allSatisfy({ self[$0].kind == .weight && self[$0].shape == [y[2]] })
        else { return nil }
      }
      if Graph.rotaryTypes.contains(type) {
        guard y.count == 3, x == y, op.inputs.dropFirst().allSatisfy({ self[$0].kind == .weight }) else { return nil }
      }
      deps = [.same] + Array(repeating: .whole, count: op.inputs.count - 1)
    } else if Graph.elementwiseTypes.contains(type) {
      for (k, s) in shapes.enumerated() {
        guard let s else { return nil }
        if s == y, sameRows(k) {
          deps.append(.same)
        } else {
          // Broadcast, or the same elements under another rank (ViT's residual `[S, F]` added
          // to `[1, S, F]`): read whole by every tile, which is always enough.
          guard y.count >= s.count else { return nil }
          deps.append(.whole)
        }
      }
    } else if Graph.concatenationTypes.contains(type) {
      // The same rows of every input with the output's rows (a concatenation along another
      // axis); any other input whole, which is always enough (ViT's class token joined to its
      // patches, whose flatten and transpose the graph does not record).
      guard shapes.allSatisfy({ $0 != nil }) else { return nil }
      for k in shapes.indices { deps.append(sameRows(k) ? .same : .whole) }
    } else if Graph.paddingTypes.contains(type) || Graph.resizeTypes.contains(type) {
      // One data input of the output's rank; padding amounts and scales are not needed.
      guard let x = shapes.first ?? nil, x.count == y.count, let (_, m) = rows(op.inputs[0]) else { return nil }
      if Graph.paddingTypes.contains(type) {
        guard m <= n else { return nil }
        deps = [.shifted(n - m)]
      } else {
        deps = [.scaled(input: m, output: n)]
      }
      deps += Array(repeating: .whole, count: op.inputs.count - 1)
    } else if Graph.matrixProductTypes.contains(type) || Graph.attentionTypes.contains(type) {
      // Rows are any axis of the output but the last: M of [..., M, N], or a batch axis (the
      // sequence of `S, 1, F`). Leading (batch) axes may broadcast: `[1, M, K] × [H, K, N]`
      // gives `[H, M, N]`.
      guard axis < y.count - 1, let x = shapes.first ?? nil, x.count == y.count, sameRows(0),
        (op.attributes?.contract?.first).map({ $0 == x.count - 1 }) ?? true
      else { return nil }
      deps = [.same] + Array(repeating: .whole, count: op.inputs.count - 1)
    } else {
      return nil
    }
    return map()
  }
}

extension Graph {
  static let globalPoolingTypes: Set<String> = [
    "adaptive_avg_pool2d", "adaptive_avg_pool3d", "adaptive_max_pool2d", "adaptive_max_pool3d", "globalaveragepool",
    "globalmaxpool",
  ]

  /// How operator `o` can be split into channel tiles, or nil when it cannot (see ``TileMap``).
  public func channelMap(of o: OperatorID) -> TileMap? {
    let op = self[o]
    let type = op.type.lowercased()
    guard let first = op.outputs.first, let y = self[first].shape, let axis = Graph.channelAxis(rank: y.count),
      let channels = extent(of: first, along: axis), channels >= 2
    else { return nil }
    // Several outputs only for a split whose outputs all have the first's rank and channels.
    guard
      op.outputs.count == 1
        || (Graph.splitTypes.contains(type)
          && op.outputs.allSatisfy { self[$0].shape?.count == y.count && extent(of: $0, along: axis) == channels })
    else { return nil }
    var deps: [TileMap.Dependence] = []
    var axes: [Int?] = []
    func same(_ k: Int, along a: Int) -> Bool {
      guard extent(of: op.inputs[k], along: a) == channels else { return false }
      deps.append(.same)
      axes.append(a)
      return true
    }
    func whole() {
      deps.append(.whole)
      axes.append(nil)
    }
    /// A parameter whose first axis indexes the output channels (a weight `[C_out, ...]`, a
    /// bias `[C_out]`), sliced; anything else with that many channels along no axis is whole.
    func parameter(_ k: Int) -> Bool {
      guard self[op.inputs[k]].kind == .weight, let s = self[op.inputs[k]].shape, !s.isEmpty, s[0] == channels else {
        return false
      }
      return same(k, along: 0)
    }
    let data = op.inputs.first.flatMap { self[$0].shape }
    if let window = slidingWindow(of: o), axis == 1, let x = data, x.count == y.count {
      let weighted = op.inputs.count >= 2 && self[op.inputs[1]].kind == .weight
      if !weighted {
        // A pooling: the same channels.
        guard same(0, along: 1) else { return nil }
      } else if window.groups == 1 {
        whole()
      } else if window.groups == x[1], x[1] == channels {
        guard same(0, along: 1) else { return nil }
      } else if window.groups > 1, x[1] % window.groups == 0, channels % window.groups == 0,
        extent(of: op.inputs[0], along: 1) == x[1]
      {
        // A grouped convolution: each group's output channels read that group's input channels.
        deps.append(.blocks(input: x[1] / window.groups, output: channels / window.groups))
        axes.append(1)
      } else {
        return nil
      }
      for k in 1..<op.inputs.count {
        if !parameter(k) { return nil }
      }
    } else if type.contains("conv"), axis == 1, let x = data, x.count == y.count, x.count >= 3, op.inputs.count >= 2,
      self[op.inputs[1]].kind == .weight, let w = self[op.inputs[1]].shape, w.count == x.count, w[0] == channels,
      w[1] == x[1] || (w[1] == 1 && x[1] == channels)
    {
      // A convolution whose window its shapes do not decide (a 3×3 that keeps its size, a
      // strided one whose paddings could be split either way): with groups 1 (weights
      // `[C_out, C_in, k...]`) each output channel reads the whole input, depthwise (weights
      // `[C, 1, k...]`) its own channel, and its slice of the weights; channel tiles need no
      // window.
      if w[1] == x[1] && !(w[1] == 1 && x[1] == channels) {
        whole()
      } else {
        guard same(0, along: 1) else { return nil }
      }
      for k in 1..<op.inputs.count {
        if !parameter(k) { return nil }
      }
    } else if Graph.attentionTypes.contains(type), axis == 1, y.count == 4, op.inputs.count >= 3 {
      // Attention written as heads `[B, H, S, D]` from queries, keys and values whose features
      // are the heads side by side (`H·D`): each head reads its block of their features.
      let width = y[1] * y[3]
      for (k, x) in op.inputs.enumerated() {
        if k < 3 {
          guard let s = self[x].shape, let last = s.indices.last, s[last] == width, extent(of: x, along: last) == width
          else { return nil }
          deps.append(.blocks(input: y[3], output: 1))
          axes.append(last)
        } else {
          whole()
        }
      }
    } else if Graph.attentionTypes.contains(type), y.count == 3, axis == 2, op.inputs.count >= 3,
      let heads = op.attributes?.heads
    {
      // Attention of `B, S, F` with its heads declared: output features `H·Dv`, queries
      // `H·Dk`, keys `KV·Dk`, values `KV·Dv`; query head `h` reads key-value head
      // `h / (H / KV)`. Each output head reads its queries' head and its group's keys and values.
      let kvHeads = op.attributes?.kvHeads ?? heads
      guard channels % heads == 0, heads % kvHeads == 0 else { return nil }
      let group = heads / kvHeads, dv = channels / heads
      for (k, x) in op.inputs.enumerated() {
        guard k < 3 else {
          whole()
          continue
        }
        guard let s = self[x].shape, s.count == 3, let width = extent(of: x, along: 2) else { return nil }
        let count = k == 0 ? heads : kvHeads
        guard width % count == 0 else { return nil }
        deps.append(.blocks(input: width / count, output: k == 0 ? dv : dv * group))
        axes.append(2)
      }
    } else if Graph.splitTypes.contains(type), let x = data, x.count == y.count {
      // A split along another axis: the same channels of its input.
      guard same(0, along: axis) else { return nil }
      for _ in 1..<max(1, op.inputs.count) { whole() }
    } else if Graph.globalPoolingTypes.contains(type), axis == 1, let x = data, x.count == y.count {
      guard same(0, along: 1) else { return nil }
      for _ in 1..<max(1, op.inputs.count) { whole() }
    } else if Graph.elementwiseTypes.contains(type) {
      for (k, x) in op.inputs.enumerated() {
        guard let s = self[x].shape else { return nil }
        if s == y {
          guard same(k, along: axis) else { return nil }
        } else if s.count == 1, parameter(k) {
          continue  // a per-channel parameter, sliced
        } else {
          guard y.count >= s.count else { return nil }
          whole()
        }
      }
    } else if type == "linear", axis == y.count - 1, op.inputs.count >= 2 {
      // `linear(x, W, b)`: the rows of W and b are the output's features, whether they are
      // weights or computed (a part of a split weight).
      whole()
      for k in 1..<op.inputs.count {
        guard let s = self[op.inputs[k]].shape, !s.isEmpty, s[0] == channels, same(k, along: 0) else { return nil }
      }
    } else {
      return nil
    }
    return TileMap(axis: .channels, inputs: deps, inputAxes: axes, outputAxis: axis, extent: channels)
  }
}
