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
  public var isTiled: Bool { tensors.contains { $0.slice != nil } || operators.contains { $0.tile != nil } }
}
