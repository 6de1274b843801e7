extension PlanningProblem {
  /// A lower bound on the non-compulsory traffic of every plan, whatever the order: cheap enough
  /// for any graph size.
  ///
  /// When operator `o` runs, its working set is resident, and so is every activation produced by
  /// an ancestor of `o` and read by a descendant of `o` (it is live across `o` in every order),
  /// unless it was spilled: stored and later reloaded, two non-compulsory transfers of its bytes.
  /// So if those activations and the working set exceed the capacity at some `o`, the excess must
  /// be spilled. The cheapest spill set covering the excess is bounded below by its fractional
  /// relaxation (sizes in the scratchpad are aligned, traffic counts raw bytes) and by its
  /// smallest possible member. The bound is the largest over operators.
  public var spillLowerBound: ByteCount {
    let g = graph
    let n = g.operators.count
    let words = (n + 63) / 64
    // Ancestors and descendants as bit sets, over a topological order.
    var order: [Int] = []
    var missing = g.predecessors.map(\.count)
    var ready = (0..<n).filter { missing[$0] == 0 }
    while let o = ready.popLast() {
      order.append(o)
      for s in g.successors[o] {
        missing[s.rawValue] -= 1
        if missing[s.rawValue] == 0 { ready.append(s.rawValue) }
      }
    }
    var anc = [[UInt64]](repeating: [UInt64](repeating: 0, count: words), count: n)
    for o in order {
      for p in g.predecessors[o] {
        anc[o][p.rawValue / 64] |= 1 << UInt64(p.rawValue % 64)
        for w in 0..<words { anc[o][w] |= anc[p.rawValue][w] }
      }
    }
    var desc = [[UInt64]](repeating: [UInt64](repeating: 0, count: words), count: n)
    for o in order.reversed() {
      for s in g.successors[o] {
        desc[o][s.rawValue / 64] |= 1 << UInt64(s.rawValue % 64)
        for w in 0..<words { desc[o][w] |= desc[s.rawValue][w] }
      }
    }
    func has(_ bits: [UInt64], _ k: Int) -> Bool { bits[k / 64] & (1 << UInt64(k % 64)) != 0 }
    let spillable = g.tensorIDs.filter { t in
      g[t].kind == .activation && isPlanned(t) && g.producer[t.rawValue] != nil && !g.consumers[t.rawValue].isEmpty
    }
    var best = 0
    for o in g.operatorIDs {
      let working = Set(g.workingSet(of: o, weights: weights))
      var resident = working.reduce(0) { $0 + size($1) }
      var across: [TensorID] = []
      for t in spillable where !working.contains(t) {
        guard has(anc[o.rawValue], g.producer[t.rawValue]!.rawValue),
          g.consumers[t.rawValue].contains(where: { has(desc[o.rawValue], $0.rawValue) })
        else { continue }
        across.append(t)
        resident += size(t)
      }
      var excess = resident - capacity
      guard excess > 0 else { continue }
      // Fractional cover of the excess, cheapest raw bytes per aligned byte first.
      across.sort { Double(g[$0].bytes) / Double(size($0)) < Double(g[$1].bytes) / Double(size($1)) }
      var cost = 0.0
      for t in across where excess > 0 {
        let take = min(excess, size(t))
        cost += 2 * Double(g[t].bytes) * Double(take) / Double(size(t))
        excess -= take
      }
      // And a cover holds at least one whole tensor.
      let smallest = across.map { 2 * g[$0].bytes }.min() ?? 0
      best = max(best, Int(cost.rounded(.down)), smallest)
    }
    return best
  }
}
