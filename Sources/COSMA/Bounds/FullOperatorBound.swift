extension PlanningProblem {
  /// A lower bound on the non-compulsory traffic of every plan, whatever the order, from
  /// operators that leave no room beside them: the argument that some tensor of the stream is
  /// live whenever such an operator runs.
  ///
  /// Take two operators `a` and `b`, `b` neither a descendant nor an ancestor of `a`, with a
  /// common descendant, and such that no tensor `a` or a descendant of `a` writes fits beside
  /// `b` (their working sets and it exceed the capacity). In an order where `b` runs after `a`, a
  /// path from `a` to a common descendant starts before `b` and ends after it, so one of its
  /// tensors, written at or after `a`, is live across `b`. It cannot be resident there, so it was
  /// stored and is loaded again: twice its bytes (once for a graph output, whose store is
  /// compulsory). Take the operators of a set `X` in the order a plan runs them: each one but
  /// the last pays this for the one after it, with a tensor written between the two, so the
  /// tensors differ and the payments add up. Each pays at least the least it pays before any
  /// successor it may have, so the bound is the sum of those least payments, less the largest
  /// (the last pays nothing).
  ///
  /// This is what a transformer's weight splits force: a split of the cross-attention weights
  /// may run anywhere, but wherever it runs after another one, a tensor of the decoder's stream
  /// (or of the attention that follows the other split) is live and has no room.
  ///
  /// `X` is every prefix of the operators ordered by the room they leave, up to
  /// ``fullOperatorCandidates`` of them; the bound is the best prefix. Sizes in the scratchpad
  /// are aligned and less what in-place memory may save (as in ``spillLowerBound``), traffic
  /// counts raw bytes.
  ///
  /// - Complexity: O(n + e) for the smallest tensors below each operator, and O(k · (n + e) +
  ///   k² · n / 64) for k candidates.
  public var fullOperatorBound: ByteCount {
    let g = graph
    let n = g.operators.count
    guard n >= 2 else { return 0 }
    let inside = partsHeldInPlace
    let limit = roundDown(capacity, to: alignment)
    let room = orderFreeWorkingSets.map { limit - $0 }
    // For each operator, the least a tensor it or a descendant writes (and some operator reads)
    // costs when spilled, and the least room it takes, in reverse topological order.
    var below = [(cost: ByteCount, size: ByteCount)](repeating: (.max, .max), count: n)
    for o in reverseTopologicalOrder {
      var least = below[o.rawValue]
      for t in g[o].outputs where isPlanned(t) && !g.consumers[t.rawValue].isEmpty {
        let bytes = g[t].bytes
        let cost = g[t].kind == .output ? bytes : 2 * bytes
        least = (min(least.cost, cost), min(least.size, inside.contains(t) ? 0 : size(t)))
      }
      for s in g.successors[o.rawValue] {
        least = (min(least.cost, below[s.rawValue].cost), min(least.size, below[s.rawValue].size))
      }
      below[o.rawValue] = least
    }
    // Only an operator that leaves less room than some operator's smallest tensor below can be
    // followed at a cost; the ones leaving the least room first.
    guard let widest = below.map(\.size).filter({ $0 < .max }).max() else { return 0 }
    let candidates = g.operatorIDs.filter { room[$0.rawValue] < widest }
      .sorted { (room[$0.rawValue], $0.rawValue) < (room[$1.rawValue], $1.rawValue) }
      .prefix(Self.fullOperatorCandidates)
    guard candidates.count >= 2 else { return 0 }
    let words = (n + 63) / 64
    let descendants = candidates.map { o -> [UInt64] in
      var bits = [UInt64](repeating: 0, count: words)
      var stack = g.successors[o.rawValue]
      while let s = stack.popLast() {
        let (w, b) = (s.rawValue / 64, UInt64(1) << UInt64(s.rawValue % 64))
        guard bits[w] & b == 0 else { continue }
        bits[w] |= b
        stack.append(contentsOf: g.successors[s.rawValue])
      }
      return bits
    }
    func isDescendant(_ d: OperatorID, of i: Int) -> Bool {
      descendants[i][d.rawValue / 64] & (UInt64(1) << UInt64(d.rawValue % 64)) != 0
    }
    // What candidate `i` pays when candidate `j` runs next, or nil when `j` cannot run after it.
    func payment(_ i: Int, then j: Int) -> ByteCount? {
      let (a, b) = (candidates[candidates.startIndex + i], candidates[candidates.startIndex + j])
      if isDescendant(a, of: j) { return nil }
      guard !isDescendant(b, of: i), room[b.rawValue] < below[a.rawValue].size,
        (0..<words).contains(where: { descendants[i][$0] & descendants[j][$0] != 0 })
      else { return 0 }
      return below[a.rawValue].cost
    }
    // The least payment of each candidate of the prefix so far before a successor in it.
    var least = [ByteCount?](repeating: nil, count: candidates.count)
    var best = 0
    for j in 1..<candidates.count {
      for i in 0..<j {
        if let p = payment(i, then: j) { least[i] = min(least[i] ?? .max, p) }
        if let p = payment(j, then: i) { least[j] = min(least[j] ?? .max, p) }
      }
      let paid = least.prefix(j + 1).map { $0 ?? 0 }
      best = max(best, paid.reduce(0, +) - (paid.max() ?? 0))
    }
    return best
  }

  /// The most operators ``fullOperatorBound`` compares pairwise.
  static let fullOperatorCandidates = 512

  /// The operators, each after all its descendants.
  var reverseTopologicalOrder: [OperatorID] {
    let g = graph
    var missing = g.successors.map(\.count)
    var ready = g.operatorIDs.filter { missing[$0.rawValue] == 0 }
    var order: [OperatorID] = []
    order.reserveCapacity(g.operators.count)
    while let o = ready.popLast() {
      order.append(o)
      for p in g.predecessors[o.rawValue] {
        missing[p.rawValue] -= 1
        if missing[p.rawValue] == 0 { ready.append(p) }
      }
    }
    return order
  }
}
