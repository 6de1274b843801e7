/// The bytes live at each of `steps` steps, from closed intervals of steps `[first, last]` each
/// holding `bytes`: a difference array, then a running sum.
///
/// - Complexity: O(steps + intervals).
func liveBytesPerStep<Intervals: Sequence>(steps: Int, _ intervals: Intervals) -> [ByteCount]
where Intervals.Element == (first: Int, last: Int, bytes: ByteCount) {
  var delta = [ByteCount](repeating: 0, count: steps + 1)
  for i in intervals {
    delta[i.first] += i.bytes
    delta[i.last + 1] -= i.bytes
  }
  var live = [ByteCount](repeating: 0, count: steps)
  var running = 0
  for s in 0..<steps {
    running += delta[s]
    live[s] = running
  }
  return live
}
