/// Checks an offset assignment on its own terms: every buffer aligned, inside the capacity, and
/// disjoint in space from every buffer it overlaps in time.
///
/// Independent of the allocator: a plain pairwise sweep over start times, written from the
/// problem's definition. Returns one message per violation (empty when the assignment is valid).
public func allocationViolations(
  _ buffers: [Buffer], offsets: [ByteCount], capacity: ByteCount, alignment: Int = 1
) -> [String] {
  guard buffers.count == offsets.count else {
    return ["\(offsets.count) offsets for \(buffers.count) buffers"]
  }
  var found: [String] = []
  for (b, o) in zip(buffers, offsets) {
    if o < 0 || o % max(1, alignment) != 0 { found.append("buffer \(b.id): offset \(o) is not aligned to \(alignment)") }
    if o + b.size > capacity { found.append("buffer \(b.id): [\(o), \(o + b.size)) ends past the capacity \(capacity)") }
  }
  let order = buffers.indices.sorted { buffers[$0].lower < buffers[$1].lower }
  for (k, i) in order.enumerated() {
    for j in order[(k + 1)...] {
      if buffers[j].lower >= buffers[i].upper { break }
      let a = offsets[i]
      let b = offsets[j]
      if a < b + buffers[j].size && b < a + buffers[i].size {
        found.append("buffers \(buffers[i].id) and \(buffers[j].id) are live together and overlap in space")
      }
    }
  }
  return found
}
