/// The start of the smallest free gap of at least `size` bytes below `end`, among occupied
/// ranges `[lo, hi)` sorted by `lo` (they may overlap): the best-fit rule of the baselines'
/// online allocator and of TFLite's greedy by size. Nil when no gap is large enough.
///
/// - Complexity: O(n) for n ranges.
func smallestGap<Ranges: Sequence>(
  of size: ByteCount, among occupied: Ranges, below end: ByteCount
) -> ByteCount? where Ranges.Element == (lo: ByteCount, hi: ByteCount) {
  var best: (gap: Int, offset: Int)?
  var cursor = 0
  func consider(_ lo: ByteCount) {
    let gap = lo - cursor
    if gap >= size, best == nil || gap < best!.gap { best = (gap, cursor) }
  }
  for r in occupied {
    consider(r.lo)
    cursor = max(cursor, r.hi)
  }
  consider(end)
  return best?.offset
}

/// Sorts occupied ranges by their start without allocating once `scratch` has grown: a radix
/// sort on 10 bits at a time for long lists whose starts are below 2^30, an unstable quicksort
/// (insertion sort below 17 ranges) otherwise. The gap searches only need starts in order. The
/// greedy allocator sorts the neighbours of every buffer it places, and the standard library's
/// stable sort, with its merge buffer, took a quarter of a pass on 100,000 buffers; a buffer
/// that lives long has thousands of neighbours.
func sortByStart(_ ranges: inout [(lo: ByteCount, hi: ByteCount)], scratch: inout [(lo: ByteCount, hi: ByteCount)]) {
  let n = ranges.count
  if n > 256, let top = ranges.lazy.map(\.lo).max(), top < 1 << 30, ranges.allSatisfy({ $0.lo >= 0 }) {
    if scratch.count < n { scratch = Array(repeating: (0, 0), count: n) }
    var counts = [Int](repeating: 0, count: 1025)
    var shift = 0
    ranges.withUnsafeMutableBufferPointer { a in
      scratch.withUnsafeMutableBufferPointer { b in
        var (from, to) = (a, b)
        while shift < 30, top >> shift > 0 {
          for i in 0..<1025 { counts[i] = 0 }
          for i in 0..<n { counts[((from[i].lo >> shift) & 1023) + 1] += 1 }
          for i in 1..<1025 { counts[i] += counts[i - 1] }
          for i in 0..<n {
            let d = (from[i].lo >> shift) & 1023
            to[counts[d]] = from[i]
            counts[d] += 1
          }
          swap(&from, &to)
          shift += 10
        }
        // An odd number of passes leaves the result in the scratch buffer.
        if from.baseAddress != a.baseAddress { for i in 0..<n { a[i] = from[i] } }
      }
    }
    return
  }
  ranges.withUnsafeMutableBufferPointer { a in
    func insertion(_ lo: Int, _ hi: Int) {
      guard hi - lo > 1 else { return }
      for i in (lo + 1)..<hi {
        let x = a[i]
        var j = i
        while j > lo, a[j - 1].lo > x.lo {
          a[j] = a[j - 1]
          j -= 1
        }
        a[j] = x
      }
    }
    var stack: [(Int, Int)] = []
    var (lo, hi) = (0, a.count)
    while true {
      while hi - lo > 16 {
        // Median of three as the pivot, then a Hoare partition.
        let mid = lo + (hi - lo) / 2
        if a[mid].lo < a[lo].lo { a.swapAt(mid, lo) }
        if a[hi - 1].lo < a[lo].lo { a.swapAt(hi - 1, lo) }
        if a[hi - 1].lo < a[mid].lo { a.swapAt(hi - 1, mid) }
        let pivot = a[mid].lo
        var i = lo, j = hi - 1
        while i <= j {
          while a[i].lo < pivot { i += 1 }
          while a[j].lo > pivot { j -= 1 }
          if i <= j {
            a.swapAt(i, j)
            i += 1
            j -= 1
          }
        }
        // The smaller side later, the larger now: the stack stays logarithmic.
        if j + 1 - lo < hi - i {
          stack.append((lo, j + 1))
          lo = i
        } else {
          stack.append((i, hi))
          hi = j + 1
        }
      }
      insertion(lo, hi)
      guard let next = stack.popLast() else { break }
      (lo, hi) = next
    }
  }
}
