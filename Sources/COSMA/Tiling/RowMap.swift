/// How an operator's output rows depend on the rows of each of its inputs: what splitting it
/// into row tiles needs to know.
///
/// Rows are one axis of every tensor, chosen by its rank (``Graph/rowAxis(rank:)``): `H`, the
/// height (`N, C, H, W` and `N, C, D, H, W`), for rank 4 and 5, the sequence axis (`S` of
/// `B, S, F`) for rank 3. An operator is split along its output's rows only where
/// the dependence is known for sure:
/// - a convolution or pooling with a known window (``Graph/slidingWindow(of:)``) reads the input
///   rows its window covers, halo included, and the whole of its weights;
/// - an elementwise operator (by type) reads the same rows of every input of the output's shape,
///   and the whole of a broadcast input;
/// - a concatenation that does not join along the rows reads the same rows of every input;
/// - a padding that adds `p` rows in all reads, for output rows `[a, b)`, input rows
///   `[a − p, b)` (however the `p` rows are shared between top and bottom);
/// - a resize (upsampling) from `m` to `n` rows reads rows `[⌊a·m/n⌋ − 1, ⌈b·m/n⌉ + 1)`, which
///   covers nearest and linear interpolation with either corner convention;
/// - a matrix product `[..., M, K] × W` reads the same rows of its first input and the whole of
///   the rest, and attention reads the same rows of its queries and the whole keys and values.
/// Anything else is not split.
public struct RowMap: Sendable, Equatable {
  /// What one input contributes to an output row range.
  public enum Dependence: Sendable, Equatable {
    /// The same rows.
    case same
    /// The rows a sliding window covers along spatial dimension `dimension`.
    case window(SlidingWindow, dimension: Int)
    /// Rows `[a − shift, b)`: a padding of `shift` rows in all.
    case shifted(Int)
    /// A resize from `input` to `output` rows, with one row of margin either side.
    case scaled(input: Int, output: Int)
    /// The whole tensor, whatever the rows.
    case whole
  }

  /// One entry per input, in the operator's order.
  public var inputs: [Dependence]
  /// The number of output rows.
  public var rows: Int

  /// The rows `[start, end)` of an input of `inputRows` rows that output rows `range` need,
  /// clamped to the input; nil when the input is needed whole.
  public func inputRows(_ k: Int, outputs range: Range<Int>, inputRows: Int) -> Range<Int>? {
    switch inputs[k] {
    case .whole: return nil
    case .same: return range
    case .window(let w, let d):
      let r = w.inputRange(outputs: range.lowerBound...(range.upperBound - 1), dimension: d)
      return Self.clamped(r.lowerBound, r.upperBound + 1, inputRows)
    case .shifted(let p):
      return Self.clamped(range.lowerBound - p, range.upperBound, inputRows)
    case .scaled(let m, let n):
      return Self.clamped(range.lowerBound * m / n - 1, (range.upperBound * m + n - 1) / n + 1, inputRows)
    }
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

  /// The row axis of tensor `t` and its number of rows, when it can be cut into rows of whole
  /// bytes.
  public func rows(of t: TensorID) -> (axis: Int, count: Int)? {
    guard let shape = self[t].shape, let axis = Graph.rowAxis(rank: shape.count) else { return nil }
    let n = shape[axis]
    guard n >= 1, self[t].bytes % n == 0 else { return nil }
    return (axis, n)
  }

  /// How operator `o` can be split into row tiles, or nil when it cannot (see ``RowMap``).
  public func rowMap(of o: OperatorID) -> RowMap? {
    let op = self[o]
    guard op.outputs.count == 1, let y = self[op.outputs[0]].shape, let (axis, rows) = self.rows(of: op.outputs[0]),
      rows >= 2
    else { return nil }
    let type = op.type.lowercased()
    let shapes = op.inputs.map { self[$0].shape }
    var deps: [RowMap.Dependence] = []
    if let window = slidingWindow(of: o) {
      guard axis >= 2, window.dimensions == y.count - 2, let x = shapes.first ?? nil, x.count == y.count,
        self.rows(of: op.inputs[0]) != nil
      else { return nil }
      deps = [.window(window, dimension: axis - 2)] + Array(repeating: .whole, count: op.inputs.count - 1)
      return RowMap(inputs: deps, rows: rows)
    }
    func sameRows(_ k: Int) -> Bool {
      guard let s = shapes[k], s.count == y.count, s[axis] == y[axis], self.rows(of: op.inputs[k]) != nil else { return false }
      return true
    }
    if Graph.elementwiseTypes.contains(type) {
      for (k, s) in shapes.enumerated() {
        guard let s else { return nil }
        if s == y, sameRows(k) {
          deps.append(.same)
        } else {
          // Broadcast: aligned from the right, the input has no rows of its own.
          let offset = y.count - s.count
          guard offset >= 0, axis < offset || s[axis - offset] == 1 else { return nil }
          deps.append(.whole)
        }
      }
    } else if Graph.concatenationTypes.contains(type) {
      for k in shapes.indices {
        guard sameRows(k) else { return nil }
        deps.append(.same)
      }
    } else if Graph.paddingTypes.contains(type) || Graph.resizeTypes.contains(type) {
      // One data input of the output's rank; padding amounts and scales are not needed.
      guard let x = shapes.first ?? nil, x.count == y.count, let (_, m) = self.rows(of: op.inputs[0]) else { return nil }
      if Graph.paddingTypes.contains(type) {
        guard m <= rows else { return nil }
        deps = [.shifted(rows - m)]
      } else {
        deps = [.scaled(input: m, output: rows)]
      }
      deps += Array(repeating: .whole, count: op.inputs.count - 1)
    } else if Graph.matrixProductTypes.contains(type) || Graph.attentionTypes.contains(type) {
      // Rows are the second-to-last axis of the output: M of [..., M, N].
      guard axis == y.count - 2, let x = shapes.first ?? nil, x.count == y.count, x.dropLast() == y.dropLast(),
        sameRows(0)
      else { return nil }
      deps = [.same] + Array(repeating: .whole, count: op.inputs.count - 1)
    } else {
      return nil
    }
    return RowMap(inputs: deps, rows: rows)
  }
}
