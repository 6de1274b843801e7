extension PlanningProblem {
  /// `schedule`, changed as little as possible so that every operator that fits only written in
  /// place (``requiredInPlace``) runs after the other readers of the input it overwrites: a
  /// topological order that takes the operators in `schedule`'s order whenever it can.
  func admissibleOrder(_ schedule: [OperatorID]) -> [OperatorID] {
    guard !requiredInPlace.isEmpty else { return schedule }
    let g = graph
    var successors = g.successors
    for (o, writes) in requiredInPlace.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
      guard let w = writes.first else { continue }
      for c in g.consumers[w.input.rawValue] where c != o && !g.predecessors[o.rawValue].contains(c) {
        successors[c.rawValue].append(o)
      }
    }
    return g.topologicalOrder(closestTo: schedule, successors: successors) ?? schedule
  }
}
