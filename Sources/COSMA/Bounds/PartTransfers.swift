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

extension PlanningProblem {
  /// What a tensor read beside the parts of operators that read no activation forces beyond
  /// their part transfers (``partTransfers(room:)``), where those operators leave room for it or
  /// for a tensor of the stream but not for both (see ``fullOperatorBound``).
  ///
  /// Take a tensor `t`, not a part a transfer counts, read by `m ≥ 2` operators `r` each of
  /// which reads an output `z` of a different such operator `x`, every two readers with a common
  /// descendant (or one below the other). Take two reads of `t` in a row, by `r` then `r'`. If an
  /// `x` runs between them, `t` is live there, and so is a tensor on a path from `r` to a common
  /// descendant of `r` and `r'` (written at or after `r`, read after `r'`): when `x` leaves less
  /// room than the two, one is out, so `t` is loaded again in this interval (its bytes), or that
  /// tensor, written in this interval, is stored and reloaded (at least the least tensor below a
  /// reader costs). If no `x` runs between them, the `x` feeding both reads ran before the
  /// first, so at the later of the two the earlier one's part is live; when it has no room
  /// there, it is stored and reloaded, beyond what its operator's part transfer counts (twice
  /// its bytes less the transfer), and a part serves at most the two intervals beside its read.
  /// None of these tensors is a part another transfer counts: `x` reads no activation, so no
  /// descendant of a reader is one. So the `m − 1` intervals pay the least of the three each, and an activation `t` loaded again was stored once (its bytes). This is
  /// nn.Transformer's encoder output at `M_H` with weights outside the scratchpad, where a
  /// cross-attention split leaves room for one 64 KiB tensor and each split's query part moves
  /// for its transfer: the part the argument that ignores the transfers may count.
  ///
  /// At most ``crowdedReaders`` readers of a tensor count, and the descendants of at most
  /// ``crowdedOperators`` readers are compared.
  func crowdedReadsBesideTransfers(
    room: [ByteCount], below: [(cost: ByteCount, size: ByteCount)], transfers: [ByteCount]
  ) -> ByteCount {
    let g = graph
    let inside = partsHeldInPlace
    let words = (g.operators.count + 63) / 64
    func readsNoActivation(_ o: OperatorID) -> Bool { g[o].inputs.allSatisfy { g.producer[$0.rawValue] == nil } }
    var known: [OperatorID: [UInt64]] = [:]
    var best = 0
    for t in g.tensorIDs where isPlanned(t) && !inside.contains(t) && g.consumers[t.rawValue].count >= 2 {
      var feeding: [(r: OperatorID, x: OperatorID, z: TensorID)] = []
      for r in g.consumers[t.rawValue] where feeding.count < Self.crowdedReaders {
        let z = g[r].inputs.first { z in
          guard z != t, g[z].kind == .activation, isPlanned(z), !inside.contains(z), let x = g.producer[z.rawValue] else { return false }
          return readsNoActivation(x) && !g[x].inputs.contains(t) && !feeding.contains { $0.x == x }
        }
        if let z { feeding.append((r, g.producer[z.rawValue]!, z)) }
      }
      guard feeding.count >= 2 else { continue }
      if let p = g.producer[t.rawValue], transfers[p.rawValue] > 0 || feeding.contains(where: { $0.x == p }) { continue }
      let widest = feeding.map { room[$0.x.rawValue] }.max()!
      let stream = (cost: feeding.map { below[$0.r.rawValue].cost }.min()!, size: feeding.map { below[$0.r.rawValue].size }.min()!)
      // A reader with nothing written below it leaves no tensor of the stream to find.
      guard stream.size < .max else { continue }
      // What a part spilled pays each of the two intervals beside its read, beyond its transfer.
      let spilled = feeding.map { (2 * g[$0.z].bytes - transfers[$0.x.rawValue]) / 2 }.min()!
      let charge = min(g[t].bytes, stream.cost, spilled)
      let intervals = feeding.count - 1
      var bytes = charge * intervals
      if g[t].kind == .activation, g.producer[t.rawValue] != nil {
        bytes = min(bytes + g[t].bytes, min(stream.cost, spilled) * intervals)
      }
      guard charge > 0, bytes > best, widest < size(t) + stream.size, feeding.allSatisfy({ size($0.z) > widest }) else { continue }
      for f in feeding where known[f.r] == nil {
        guard known.count < Self.crowdedOperators else { return best }
        known[f.r] = descendantBits(of: f.r)
      }
      func isBelow(_ o: OperatorID, _ r: OperatorID) -> Bool {
        known[r]![o.rawValue / 64] & (UInt64(1) << UInt64(o.rawValue % 64)) != 0
      }
      let related = feeding.indices.allSatisfy { i in
        feeding.indices.allSatisfy { j in
          let (a, b) = (feeding[i].r, feeding[j].r)
          return i == j || isBelow(a, b) || isBelow(b, a) || (0..<words).contains { known[a]![$0] & known[b]![$0] != 0 }
        }
      }
      if related { best = bytes }
    }
    return best
  }
}
