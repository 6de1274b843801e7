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
