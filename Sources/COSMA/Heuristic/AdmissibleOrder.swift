extension PlanningProblem {
  /// `schedule`, changed as little as possible so that every operator that fits only written in
  /// place (``requiredInPlace``) runs after the other readers of the input it overwrites: a
  /// topological order that takes the operators in `schedule`'s order whenever it can.
  func admissibleOrder(_ schedule: [OperatorID]) -> [OperatorID] {
    guard !requiredInPlace.isEmpty else { return schedule }
    let g = graph
    var successors = g.successors
    var waiting = g.operatorIDs.map { g.predecessors[$0.rawValue].count }
    for (o, writes) in requiredInPlace.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
      guard let w = writes.first else { continue }
      for c in g.consumers[w.input.rawValue] where c != o && !g.predecessors[o.rawValue].contains(c) {
        successors[c.rawValue].append(o)
        waiting[o.rawValue] += 1
      }
    }
    var position = [Int](repeating: 0, count: g.operators.count)
    for (s, o) in schedule.enumerated() { position[o.rawValue] = s }
    // Positions of the ready operators, largest first, so that the next is the last.
    var ready = g.operatorIDs.filter { waiting[$0.rawValue] == 0 }.map { position[$0.rawValue] }.sorted(by: >)
    var order: [OperatorID] = []
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
    return order.count == schedule.count ? order : schedule
  }
}
