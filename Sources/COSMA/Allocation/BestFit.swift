/// The buffers' lifetimes indexed by their distinct start times, built once per set of buffers
/// and shared by every greedy pass over it (squeaky wheel runs hundreds).
///
/// The placed buffers that overlap a buffer in time are those alive when it starts and those
/// that start during its life. Both are kept per start time in flat arrays whose room is known
/// before the pass (every buffer's start times are), so a pass appends without reallocating.
struct LifetimeIndex: Sendable {
  /// Per buffer, its first start time's index, and the index past the start times in its life:
  /// the start times in `[lower, upper)` are `first..<last`.
  let first: [Int32]
  let last: [Int32]
  /// Per start time, where its alive list begins in the flat array (one more entry: the total).
  let aliveBase: [Int]
  /// Per start time, where its list of buffers starting then begins.
  let startingBase: [Int]

  var startTimes: Int { aliveBase.count - 1 }

  init(_ buffers: [Buffer]) {
    let starts = Array(Set(buffers.map(\.lower))).sorted()
    func index(_ t: Int) -> Int {  // the first start time >= t
      var lo = 0
      var hi = starts.count
      while lo < hi {
        let mid = (lo + hi) / 2
        if starts[mid] < t { lo = mid + 1 } else { hi = mid }
      }
      return lo
    }
    var first = [Int32](repeating: 0, count: buffers.count)
    var last = [Int32](repeating: 0, count: buffers.count)
    var aliveCount = [Int](repeating: 0, count: starts.count + 1)  // a difference array, then counts
    var startingCount = [Int](repeating: 0, count: starts.count)
    for (i, b) in buffers.enumerated() {
      let f = index(b.lower)
      let l = index(b.upper)
      first[i] = Int32(f)
      last[i] = Int32(l)
      aliveCount[f] += 1
      aliveCount[l] -= 1
      startingCount[f] += 1
    }
    var aliveBase = [Int](repeating: 0, count: starts.count + 1)
    var startingBase = [Int](repeating: 0, count: starts.count + 1)
    var alive = 0
    for k in 0..<starts.count {
      alive += aliveCount[k]
      aliveBase[k + 1] = aliveBase[k] + alive
      startingBase[k + 1] = startingBase[k] + startingCount[k]
    }
    self.first = first
    self.last = last
    self.aliveBase = aliveBase
    self.startingBase = startingBase
  }
}

extension OffsetAllocator {
  /// TFLite's greedy by size: each buffer in the smallest gap among the placed buffers that
  /// overlap it in time.
  ///
  /// A query costs what it returns plus the starts within the buffer's life, not the number of
  /// buffers (a million network-shaped buffers: about a second a pass, where nested arrays took
  /// five and a scan of all placed buffers would take hours).
  ///
  /// `lowest` places each buffer in the lowest gap that fits instead (first fit), which packs
  /// some large instances tighter. `index` is `LifetimeIndex(buffers)`, built here if not given.
  func bestFit(_ buffers: [Buffer], order: [Int], end: ByteCount, lowest: Bool = false, index: LifetimeIndex? = nil) -> [ByteCount]? {
    var placed = 0
    return bestFit(buffers, order: order, end: end, lowest: lowest, index: index, placed: &placed)
  }

  /// The same, counting in `placed` the buffers placed before it stopped (all of them when it
  /// returns offsets): how much of a whole pass a failed one took.
  func bestFit(
    _ buffers: [Buffer], order: [Int], end: ByteCount, lowest: Bool = false, index: LifetimeIndex? = nil, placed: inout Int
  ) -> [ByteCount]? {
    let index = index ?? LifetimeIndex(buffers)
    var offsets = [ByteCount](repeating: -1, count: buffers.count)
    var alive = [Int32](repeating: 0, count: index.aliveBase[index.startTimes])
    var aliveCount = [Int](repeating: 0, count: index.startTimes)
    var starting = [Int32](repeating: 0, count: buffers.count)
    var startingCount = [Int](repeating: 0, count: index.startTimes)
    var neighbours: [(lo: ByteCount, hi: ByteCount)] = []
    var scratch: [(lo: ByteCount, hi: ByteCount)] = []
    let done = alive.withUnsafeMutableBufferPointer { alive in
      starting.withUnsafeMutableBufferPointer { starting in
        for i in order {
          let size = buffers[i].size
          let first = Int(index.first[i])
          let last = Int(index.last[i])
          neighbours.removeAll(keepingCapacity: true)
          let base = index.aliveBase[first]
          for j in alive[base..<(base + aliveCount[first])] {
            let o = offsets[Int(j)]
            neighbours.append((o, o + buffers[Int(j)].size))
          }
          if first + 1 < last {
            for k in (first + 1)..<last {
              let base = index.startingBase[k]
              for j in starting[base..<(base + startingCount[k])] {
                let o = offsets[Int(j)]
                neighbours.append((o, o + buffers[Int(j)].size))
              }
            }
          }
          sortByStart(&neighbours, scratch: &scratch)
          guard
            let offset = lowest
              ? lowestGap(of: size, among: neighbours, below: end) : smallestGap(of: size, among: neighbours, below: end)
          else { return false }
          placed += 1
          offsets[i] = offset
          starting[index.startingBase[first] + startingCount[first]] = Int32(i)
          startingCount[first] += 1
          for k in first..<last {
            alive[index.aliveBase[k] + aliveCount[k]] = Int32(i)
            aliveCount[k] += 1
          }
        }
        return true
      }
    }
    return done ? offsets : nil
  }

  /// The start of the lowest free gap of at least `size` bytes below `end`, among occupied
  /// ranges sorted by `lo`: first fit.
  func lowestGap(of size: ByteCount, among occupied: [(lo: ByteCount, hi: ByteCount)], below end: ByteCount) -> ByteCount? {
    var cursor = 0
    for r in occupied {
      if r.lo - cursor >= size { return cursor }
      cursor = max(cursor, r.hi)
    }
    return end - cursor >= size ? cursor : nil
  }
}
