extension PlanningProblem {
  /// What each operator's own outputs force at their first reader, for the operators that
  /// ``fullOperatorBound`` may add it to: those that read no activation (a transformer's weight
  /// splits), so that no tensor they write lies on a path between other operators.
  ///
  /// Take such an operator `a` writing two or more parts, and `r`, the first reader of any of
  /// them to run. The parts `r` does not read are live there (their readers run later); when they
  /// exceed the room `r` leaves, one of them is out, so it was stored and is loaded again: at
  /// least the least of their costs (twice the bytes; once for a graph output). The least over
  /// every reader `r` is `a`'s part transfer, 0 when some reader reads every part or leaves room
  /// for the others. Parts of different operators differ, so these transfers add up. A
  /// cross-attention's split of its input projection, with weights outside the scratchpad, is
  /// the case: beside the key and value projection (on the encoder's output) there is no room
  /// for the query part, and beside the query projection none for the key and value part.
  ///
  /// - Returns: the part transfer of each operator, by operator.
  func partTransfers(room: [ByteCount]) -> [ByteCount] {
    let g = graph
    let inside = partsHeldInPlace
    return g.operatorIDs.map { a in
      guard g[a].inputs.allSatisfy({ g.producer[$0.rawValue] == nil }) else { return 0 }
      let parts = g[a].outputs.filter { isPlanned($0) && !g.consumers[$0.rawValue].isEmpty }
      guard parts.count >= 2, !parts.contains(where: inside.contains) else { return 0 }
      var least = ByteCount.max
      for r in Set(parts.flatMap { g.consumers[$0.rawValue] }) {
        let unread = parts.filter { !g[r].inputs.contains($0) }
        guard !unread.isEmpty, room[r.rawValue] < unread.reduce(0, { $0 + size($1) }) else { return 0 }
        least = min(least, unread.map { g[$0].kind == .output ? g[$0].bytes : 2 * g[$0].bytes }.min()!)
      }
      return least == .max ? 0 : least
    }
  }
}
