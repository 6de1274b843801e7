/// What an operator computes, as far as splitting it into tiles needs to know (SPEC §2,
/// `attributes`): the sliding window of a convolution or a pooling, and the contracted axes of a
/// matrix product.
///
/// Spatial dimensions are the trailing dimensions of the operator's first input and first output
/// (`N, C, H, W` for 2-D), as in ONNX and PyTorch. With `kernel` given, an absent `strides`,
/// `pads` or `dilations` takes ONNX's default (1, 0, 1) and an absent `groups` is 1.
public struct OperatorAttributes: Sendable, Equatable {
  /// Window size per spatial dimension.
  public var kernel: [Int]?
  /// Step per spatial dimension.
  public var strides: [Int]?
  /// Padding at the start of each spatial dimension, then at its end (ONNX's order).
  public var pads: [Int]?
  /// Spacing of the window's taps per spatial dimension.
  public var dilations: [Int]?
  /// Channel groups of a convolution (the channels count for a depthwise one).
  public var groups: Int?
  /// Whether the output size rounds up (a pooling's `ceil_mode`).
  public var ceilMode: Bool?
  /// The axis each of the first two inputs contracts, for a matrix product (`[1, 0]` for
  /// `A[M, K] × B[K, N]`).
  public var contract: [Int]?
  /// The axis of its first input a softmax or log-softmax normalizes over (ONNX's `axis` from
  /// opset 13, counted from 0).
  public var axis: Int?
  /// The query heads of an attention operator whose queries, keys and values are `B, S, F`
  /// (each head a block of the features; ONNX's `q_num_heads`).
  public var heads: Int?
  /// Its key and value heads (ONNX's `kv_num_heads`; fewer than ``heads`` for grouped-query
  /// attention, each shared by `heads / kvHeads` query heads). Absent: as many as ``heads``.
  public var kvHeads: Int?

  public init(
    kernel: [Int]? = nil, strides: [Int]? = nil, pads: [Int]? = nil, dilations: [Int]? = nil, groups: Int? = nil,
    ceilMode: Bool? = nil, contract: [Int]? = nil, axis: Int? = nil, heads: Int? = nil, kvHeads: Int? = nil
  ) {
    self.kernel = kernel
    self.strides = strides
    self.pads = pads
    self.dilations = dilations
    self.groups = groups
    self.ceilMode = ceilMode
    self.contract = contract
    self.axis = axis
    self.heads = heads
    self.kvHeads = kvHeads
  }

  /// Whether no field is set.
  public var isEmpty: Bool { self == OperatorAttributes() }

  /// The first rule the attributes break for an operator with these input ranks (nil when a
  /// shape is unknown), or nil when they are well formed.
  func problem(inputRanks: [Int?]) -> String? {
    let spatial = kernel?.count ?? strides?.count ?? dilations?.count ?? pads.map { $0.count / 2 }
    if let spatial {
      if spatial == 0 { return "kernel, strides, pads and dilations need at least one spatial dimension" }
      for (key, values) in [("kernel", kernel), ("strides", strides), ("dilations", dilations)] {
        guard let values else { continue }
        if values.count != spatial { return "\(key) has \(values.count) values, expected \(spatial)" }
        if let v = values.first(where: { $0 <= 0 || $0 > 1 << 20 }) { return "\(key) must be between 1 and 1048576, got \(v)" }
      }
      if let pads {
        if pads.count != 2 * spatial { return "pads has \(pads.count) values, expected \(2 * spatial) (start and end per dimension)" }
        if let v = pads.first(where: { $0 < 0 || $0 > 1 << 20 }) { return "pads must be between 0 and 1048576, got \(v)" }
      }
      if let rank = inputRanks.first ?? nil, rank < spatial + 2 {
        return "\(spatial) spatial dimensions need an input of rank at least \(spatial + 2), got \(rank)"
      }
    }
    if let groups, groups <= 0 || groups > 1 << 20 { return "groups must be between 1 and 1048576, got \(groups)" }
    if let contract {
      if contract.count > inputRanks.count { return "contract names \(contract.count) inputs, the operator has \(inputRanks.count)" }
      for (k, axis) in contract.enumerated() {
        if axis < 0 { return "contract[\(k)] must not be negative, got \(axis)" }
        if let rank = inputRanks[k], axis >= rank { return "contract[\(k)] is axis \(axis) of an input of rank \(rank)" }
      }
    }
    if let axis {
      if axis < 0 { return "axis must not be negative, got \(axis)" }
      if let rank = inputRanks.first ?? nil, axis >= rank { return "axis \(axis) is beyond an input of rank \(rank)" }
    }
    for (key, value) in [("heads", heads), ("kvHeads", kvHeads)] {
      if let value, value <= 0 || value > 1 << 20 { return "\(key) must be between 1 and 1048576, got \(value)" }
    }
    if kvHeads != nil, heads == nil { return "kvHeads needs heads" }
    if let heads, let kvHeads, heads % kvHeads != 0 {
      return "heads (\(heads)) must be a multiple of kvHeads (\(kvHeads))"
    }
    return nil
  }
}
