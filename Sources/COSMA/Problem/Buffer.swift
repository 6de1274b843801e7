/// A buffer with a fixed lifetime: the offset assignment problem's input (MiniMalloc's CSV rows).
public struct Buffer: Sendable, Equatable {
  public var id: Int
  /// First time the buffer is live.
  public var lower: Int
  /// One past the last time it is live (half-open `[lower, upper)`).
  public var upper: Int
  public var size: ByteCount

  public init(id: Int, lower: Int, upper: Int, size: ByteCount) {
    self.id = id
    self.lower = lower
    self.upper = upper
    self.size = size
  }

  /// Whether the two lifetimes share a time.
  @inline(__always)
  public func overlapsInTime(_ other: Buffer) -> Bool { lower < other.upper && other.lower < upper }
}
