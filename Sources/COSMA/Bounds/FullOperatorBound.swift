extension PlanningProblem {
  /// A lower bound on the non-compulsory traffic of every plan, whatever the order, from
  /// operators that leave no room beside them: the argument that some tensor of the stream is
  /// live whenever such an operator runs.
  ///
  /// Take two operators `a` and `b`, `b` neither a descendant nor an ancestor of `a`, with a
  /// common descendant `d` (the first in a topological order), and such that no tensor on a path
  /// from `a` to `d` fits beside `b` (their working sets and it exceed the capacity). In an order
  /// where `b` runs after `a`, every such path starts before `b` and ends after it, so one of its
  /// tensors, written at or after `a`, is live across `b`. It cannot be resident there, so it was
  /// stored and is loaded again: twice its bytes (once for a graph output, whose store is
  /// compulsory), at least what the least tensor on those paths costs. Take the operators of a
  /// set `X` in the order a plan runs them: each one but the last pays this for the one after it,
  /// with a tensor written between the two, so the tensors differ and the payments add up. Each
  /// pays at least the least it pays before any successor it may have, so the bound is the sum
  /// of those least payments, less the largest (the last pays nothing).
  ///
  /// This is what a transformer's weight splits force: a split of the cross-attention weights
  /// may run anywhere, but wherever it runs after another one, a tensor of the decoder's stream
  /// (or of the attention that follows the other split) is live and has no room. And what the
  /// pads of NASNet-A's stem force: each fills the scratchpad, and wherever one runs after
  /// another, a tensor of the other's branch (289,338 B or more) waits for the addition or
  /// concatenation that joins them.
  ///
  /// An operator of `X` that reads no activation and whose parts have no room beside one another
  /// at their first reader adds its part transfer (``partTransfers(room:)``); its payment is
  /// then never that part: one of its other parts, or a tensor written after its first reader.
  /// Alone, the part transfers of all such operators add up too, and with them what a tensor
  /// read beside their parts forces (``crowdedReadsBesideTransfers(room:below:transfers:)``).
  ///
  /// A tensor read beside the outputs of `X` adds its own transfers (``sharedReads(full:room:below:charged:)``),
  /// and where the operators leave room for one tensor but not two, the intervals between such
  /// a tensor's reads pay instead (``crowdedReads(room:below:)``, the better of the two counts).
  ///
  /// `X` is every prefix of the operators ordered by the room they leave, up to
  /// ``fullOperatorCandidates`` of them (fewer on large graphs, ``fullOperatorWork``); the bound
  /// is the best prefix. The shared reads need the payments small beside the parts that pay for
  /// them, so the prefixes are also taken with the least tensor `a` or a descendant writes as
  /// `a`'s payment (no more than its paths'). Sizes in the scratchpad are aligned and less what
  /// in-place memory may save (as in ``spillLowerBound``), traffic counts raw bytes.
  ///
  /// - Complexity: O(n + e) for the smallest tensors below each operator, and O(k · (n + e) +
  ///   k² · n / 64) for k candidates (the least tensor on the paths from each, and the first
  ///   common descendant of each pair).
  public var fullOperatorBound: ByteCount { fullOperatorBound(free: []) }

  /// The same, where the tensors of `free` cost nothing: what the chain of full operators adds to
  /// a bound that counts those tensors (``fanReloadsWithFullOperators``). With tensors free,
  /// only the chain and the part transfers of operators none of whose parts is free count.
  func fullOperatorBound(free: Set<TensorID>) -> ByteCount {
    let g = graph
    let n = g.operators.count
    guard n >= 2 else { return 0 }
    let inside = partsHeldInPlace
    let limit = roundDown(capacity, to: alignment)
    let room = orderFreeWorkingSets.map { limit - $0 }
    // What each tensor costs when spilled, and the room it takes.
    func spill(_ t: TensorID) -> (cost: ByteCount, size: ByteCount) {
      guard isPlanned(t) else { return (0, 0) }
      let cost = free.contains(t) ? 0 : g[t].kind == .output ? g[t].bytes : 2 * g[t].bytes
      return (cost, inside.contains(t) ? 0 : size(t))
    }
    // For each operator, the least a tensor it or a descendant writes (and some operator reads)
    // costs when spilled, and the least room it takes, in reverse topological order.
    let backwards = reverseTopologicalOrder
    var below = [(cost: ByteCount, size: ByteCount)](repeating: (.max, .max), count: n)
    for o in backwards {
      var least = below[o.rawValue]
      for t in g[o].outputs where !g.consumers[t.rawValue].isEmpty {
        let (cost, size) = spill(t)
        least = (min(least.cost, cost), min(least.size, size))
      }
      for s in g.successors[o.rawValue] {
        least = (min(least.cost, below[s.rawValue].cost), min(least.size, below[s.rawValue].size))
      }
      below[o.rawValue] = least
    }
    let transfers = partTransfers(room: room).enumerated().map { o, bytes in
      g.operators[o].outputs.contains(where: free.contains) ? 0 : bytes
    }
    let crowded: ByteCount
    if free.isEmpty {
      let beside = transfers.reduce(0, +) + crowdedReadsBesideTransfers(room: room, below: below, transfers: transfers)
      crowded = max(crowdedReads(room: room, below: below), beside)
    } else {
      crowded = transfers.reduce(0, +)
    }
    // Only an operator that leaves less room than some tensor can be followed at a cost; the
    // ones leaving the least room first.
    guard let widest = g.tensorIDs.filter({ !g.consumers[$0.rawValue].isEmpty }).map({ spill($0).size }).max() else { return crowded }
    // Each candidate walks the graph twice (its descendants, its paths): as many as the work
    // allows.
    let edges = g.operators.reduce(n) { $0 + $1.inputs.count }
    let most = min(Self.fullOperatorCandidates, max(16, Self.fullOperatorWork / edges))
    let candidates = Array(
      g.operatorIDs.filter { room[$0.rawValue] < widest }
        .sorted { (room[$0.rawValue], $0.rawValue) < (room[$1.rawValue], $1.rawValue) }
        .prefix(most))
    guard candidates.count >= 2 else { return crowded }
    // Descendants as bits by topological position, so that the first bit two operators share
    // is their first common descendant in that order.
    let order = Array(backwards.reversed())
    var position = [Int](repeating: 0, count: n)
    for (p, o) in order.enumerated() { position[o.rawValue] = p }
    let words = (n + 63) / 64
    func bits(below o: OperatorID) -> [UInt64] {
      var bits = [UInt64](repeating: 0, count: words)
      var stack = g.successors[o.rawValue]
      while let s = stack.popLast() {
        let p = position[s.rawValue]
        guard bits[p / 64] & (UInt64(1) << UInt64(p % 64)) == 0 else { continue }
        bits[p / 64] |= UInt64(1) << UInt64(p % 64)
        stack.append(contentsOf: g.successors[s.rawValue])
      }
      return bits
    }
    func has(_ bits: [UInt64], _ o: OperatorID) -> Bool {
      let p = position[o.rawValue]
      return bits[p / 64] & (UInt64(1) << UInt64(p % 64)) != 0
    }
    let descendants = candidates.map { bits(below: $0) }
    func isDescendant(_ d: OperatorID, of i: Int) -> Bool { has(descendants[i], d) }
    // The readers of the parts of each candidate with a part transfer, and their descendants.
    let readers: [[(reader: OperatorID, descendants: [UInt64])]] = candidates.map { a in
      guard transfers[a.rawValue] > 0 else { return [] }
      return Set(g[a].outputs.flatMap { g.consumers[$0.rawValue] }).sorted { $0.rawValue < $1.rawValue }.map { ($0, bits(below: $0)) }
    }
    // What candidate `i` pays when candidate `j` runs next, or nil when `j` cannot run after it:
    // a tensor on a path from `i` to their first common descendant `d` in topological order,
    // at least the least of those tensors costs, when none of them fits beside `j`.
    var payments = [[ByteCount?]](repeating: [ByteCount?](repeating: nil, count: candidates.count), count: candidates.count)
    var path = [(cost: ByteCount, size: ByteCount)?](repeating: nil, count: n)
    for (i, a) in candidates.enumerated() {
      // The least tensor on any path from `a` to each operator below it.
      path = path.map { _ in nil }
      path[a.rawValue] = (.max, .max)
      for v in order[(position[a.rawValue] + 1)...] {
        var least: (cost: ByteCount, size: ByteCount)?
        for t in g[v].inputs {
          guard let u = g.producer[t.rawValue], let before = path[u.rawValue] else { continue }
          let (cost, size) = spill(t)
          let via = (min(before.cost, cost), min(before.size, size))
          least = least.map { (min($0.cost, via.0), min($0.size, via.1)) } ?? via
        }
        path[v.rawValue] = least
      }
      for (j, b) in candidates.enumerated() where j != i && !isDescendant(a, of: j) {
        if transfers[a.rawValue] > 0 {
          payments[i][j] = partsPayment(i, then: j)
          continue
        }
        guard !isDescendant(b, of: i), let w = (0..<words).first(where: { descendants[i][$0] & descendants[j][$0] != 0 }) else {
          payments[i][j] = 0
          continue
        }
        let d = order[w * 64 + (descendants[i][w] & descendants[j][w]).trailingZeroBitCount]
        let least = path[d.rawValue]!
        payments[i][j] = room[b.rawValue] < least.size ? least.cost : 0
      }
    }
    // With a part transfer, the tensor live across `b` must not be the part it counts: if `b`
    // runs before the first reader `r` of `a`'s parts, every part is live there, and one the
    // transfer does not count is out when `b` leaves room for none; if it runs after `r`, a
    // path from `r` to a descendant of `b` leaves a tensor written at or after `r` live there.
    func partsPayment(_ i: Int, then j: Int) -> ByteCount {
      let (a, b) = (candidates[i], candidates[j])
      guard !isDescendant(b, of: i) else { return 0 }
      let parts = g[a].outputs.filter { isPlanned($0) && !g.consumers[$0.rawValue].isEmpty }
      guard room[b.rawValue] < parts.map(size).min()! else { return 0 }
      let beforeReader = parts.map { g[$0].kind == .output ? g[$0].bytes : 2 * g[$0].bytes }.min()!
      let afterReader = readers[i].allSatisfy { r, under in
        !has(under, b) && room[b.rawValue] < below[r.rawValue].size
          && (0..<words).contains { under[$0] & descendants[j][$0] != 0 }
      }
      return afterReader ? min(beforeReader, readers[i].map { below[$0.reader.rawValue].cost }.min()!) : 0
    }
    // The best prefix of the candidates: the least payment of each before a successor in it,
    // less the largest (the last pays nothing), and the part transfers.
    func chain(_ payments: [[ByteCount?]]) -> (bytes: ByteCount, count: Int, payments: [ByteCount]) {
      var least = [ByteCount?](repeating: nil, count: candidates.count)
      var best = (bytes: 0, count: 0, payments: [ByteCount]())
      for j in 1..<candidates.count {
        for i in 0..<j {
          if let p = payments[i][j] { least[i] = min(least[i] ?? .max, p) }
          if let p = payments[j][i] { least[j] = min(least[j] ?? .max, p) }
        }
        let paid = least.prefix(j + 1).map { $0 ?? 0 }
        let parts = candidates.prefix(j + 1).map { transfers[$0.rawValue] }
        let bytes = paid.reduce(0, +) - (paid.max() ?? 0) + parts.reduce(0, +)
        if bytes > best.bytes { best = (bytes, j + 1, paid + parts) }
      }
      return best
    }
    // With tensors free, the chain alone; otherwise with the shared reads it leaves room for.
    // They require the chain's payments to be small beside the parts that pay for the reads, so
    // the chain is also taken with the payments of the least tensor below each candidate (no
    // more than its path's), which may leave them room.
    func withSharedReads(_ best: (bytes: ByteCount, count: Int, payments: [ByteCount])) -> ByteCount {
      guard best.count >= 2 else { return 0 }
      guard free.isEmpty else { return best.bytes }
      let full = Array(candidates.prefix(best.count))
      var underneath = [UInt64](repeating: 0, count: (n + 63) / 64)
      for o in full {
        for (w, word) in descendantBits(of: o).enumerated() { underneath[w] |= word }
      }
      return best.bytes + sharedReads(full: full, room: room, below: underneath, charged: best.payments.max()!)
    }
    let coarse = payments.enumerated().map { i, row in
      row.enumerated().map { j, p -> ByteCount? in
        let (a, b) = (candidates[i], candidates[j])
        guard let p, p > 0, transfers[a.rawValue] == 0 else { return p }
        return room[b.rawValue] < below[a.rawValue].size ? below[a.rawValue].cost : 0
      }
    }
    return max(withSharedReads(chain(payments)), withSharedReads(chain(coarse)), crowded)
  }

  /// What a tensor read beside the outputs of several full operators adds to their bound (see
  /// ``fullOperatorBound``).
  ///
  /// Take a tensor `t` that no operator of `full` reads and none of them or below them writes,
  /// that fits beside none of them, and read by `m ≥ 2` operators each of which reads an output `z` of a
  /// different full operator. Between two reads of `t` in a row, either a full operator runs,
  /// where `t` is live and has no room, so it is loaded again (its bytes; and an activation is
  /// stored once); or none does, and the two full operators feeding those reads both ran before
  /// the first, so the output of the earlier one is live where the later one runs: stored and
  /// reloaded. An output so spilled serves at most two pairs of reads, and when each costs at
  /// least three times `t` more than any payment of the full operators' bound, the transfers
  /// add `m − 1` times `t`, and `t`'s store when it is an activation, to that bound. The best
  /// such tensor counts. nn.Transformer's encoder output, read by the six cross-attention
  /// projections beside the splits' key and value weights, is the case.
  ///
  /// An activation `t` also moves once before the first of those reads
  /// (``firstRead(of:feeding:full:room:charged:)``).
  private func sharedReads(full: [OperatorID], room operatorRoom: [ByteCount], below: [UInt64], charged: ByteCount) -> ByteCount {
    let g = graph
    let inside = partsHeldInPlace
    func isBelow(_ o: OperatorID) -> Bool { below[o.rawValue / 64] & (UInt64(1) << UInt64(o.rawValue % 64)) != 0 }
    let isFull = Set(full)
    let room = full.map { operatorRoom[$0.rawValue] }.max()!
    let read = Set(full.flatMap { g[$0].inputs })
    var best = 0
    for t in g.tensorIDs where isPlanned(t) && !read.contains(t) && !inside.contains(t) && size(t) > room {
      if let p = g.producer[t.rawValue], isFull.contains(p) || isBelow(p) { continue }
      let readers = g.consumers[t.rawValue]
      guard readers.count >= 2 else { continue }
      let bytes = g[t].bytes
      var used = Set<OperatorID>()
      var parts: [TensorID] = []
      for r in readers {
        let feeding = g[r].inputs.first { z in
          guard z != t, let x = g.producer[z.rawValue], isFull.contains(x), !used.contains(x) else { return false }
          return g[z].kind == .activation && !read.contains(z) && !inside.contains(z) && size(z) > room
            && 2 * g[z].bytes >= charged + 3 * bytes
        }
        if let z = feeding {
          used.insert(g.producer[z.rawValue]!)
          parts.append(z)
        }
      }
      let m = used.count
      guard m >= 2 else { continue }
      let reads = (g[t].kind == .activation ? m : m - 1) * bytes
      guard reads + bytes > best else { continue }
      let first = used.count == full.count ? firstRead(of: t, feeding: parts, full: full, room: operatorRoom, charged: charged) : 0
      best = max(best, reads + first)
    }
    return best
  }

  /// What an activation `t` read beside the outputs `parts` of every operator of `full` (as in
  /// ``sharedReads(full:room:below:charged:)``) moves before the first of those reads, beyond
  /// the transfers between them.
  ///
  /// Take `f`, the first operator of `full` to run. If `t` is written before `f`, it is live
  /// there and has no room, so it is loaded again before its first read there. Otherwise, if an
  /// ancestor of `t`'s producer runs before `f`, a tensor on its path to the producer is live
  /// across `f`, which leaves no room for any tensor written there: it is stored and reloaded,
  /// and it was written before every operator of `full`, so no other transfer counts it. And if
  /// every ancestor runs after `f`, `f`'s part is live across all of them, and one of them leaves
  /// no room for it: the part is stored and reloaded, which pays for the first read too when it
  /// costs four times `t` more than any payment of the full operators' bound (the two pairs of
  /// reads and `t`'s store it may already stand for, and this). So the least of `t`'s bytes and
  /// what a tensor on those paths costs, when all three hold; 0 otherwise. nn.Transformer's
  /// encoder output is the case: a split after the encoder finds it waiting, a split inside the
  /// encoder finds its stream, and a split before it leaves a 512 KiB part waiting across the
  /// encoder's feed-forward layers, which leave 190 KiB.
  private func firstRead(of t: TensorID, feeding parts: [TensorID], full: [OperatorID], room: [ByteCount], charged: ByteCount) -> ByteCount {
    let g = graph
    let inside = partsHeldInPlace
    let bytes = g[t].bytes
    guard g[t].kind == .activation, let producer = g.producer[t.rawValue],
      parts.allSatisfy({ 2 * g[$0].bytes >= charged + 4 * bytes })
    else { return 0 }
    // The producer and its ancestors, and the tensors written on paths between them.
    var ancestors: Set<OperatorID> = [producer]
    var stack = [producer]
    while let o = stack.popLast() {
      for p in g.predecessors[o.rawValue] where ancestors.insert(p).inserted { stack.append(p) }
    }
    var path = (cost: ByteCount.max, size: ByteCount.max)
    for o in ancestors where o != producer {
      for u in g[o].outputs where isPlanned(u) && g.consumers[u.rawValue].contains(where: ancestors.contains) {
        let cost = g[u].kind == .output ? g[u].bytes : 2 * g[u].bytes
        path = (min(path.cost, cost), min(path.size, inside.contains(u) ? 0 : size(u)))
      }
    }
    let widest = full.map { room[$0.rawValue] }.max()!
    let narrowest = ancestors.map { room[$0.rawValue] }.min()!
    guard path.size > widest, narrowest < parts.map(size).min()! else { return 0 }
    return min(bytes, path.cost)
  }

  /// What a tensor read beside the outputs of operators that leave room for it, or for what
  /// another of them writes below, but not for both, forces (see ``fullOperatorBound``).
  ///
  /// Take a tensor `t` read by `m ≥ 3` operators each of which reads an output `z` of a
  /// different operator `x`; the `x` are pairwise neither ancestor nor descendant and share
  /// descendants, none reads `t`, none of them or below them writes `t`. Each `x` leaves less
  /// room than `t` and the least tensor written below any other `x` together, and less than any
  /// `z`. Between two reads of `t` in a row, an `x` that is not the first of them to run finds
  /// `t` live and, as in ``fullOperatorBound``, a tensor written since the `x` before it: one of
  /// the two is out, and reloaded (`t`, in this interval) or stored and reloaded (the other, its
  /// own). The first `x` to run comes before the first of those reads (it is at or before the
  /// one feeding that read), so an `x` in an interval is never the first. With no `x` in
  /// between, a `z` is stored and reloaded, as in ``sharedReads(full:room:below:charged:)``, and
  /// pays for two intervals (and for a tensor written since the `x` before, a third) when it
  /// costs three times the least charge. So the `m − 1` intervals pay at least the least of
  /// `t`'s bytes and what a tensor below costs. And an activation `t` loaded again was stored:
  /// unless no interval reloads it, where each pays a tensor below or a third of a spilled `z`,
  /// its store adds its bytes. nn.Transformer's encoder output at `M_H`, where a
  /// cross-attention split leaves room for one 64 KiB tensor, is the case. At most
  /// ``crowdedReaders`` readers of a tensor count, and tensors are compared while fewer than
  /// ``crowdedOperators`` operators' descendants are known.
  private func crowdedReads(room: [ByteCount], below: [(cost: ByteCount, size: ByteCount)]) -> ByteCount {
    let g = graph
    let inside = partsHeldInPlace
    let words = (g.operators.count + 63) / 64
    var known: [OperatorID: [UInt64]] = [:]
    func bit(_ o: OperatorID) -> (Int, UInt64) { (o.rawValue / 64, UInt64(1) << UInt64(o.rawValue % 64)) }
    var best = 0
    for t in g.tensorIDs where isPlanned(t) && !inside.contains(t) && g.consumers[t.rawValue].count >= 3 {
      var feeding: [(x: OperatorID, z: TensorID)] = []
      for r in g.consumers[t.rawValue] where feeding.count < Self.crowdedReaders {
        let z = g[r].inputs.first { z in
          guard z != t, g[z].kind == .activation, isPlanned(z), !inside.contains(z), let x = g.producer[z.rawValue] else { return false }
          return !g[x].inputs.contains(t) && !feeding.contains { $0.x == x }
        }
        if let z { feeding.append((g.producer[z.rawValue]!, z)) }
      }
      guard feeding.count >= 3 else { continue }
      let xs = feeding.map(\.x)
      let least = xs.map { below[$0.rawValue] }
      let charge = min(g[t].bytes, least.map(\.cost).min()!)
      let widest = xs.map { room[$0.rawValue] }.max()!
      let intervals = feeding.count - 1
      var bytes = charge * intervals
      if g[t].kind == .activation, g.producer[t.rawValue] != nil {
        // Each interval pays `t` again, a tensor below, or a third of a part stored and reloaded.
        let unloaded = min(least.map(\.cost).min()!, feeding.map { 2 * g[$0.z].bytes / 3 }.min()!)
        bytes = min(bytes + g[t].bytes, unloaded * intervals)
      }
      guard charge > 0, bytes > best, widest < size(t) + least.map(\.size).min()!,
        feeding.allSatisfy({ size($0.z) > widest && 2 * g[$0.z].bytes >= 3 * charge })
      else { continue }
      for x in xs where known[x] == nil {
        guard known.count < Self.crowdedOperators else { return best }
        known[x] = descendantBits(of: x)
      }
      let under = xs.map { known[$0]! }
      func isBelow(_ o: OperatorID, _ i: Int) -> Bool { let (w, b) = bit(o); return under[i][w] & b != 0 }
      if let p = g.producer[t.rawValue], xs.contains(p) || xs.indices.contains(where: { isBelow(p, $0) }) { continue }
      let unrelated = xs.indices.allSatisfy { i in
        xs.indices.allSatisfy { j in
          i == j || (!isBelow(xs[j], i) && (0..<words).contains { under[i][$0] & under[j][$0] != 0 })
        }
      }
      if unrelated { best = bytes }
    }
    return best
  }

  /// The most readers of one tensor ``crowdedReads(room:below:)`` takes (any of them may be
  /// left out), and the most operators whose descendants it finds.
  static let crowdedReaders = 16
  static let crowdedOperators = 64

  /// The most operators ``fullOperatorBound`` compares pairwise.
  static let fullOperatorCandidates = 512

  /// The operators and operator inputs ``fullOperatorBound`` may walk over for all its
  /// candidates together (on a tiled R(2+1)D of 6,543 operators and 67,600 tensors, 512
  /// candidates took a second; NASNet-A, 894 operators, keeps all 512).
  static let fullOperatorWork = 2_000_000

  /// The descendants of `o`, a bit per operator.
  func descendantBits(of o: OperatorID) -> [UInt64] {
    let g = graph
    var bits = [UInt64](repeating: 0, count: (g.operators.count + 63) / 64)
    var stack = g.successors[o.rawValue]
    while let s = stack.popLast() {
      let (w, b) = (s.rawValue / 64, UInt64(1) << UInt64(s.rawValue % 64))
      guard bits[w] & b == 0 else { continue }
      bits[w] |= b
      stack.append(contentsOf: g.successors[s.rawValue])
    }
    return bits
  }

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
