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

/// What the allocator found.
public enum AllocationOutcome: Sendable, Equatable {
  /// Offsets, one per buffer in input order.
  case placed([ByteCount])
  /// Proven impossible, with the reason.
  case infeasible(String)
  /// The search stopped on its limit without an answer.
  case unknown
}

/// Places fixed-lifetime buffers at offsets inside a capacity, so that buffers live at the same
/// time never overlap: the offset allocation problem solved by TFLite, TVM, XLA and MiniMalloc.
///
/// First the greedy best-fit of TFLite (largest buffer first, in the smallest gap among the
/// buffers that overlap it in time), with a few orders. When all fail, an exact search over
/// canonical solutions: in a solution pushed down as far as it goes, every buffer sits at 0 or
/// on top of a buffer that overlaps it in time, so placing buffers in order of offset each at the
/// top of the placed buffers it overlaps enumerates every canonical solution (the idea of
/// MiniMalloc, Moffitt 2023). Branches are pruned when a buffer no longer fits and when a time
/// section's unplaced bytes exceed its free space.
public struct OffsetAllocator: Sendable {
  public var capacity: ByteCount
  public var alignment: Int
  /// How many search nodes the exact search may visit before giving up.
  public var nodeLimit: Int = 2_000_000
  /// How long the exact search may run before giving up (`nil`: no limit but the node limit).
  public var timeLimit: Duration? = nil

  public init(capacity: ByteCount, alignment: Int = 1) {
    self.capacity = capacity
    self.alignment = max(1, alignment)
  }

  public func allocate(_ buffers: [Buffer]) -> AllocationOutcome {
    if buffers.isEmpty { return .placed([]) }
    let sized = buffers.map { b -> Buffer in
      var c = b
      c.size = roundUp(b.size, to: alignment)
      return c
    }
    let end = roundDown(capacity, to: alignment)
    if let reason = Self.sectionOverflow(sized, capacity: end) { return .infeasible(reason) }
    for order in Self.greedyOrders(sized) {
      if let offsets = bestFit(sized, order: order, end: end) { return .placed(offsets) }
    }
    var search = CanonicalSearch(
      buffers: sized, end: end, nodeLimit: nodeLimit,
      deadline: timeLimit.map { ContinuousClock.now.advanced(by: $0) })
    return search.run()
  }

  /// The first time at which live bytes exceed the capacity, as a reason, if any.
  static func sectionOverflow(_ buffers: [Buffer], capacity: ByteCount) -> String? {
    var events: [(Int, Int)] = []
    for b in buffers {
      events.append((b.lower, b.size))
      events.append((b.upper, -b.size))
    }
    events.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
    var live = 0
    for (time, delta) in events {
      live += delta
      if live > capacity {
        return "at time \(time) the live buffers need \(live) bytes, more than the capacity \(capacity)"
      }
    }
    return nil
  }

  static func greedyOrders(_ b: [Buffer]) -> [[Int]] {
    let idx = Array(b.indices)
    return [
      idx.sorted { (b[$0].size, b[$0].upper - b[$0].lower, -$0) > (b[$1].size, b[$1].upper - b[$1].lower, -$1) },
      idx.sorted { (b[$0].upper - b[$0].lower, b[$0].size, -$0) > (b[$1].upper - b[$1].lower, b[$1].size, -$1) },
      idx.sorted { (b[$0].size * (b[$0].upper - b[$0].lower), -$0) > (b[$1].size * (b[$1].upper - b[$1].lower), -$1) },
      idx.sorted { ($0 == $1) ? false : (b[$0].lower, -b[$0].size, $0) < (b[$1].lower, -b[$1].size, $1) },
    ]
  }

