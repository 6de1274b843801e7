/// Where a slice tensor of a tiled graph lies in the tensor it was cut from (SPEC §2, `slice`).
public struct TensorSlice: Sendable, Equatable {
  /// The name of the whole tensor, which the tiled graph no longer has.
  public var of: String
  /// The half-open range `[start, end)` it covers along each dimension of the whole tensor.
  public var region: [Range<Int>]

  public init(of: String, region: [Range<Int>]) {
    self.of = of
    self.region = region
  }

  /// The number of elements of the region.
  public var volume: Int { region.reduce(1) { $0 * $1.count } }

  /// The first rule it breaks for a tensor of this shape, or nil.
  func problem(shape: [Int]?) -> String? {
    if of.isEmpty { return "slice names no tensor ('of' is empty)" }
    if region.isEmpty { return "slice region has no dimension" }
    for (i, r) in region.enumerated() where r.lowerBound < 0 || r.isEmpty || r.upperBound > 1 << 50 {
      return "slice region [\(r.lowerBound), \(r.upperBound)] of dimension \(i) must have 0 <= start < end <= 2^50"
    }
    if let shape {
      if shape.count != region.count {
        return "slice region has \(region.count) dimensions, the shape \(shape.count)"
      }
      for (i, r) in region.enumerated() where r.count != shape[i] {
        return "slice region [\(r.lowerBound), \(r.upperBound)] of dimension \(i) does not match the shape's \(shape[i])"
      }
    }
    return nil
  }
}

/// A partial sum of a tiled graph (SPEC §2, `partial`): what the first `step + 1` of the
/// `steps` tiles of a chain that splits an operator's reduction (a convolution's input channels,
/// a matrix product's contracted features) have accumulated for one region of its output. Tile
/// `j` of the chain reads the partial of step `j − 1` and writes that of step `j`; the last
/// writes the output itself. Partials hold ``accumulatorBytes(elementBytes:)`` per element.
public struct TensorPartial: Sendable, Equatable {
  /// The name of the output tensor being accumulated.
  public var of: String
  /// The region of that tensor it holds, `[start, end)` per dimension.
  public var region: [Range<Int>]
  /// The tiles accumulated so far, less one: 0 for the first tile's partial.
  public var step: Int
  /// The tiles of the chain, the last of which writes the output (at least 2).
  public var steps: Int

  public init(of: String, region: [Range<Int>], step: Int, steps: Int) {
    self.of = of
    self.region = region
    self.step = step
    self.steps = steps
  }

  /// The number of elements of the region.
  public var volume: Int { region.reduce(1) { $0 * $1.count } }

  /// The bytes per element of a partial sum of a tensor of `elementBytes` bytes per element:
  /// 32-bit accumulators (int32 for integer data, float32 for floating point), or the data's own
  /// size when that is larger.
  public static func accumulatorBytes(elementBytes: Int) -> Int { max(4, elementBytes) }

  /// The first rule it breaks for a tensor of this shape, or nil.
  func problem(shape: [Int]?) -> String? {
    if of.isEmpty { return "partial names no tensor ('of' is empty)" }
    if region.isEmpty { return "partial region has no dimension" }
    for (i, r) in region.enumerated() where r.lowerBound < 0 || r.isEmpty || r.upperBound > 1 << 50 {
      return "partial region [\(r.lowerBound), \(r.upperBound)] of dimension \(i) must have 0 <= start < end <= 2^50"
    }
    if steps < 2 || steps > 1 << 20 { return "partial steps must be between 2 and 2^20, got \(steps)" }
    if step < 0 || step >= steps - 1 { return "partial step must be between 0 and \(steps - 2), got \(step)" }
    if let shape {
      if shape.count != region.count { return "partial region has \(region.count) dimensions, the shape \(shape.count)" }
      for (i, r) in region.enumerated() where r.count != shape[i] {
        return "partial region [\(r.lowerBound), \(r.upperBound)] of dimension \(i) does not match the shape's \(shape[i])"
      }
    }
    return nil
  }
}

/// Which operator a tile operator of a tiled graph is a part of (SPEC §2, `tile`).
public struct OperatorTile: Sendable, Equatable {
  /// The name of the whole operator, which the tiled graph no longer has.
  public var of: String
  /// Its position among the tiles, from 0.
  public var index: Int
  /// How many tiles the whole operator was split into.
  public var count: Int

  public init(of: String, index: Int, count: Int) {
    self.of = of
    self.index = index
    self.count = count
  }

  /// The first rule it breaks, or nil.
  var problem: String? {
    if of.isEmpty { return "tile names no operator ('of' is empty)" }
    if count < 1 || count > 1 << 30 { return "tile count must be between 1 and 2^30, got \(count)" }
    if index < 0 || index >= count { return "tile index must be between 0 and \(count - 1), got \(index)" }
    return nil
  }
}

extension Graph {
  /// Whether the graph is a tiled graph: some tensor is a slice or some operator a tile.
  public var isTiled: Bool {
    tensors.contains { $0.slice != nil || $0.partial != nil } || operators.contains { $0.tile != nil }
  }
}
