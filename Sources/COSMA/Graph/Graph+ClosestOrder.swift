extension Graph {
  /// The topological order closest to `schedule` (each operator once): at each step, of the
  /// operators whose predecessors have all run, the one that comes first in `schedule`. The
  /// edges are `successors` (the graph's, or the graph's with more); nil when they leave a cycle.
  func topologicalOrder(closestTo schedule: [OperatorID], successors: [[OperatorID]]? = nil) -> [OperatorID]? {
    let successors = successors ?? self.successors
    var waiting = [Int](repeating: 0, count: operators.count)
    for list in successors { for s in list { waiting[s.rawValue] += 1 } }
    var position = [Int](repeating: 0, count: operators.count)
    for (p, o) in schedule.enumerated() { position[o.rawValue] = p }
    // Positions of the ready operators, largest first, so that the next is the last.
    var ready = operatorIDs.filter { waiting[$0.rawValue] == 0 }.map { position[$0.rawValue] }.sorted(by: >)
    var order: [OperatorID] = []
    order.reserveCapacity(schedule.count)
    while let p = ready.popLast() {
      let o = schedule[p]
      order.append(o)
      for s in successors[o.rawValue] {
        waiting[s.rawValue] -= 1
        guard waiting[s.rawValue] == 0 else { continue }
        let q = position[s.rawValue]
        var lo = 0
        var hi = ready.count
        while lo < hi {
          let mid = (lo + hi) / 2
          if ready[mid] > q { lo = mid + 1 } else { hi = mid }
        }
        ready.insert(q, at: lo)
      }
    }
    return order.count == schedule.count ? order : nil
  }
}
