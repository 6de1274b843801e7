extension PlanningProblem {
  /// The bounds that hold whatever the order and need no solver: the best of
  /// ``spillLowerBound``, ``fanReloadBound``, ``fullOperatorBound`` and
  /// ``fanReloadsWithFullOperators``.
  public var orderFreeLowerBound: ByteCount { max(spillLowerBound, fanReloadsWithFullOperators, fullOperatorBound) }

  /// A lower bound on the non-compulsory traffic of every plan, whatever the order: cheap enough
  /// for any graph size.
  ///
  /// When operator `o` runs, its working set is resident (less an output it may write over an
  /// input, SPEC §1), and so is every activation produced by
  /// an ancestor of `o` and read by a descendant of `o` (it is live across `o` in every order),
  /// unless it was spilled: stored and later reloaded, two non-compulsory transfers of its bytes.
  /// So if those activations and the working set exceed the capacity at some `o`, the excess must
  /// be spilled. The cheapest spill set covering the excess is bounded below by its fractional
  /// relaxation (sizes in the scratchpad are aligned, traffic counts raw bytes) and by its
  /// smallest possible member. The bound is the largest over operators.
  ///
  /// Graphs of more than ``Reachability/maximumOperators`` operators get 0 (the ancestor sets
  /// would not fit in memory).
  ///
  /// - Complexity: O(n² / 64) memory, and O(a · r · n / 64) time for n operators and a
  ///   activations of r readers each, plus the pairs (activation, operator it is live across).
  public var spillLowerBound: ByteCount {
    let g = graph
    guard g.operators.count <= Reachability.maximumOperators else { return 0 }
    let reach = Reachability(graph: g)
    // A split's or a fused pad's output may lie in its input's range, and a concatenation's input
    // in its output's, counted there when that host is resident: counting both could count one
    // range twice, so such parts count nothing, and the operator that holds them in place saves
    // nothing more.
    let inside = partsHeldInPlace
    let size = inside.isEmpty ? self.size : { (t: TensorID) in inside.contains(t) ? 0 : self.size(t) }
    let spillable = g.tensorIDs.filter { t in
      g[t].kind == .activation && isPlanned(t) && g.producer[t.rawValue] != nil && !g.consumers[t.rawValue].isEmpty
    }
    // The operators `t` is live across: descendants of its producer that are ancestors of one of
    // its readers, less the readers themselves (there `t` is in the working set). One pass of
    // bit sets per activation, not one test per operator and activation.
    let n = g.operators.count
    let words = (n + 63) / 64
    var across = [[TensorID]](repeating: [], count: n)
    var mask = [UInt64](repeating: 0, count: words)
    for t in spillable {
      let readers = g.consumers[t.rawValue]
      for w in 0..<words { mask[w] = 0 }
      for c in readers { for w in 0..<words { mask[w] |= reach.ancestors[c.rawValue][w] } }
      let below = reach.descendants[g.producer[t.rawValue]!.rawValue]
      for w in 0..<words { mask[w] &= below[w] }
      for c in readers { mask[c.rawValue / 64] &= ~(1 << UInt64(c.rawValue % 64)) }
      for w in 0..<words where mask[w] != 0 {
        var bits = mask[w]
        while bits != 0 {
          across[w * 64 + bits.trailingZeroBitCount].append(t)
          bits &= bits - 1
        }
      }
    }
    let footprint = orderFreeWorkingSets
    var best = 0
    for o in g.operatorIDs {
      var across = across[o.rawValue]
      var excess = footprint[o.rawValue] + across.reduce(0) { $0 + size($1) } - capacity
      guard excess > 0 else { continue }
      // Fractional cover of the excess, cheapest raw bytes per aligned byte first.
      if !inside.isEmpty { across.removeAll { size($0) == 0 } }
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

  /// The parts of in-place memory (a split's or fused pad's outputs, a concatenation's inputs):
  /// counted where their host is resident, so the order-free bounds count them as nothing.
  var partsHeldInPlace: Set<TensorID> {
    var inside = Set<TensorID>()
    for r in readsInPlace { inside.formUnion(r.parts.map(\.output)) }
    for c in concatsInPlace.values { inside.formUnion(c.parts.map(\.input)) }
    return inside
  }

  /// Each operator's working set for the order-free bounds: aligned sizes, the parts held in
  /// place counting nothing, less what in-place memory may save.
  var orderFreeWorkingSets: [ByteCount] {
    let inside = partsHeldInPlace
    return graph.operatorIDs.map { o in
      Set(graph.workingSet(of: o, weights: weights)).filter(isPlanned).reduce(0) { $0 + (inside.contains($1) ? 0 : size($1)) }
        - orderFreeSaving(of: o)
    }
  }

  /// What `o` may save by writing its output over an input, for the order-free bounds: nothing
  /// for the operators whose parts already count as nothing (``partsHeldInPlace``).
  func orderFreeSaving(of o: OperatorID) -> ByteCount {
    splitsInPlace[o] != nil || padViews[o] != nil || concatsInPlace[o] != nil ? 0 : inPlaceSaving(of: o)
  }
}
