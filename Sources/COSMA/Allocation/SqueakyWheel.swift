/// Improves a greedy placement by "squeaky wheel" optimization (Joslin and Clements 1999): the
/// buffers that end above a target height are blamed, blamed buffers move ahead in the greedy
/// order in proportion to their blame, and the greedy placement runs again; the best placement
/// is kept.
///
/// A greedy allocator places each buffer in the best gap the earlier ones left, so the buffers
/// that end on top are those placed too late to find room: moving them ahead is what a person
/// would try. Each pass is one greedy placement, O(n log n), so it scales to instances far beyond
/// the exact search (a pass over 100,000 buffers takes about a fifth of a second).
struct SqueakyWheel {
  /// Sizes already rounded up to the allocator's alignment.
  let buffers: [Buffer]
  /// No placement is lower: passes stop when one reaches it.
  let floor: ByteCount

  /// The best placement found from `order` (the greedy order that gave `start`, in `passTime`)
  /// before `deadline`, or in at most `maxPasses` passes, stopping after `patience` passes in a
  /// row that improve nothing. A pass starts only if it would end before the deadline.
  func improve(
    start: (extent: ByteCount, offsets: [ByteCount]), order: [Int], lowest: Bool, allocator: OffsetAllocator,
    lifetimes: LifetimeIndex, passTime: Duration, deadline: ContinuousClock.Instant?, maxPasses: Int = 1_000, patience: Int = 60
  ) -> (extent: ByteCount, offsets: [ByteCount]) {
    var best = start
    let n = buffers.count
    guard n > 1, best.extent > floor else { return best }
    // A unit of blame moves a buffer a quarter of the order ahead (measured on network-shaped
    // instances of 10,000 buffers: a sixteenth moved too little, a whole order too much).
    var blame = [Double](repeating: 0, count: n)
    var rank = [Int](repeating: 0, count: n)
    for (position, i) in order.enumerated() { rank[i] = position }
    var current = best
    var idle = 0
    var slowest = passTime
    for _ in 0..<maxPasses {
      if let deadline, ContinuousClock.now + slowest > deadline { break }
      let started = ContinuousClock.now
      // Blame the buffers above the target, four fifths of the way from the floor to the
      // current height: the buffers on top, in proportion to their size.
      let target = floor + (current.extent - floor) / 5 * 4
      var blamed = false
      for i in 0..<n where current.offsets[i] + buffers[i].size > target {
        blame[i] += Double(buffers[i].size) / Double(max(1, current.extent - target))
        blamed = true
      }
      guard blamed else { break }
      let next = (0..<n).sorted { a, b in
        let pa = Double(rank[a]) - blame[a] * Double(n) / 4
        let pb = Double(rank[b]) - blame[b] * Double(n) / 4
        return pa != pb ? pa < pb : a < b
      }
      guard let offsets = allocator.bestFit(buffers, order: next, end: .max, lowest: lowest, index: lifetimes) else { break }
      let extent = allocator.extent(buffers, offsets)
      current = (extent, offsets)
      slowest = max(slowest, ContinuousClock.now - started)
      if extent < best.extent {
        best = current
        idle = 0
        if extent <= floor { break }
      } else {
        idle += 1
        if idle >= patience { break }
      }
    }
    return best
  }
}