  /// TFLite's greedy by size: each buffer in the smallest gap among the placed buffers that
  /// overlap it in time.
  func bestFit(_ buffers: [Buffer], order: [Int], end: ByteCount) -> [ByteCount]? {
    var offsets = [ByteCount](repeating: -1, count: buffers.count)
    var placed: [Int] = []
    for i in order {
      let b = buffers[i]
      let neighbours = placed.filter { buffers[$0].overlapsInTime(b) }
        .map { (offsets[$0], offsets[$0] + buffers[$0].size) }.sorted { $0.0 < $1.0 }
      var best: (gap: Int, offset: Int)?
      var cursor = 0
      for (lo, hi) in neighbours + [(end, end)] {
        let gap = lo - cursor
        if gap >= b.size, best == nil || gap < best!.gap { best = (gap, cursor) }
        cursor = max(cursor, hi)
      }
      guard let best else { return nil }
      offsets[i] = best.offset
      placed.append(i)
    }
    return offsets
  }
}

/// The exact search over canonical solutions (see ``OffsetAllocator``).
private struct CanonicalSearch {
  let buffers: [Buffer]
  let end: ByteCount
  let nodeLimit: Int
  let deadline: ContinuousClock.Instant?
  var offsets: [ByteCount]
  var placed: [Bool]
  var nodes = 0
  /// For each buffer, the buffers overlapping it in time.
  let neighbours: [[Int]]
  /// For each distinct time at which some buffer starts (a time section), the buffers live then.
  let sections: [[Int]]

  init(buffers: [Buffer], end: ByteCount, nodeLimit: Int, deadline: ContinuousClock.Instant?) {
    self.buffers = buffers
    self.end = end
    self.nodeLimit = nodeLimit
    self.deadline = deadline
    offsets = Array(repeating: 0, count: buffers.count)
    placed = Array(repeating: false, count: buffers.count)
    var nb = [[Int]](repeating: [], count: buffers.count)
    for i in buffers.indices {
      for j in buffers.indices where i != j && buffers[i].overlapsInTime(buffers[j]) { nb[i].append(j) }
    }
    neighbours = nb
    sections = Array(Set(buffers.map(\.lower))).sorted().map { t in
      buffers.indices.filter { buffers[$0].lower <= t && t < buffers[$0].upper }
    }
  }

  mutating func run() -> AllocationOutcome {
    switch place(count: 0, floor: 0) {
    case true?: return .placed(offsets)
    case false?: return .infeasible("no placement of the buffers fits in \(end) bytes (exhaustive search)")
    case nil: return .unknown
    }
  }

  /// The offset buffer `i` would take now: the top of the placed buffers it overlaps.
  func candidate(_ i: Int) -> ByteCount {
    var top = 0
    for j in neighbours[i] where placed[j] { top = max(top, offsets[j] + buffers[j].size) }
    return top
  }

  /// Places the remaining buffers at offsets ≥ `floor`. nil when the node limit is reached.
  mutating func place(count: Int, floor: ByteCount) -> Bool? {
    if count == buffers.count { return true }
    nodes += 1
    if nodes > nodeLimit { return nil }
    if let deadline, nodes % 256 == 0, ContinuousClock.now >= deadline { return nil }
    var options: [(offset: ByteCount, index: Int)] = []
    for i in buffers.indices where !placed[i] {
      let c = candidate(i)
      if c + buffers[i].size > end { return false }  // offsets only grow: it never fits
      // In canonical order offsets never decrease: a buffer resting below the floor belongs to
      // another branch, where it was placed earlier.
      if c >= floor { options.append((c, i)) }
    }
    if !sectionsFit(floor: floor) { return false }
    options.sort { ($0.offset, -buffers[$0.index].size, $0.index) < ($1.offset, -buffers[$1.index].size, $1.index) }
    for (offset, i) in options {
      placed[i] = true
      offsets[i] = offset
      let r = place(count: count + 1, floor: offset)
      if r != false { return r }
      placed[i] = false
    }
    return false
  }

  /// For each section, the unplaced bytes live there must fit between `floor` and the end,
  /// beside what placed buffers occupy above `floor`.
  func sectionsFit(floor: ByteCount) -> Bool {
    for members in sections {
      var need = 0
      var used = 0
      for i in members {
        let b = buffers[i]
        if placed[i] {
          let top = offsets[i] + b.size
          if top > floor { used += top - max(floor, offsets[i]) }
        } else {
          need += b.size
        }
      }
      if need + used > end - floor { return false }
    }
    return true
  }
}
