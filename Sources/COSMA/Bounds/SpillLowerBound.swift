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
    let reach = Reachability(graph: g)
    let spillable = g.tensorIDs.filter { t in
      g[t].kind == .activation && isPlanned(t) && g.producer[t.rawValue] != nil && !g.consumers[t.rawValue].isEmpty
    }
    var best = 0
    for o in g.operatorIDs {
      let working = Set(g.workingSet(of: o, weights: weights))
      var resident = working.reduce(0) { $0 + size($1) }
      var across: [TensorID] = []
      for t in spillable where !working.contains(t) {
        guard reach.isAncestor(g.producer[t.rawValue]!.rawValue, of: o.rawValue),
          g.consumers[t.rawValue].contains(where: { reach.isDescendant($0.rawValue, of: o.rawValue) })
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
