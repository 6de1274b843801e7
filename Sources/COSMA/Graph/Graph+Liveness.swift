/// No-spill liveness of a schedule: each tensor resident from its production (or, for inputs
/// and weights, its first use) to its last use. Used by budgets and the schedulers.
extension Graph {
  /// For every tensor, the `[first, last]` steps during which it is live under `schedule` with
  /// no spills, or nil when it takes no part (never read, or a weight kept external).
  public func liveIntervals(
    schedule: [OperatorID], weights: WeightsPlacement
  ) -> [ClosedRange<Step>?] {
    var position = [Step](repeating: -1, count: operators.count)
    for (s, o) in schedule.enumerated() { position[o.rawValue] = s }
    var live = [ClosedRange<Step>?](repeating: nil, count: tensors.count)
    for t in tensors.indices where isPlanned(TensorID(t), weights: weights) {
      var first = Int.max
      var last = Int.min
      if let p = producer[t] {
        first = position[p.rawValue]
        last = first
      }
      for c in consumers[t] {
        let s = position[c.rawValue]
        first = min(first, s)
        last = max(last, s)
      }
      if first <= last { live[t] = first...last }
    }
    return live
  }

  /// The peak of live bytes over the steps of `schedule` with no spills, and a step reaching it.
  public func peakLiveBytes(
    schedule: [OperatorID], weights: WeightsPlacement, size: (TensorID) -> ByteCount
  ) -> (bytes: ByteCount, step: Step) {
    let intervals = liveIntervals(schedule: schedule, weights: weights).enumerated().compactMap { t, range in
      range.map { (first: $0.lowerBound, last: $0.upperBound, bytes: size(TensorID(t))) }
    }
    var best = (bytes: 0, step: 0)
    for (s, live) in liveBytesPerStep(steps: schedule.count, intervals).enumerated() where live > best.bytes {
      best = (live, s)
    }
    return best
  }

  /// Whether `schedule` runs every operator once, each after the producers of its inputs.
  public func isTopologicalOrder(_ schedule: [OperatorID]) -> Bool {
    guard schedule.count == operators.count else { return false }
    var position = [Int](repeating: -1, count: operators.count)
    for (s, o) in schedule.enumerated() {
      guard operators.indices.contains(o.rawValue), position[o.rawValue] < 0 else { return false }
      position[o.rawValue] = s
    }
    for o in operators.indices {
      for p in predecessors[o] where position[p.rawValue] > position[o] { return false }
    }
    return true
  }
}
