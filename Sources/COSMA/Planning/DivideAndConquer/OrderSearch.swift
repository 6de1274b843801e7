import Foundation

/// Local search over the schedule, each candidate order judged by `spillCost`: the traffic of a
/// Belady residency with live bytes ≤ capacity and no offsets (a millisecond on a thousand
/// operators), which the fixed-order ILP then realizes.
///
/// A move takes an operator, or the chain of operators it belongs to (each the only consumer of
/// the previous one's outputs and reading nothing else that is produced), out of the order and
/// puts it back at a random place its dependencies allow; or pulls an operator to right after
/// one of its inputs' producers, with the rest of its ancestors (until the search converges; it
/// then starts again without pulls); or pushes an operator to right before another (in half of
/// the pushes one of its consumers), with the descendants that ran between them
/// (``pushed(_:before:in:)``).
/// Simulated annealing decides: moves that do not add traffic are kept, worse ones now and then
/// while the temperature is high, so the search walks across plateaus and out of shallow local
/// optima. The windows of divide and conquer re-plan an order
/// only locally; these moves carry an operator across the whole graph, as when a branch of a NAS
/// stem is better run last.
struct OrderSearch {
  let problem: PlanningProblem
  var rng: SplitMix64
  /// The live bytes the Belady residency keeps to: the problem's capacity, or less for a start
  /// of the ILP at a reduced capacity (a step whose operator needs more keeps its working set
  /// alone).
  var capacity: ByteCount

  init(problem: PlanningProblem, seed: UInt64 = PlannerOptions.defaultSeed) {
    self.problem = problem
    rng = SplitMix64(seed: seed)
    capacity = problem.capacity
  }

  /// The non-compulsory traffic of `schedule` when only live bytes count (no offsets, so no
  /// fragmentation), evicting by Belady's rule: what the fixed-order ILP and the exact
  /// allocator can make of the order, estimated in O(n · r) for r resident tensors.
  func spillCost(_ schedule: [OperatorID]) -> ByteCount {
    var none: [PlanEvent]? = nil
    return spillCost(schedule, events: &none)
  }

  /// The residency behind `spillCost`, as events without offsets (every range at 0): a start
  /// for the fixed-order ILP, not a plan.
  func residencyEvents(_ schedule: [OperatorID]) -> [PlanEvent] {
    var events: [PlanEvent]? = []
    _ = spillCost(schedule, events: &events)
    return events!
  }

  private func spillCost(_ schedule: [OperatorID], events: inout [PlanEvent]?) -> ByteCount {
    let g = problem.graph
    let weights = problem.weights
    var uses = [[Step]](repeating: [], count: g.tensors.count)
    for (s, o) in schedule.enumerated() {
      for t in g.distinctInputs[o.rawValue] where problem.isPlanned(t) { uses[t.rawValue].append(s) }
    }
    var next = [Int](repeating: 0, count: g.tensors.count)
    var resident = [Bool](repeating: false, count: g.tensors.count)
    var inDRAM = g.tensors.map { $0.kind.isInDRAMInitially }
    var loadedOnce = [Bool](repeating: false, count: g.tensors.count)
    var residents: [TensorID] = []
    var occupied = 0
    var traffic = 0
    for (s, o) in schedule.enumerated() {
      let working = g.workingSet(of: o, weights: weights)
      for t in working { while next[t.rawValue] < uses[t.rawValue].count && uses[t.rawValue][next[t.rawValue]] < s { next[t.rawValue] += 1 } }
      var need = 0
      for t in working where !resident[t.rawValue] { need += problem.size(t) }
      if occupied + need > capacity {
        // Evict the residents outside the working set whose next use is furthest.
        let inWorking = Set(working)
        var victims = residents.filter { !inWorking.contains($0) }
        for v in victims {
          while next[v.rawValue] < uses[v.rawValue].count && uses[v.rawValue][next[v.rawValue]] < s { next[v.rawValue] += 1 }
        }
        victims.sort { nextUse($0, uses, next) > nextUse($1, uses, next) }
        for v in victims where occupied + need > capacity {
          // A graph output's store is compulsory; an activation's is a spill.
          if !inDRAM[v.rawValue] {
            if g[v].kind != .output { traffic += g[v].bytes }
            inDRAM[v.rawValue] = true
            events?.append(.store(v))
          }
          events?.append(.free(v))
          resident[v.rawValue] = false
          occupied -= problem.size(v)
        }
        residents.removeAll { !resident[$0.rawValue] }
      }
      for t in working where !resident[t.rawValue] {
        events?.append(g.producer[t.rawValue] == o ? .alloc(t, offset: 0) : .load(t, offset: 0))
        if g.producer[t.rawValue] != o {
          // A load: the first of an input or weight is compulsory.
          if g[t].kind.isInDRAMInitially && !loadedOnce[t.rawValue] {
            loadedOnce[t.rawValue] = true
          } else {
            traffic += g[t].bytes
          }
        }
        resident[t.rawValue] = true
        residents.append(t)
        occupied += problem.size(t)
      }
      events?.append(.run(o))
      // Tensors with no later use leave.
      var kept: [TensorID] = []
      for t in residents {
        let u = uses[t.rawValue]
        var k = next[t.rawValue]
        while k < u.count && u[k] <= s { k += 1 }
        if k < u.count {
          kept.append(t)
        } else {
          if g[t].kind == .output && !inDRAM[t.rawValue] { events?.append(.store(t)) }
          events?.append(.free(t))
          resident[t.rawValue] = false
          occupied -= problem.size(t)
        }
      }
      residents = kept
    }
    return traffic
  }

  private func nextUse(_ t: TensorID, _ uses: [[Step]], _ next: [Int]) -> Int {
    next[t.rawValue] < uses[t.rawValue].count ? uses[t.rawValue][next[t.rawValue]] : Int.max
  }

  /// Improves `start` until `deadline` (seconds on `clock`), until the traffic is at most `floor`
  /// (a lower bound) or until it converges; returns the best order found with its traffic. Each
  /// evaluated order costs `n / operatorsPerSecond` work seconds on a deterministic clock.
  mutating func improve(
    _ start: [OperatorID], until deadline: Double, clock: RunClock, floor: ByteCount = 0,
    operatorsPerSecond: Double = WorkRates().orderOperatorsPerSecond
  ) -> (schedule: [OperatorID], traffic: ByteCount) {
    let g = problem.graph
    let n = start.count
    var order = start
    var current = spillCost(order)
    var best = (schedule: order, traffic: current)
    guard n > 2 else { return best }
    var position = [Step](repeating: 0, count: n)
    let begin = clock.seconds
    let start0 = current
    // Converged: this many moves in a row without a better order end the search early, and so
    // does reaching `floor`.
    let patience = max(5_000, 50 * n)
    var sinceBest = 0
    // Once converged, the search starts again from `start` without pulls, and ends when that
    // converges too: with weights external a transformer's search that pulls settles on an
    // order moving 9% more than one that does not, where PNASNet-5's moves 9% less.
    var pulling = true
    var phaseBest = current
    // An order's work, counted on a deterministic clock: none starts that would end past the
    // deadline.
    let evaluation = Double(n) / operatorsPerSecond
    let last = clock.deterministic ? deadline - evaluation : deadline
    while best.traffic > floor && clock.seconds < last + 1e-12 {
      if sinceBest >= patience {
        if !pulling { break }
        (pulling, sinceBest, order, current, phaseBest) = (false, 0, start, start0, start0)
      }
      sinceBest += 1
      // The block: one operator, or the whole chain it belongs to in the graph; or, while the
      // search pulls, in a fifth of the moves, the operator pulled to one of its inputs
      // (``pulled(_:in:)``); in another fifth, the operator pushed to right before another with
      // its descendants (``pushed(_:before:in:)``).
      let pick = order[Int(rng.next() % UInt64(n))]
      let move = rng.next() % 5
      var rest: [OperatorID]
      if move == 4 {
        // Half of the pushes carry the operator to right before one of its consumers (the
        // mirror of a pull), the others before any operator.
        let successors = g.successors[pick.rawValue]
        let q =
          rng.next() % 2 == 0 && !successors.isEmpty
          ? successors[Int(rng.next() % UInt64(successors.count))] : order[Int(rng.next() % UInt64(n))]
        guard let p = pushed(pick, before: q, in: order) else { continue }
        rest = p
      } else if move == 3 && pulling {
        guard let p = pulled(pick, in: order) else { continue }
        rest = p
      } else {
        var block = [pick]
        if move % 2 == 0 {
          while let next = chainSuccessor(block[block.count - 1]) { block.append(next) }
          while let previous = chainPredecessor(block[0]) { block.insert(previous, at: 0) }
        }
        let members = Set(block)
        rest = order.filter { !members.contains($0) }
        for (k, o) in rest.enumerated() { position[o.rawValue] = k }
        // Inside a chain only its ends touch other operators.
        var lo = 0
        var hi = rest.count
        for p in g.predecessors[block[0].rawValue] { lo = max(lo, position[p.rawValue] + 1) }
        for c in g.successors[block[block.count - 1].rawValue] { hi = min(hi, position[c.rawValue]) }
        guard hi > lo else { continue }
        let at = lo + Int(rng.next() % UInt64(hi - lo + 1))
        rest.insert(contentsOf: block, at: at)
      }
      if rest == order { continue }
      let traffic = spillCost(rest)
      clock.charge(evaluation)
      // Simulated annealing: a worse order is kept with probability exp(−Δ / T), the temperature
      // falling from 2% of the start's traffic to nothing at the deadline.
      let left = max(0, (deadline - clock.seconds) / max(1e-9, deadline - begin))
      let temperature = 0.02 * Double(start0) * left * left
      let worse = Double(traffic - current)
      if traffic <= current || (temperature > 0 && rng.nextUnit() < exp(-worse / temperature)) {
        order = rest
        current = traffic
        if traffic < phaseBest {
          phaseBest = traffic
          sinceBest = 0
        }
        if traffic < best.traffic { best = (rest, traffic) }
      }
    }
    return best
  }

  /// `order` with operator `y` run right after one of its predecessors `p` (chosen at random),
  /// the ancestors of `y` that ran between the two moved before it, in their order: an
  /// operator run as soon as one of its inputs is written, its other inputs produced just
  /// before it. A transformer's cross-attention projection of the encoder's output, run with
  /// its weight split as soon as the encoder ends, so that neither has to wait inside the
  /// decoder, is such a move. Nil when `y` has fewer than two predecessors (a single move
  /// does it) or the order would not change.
  private mutating func pulled(_ y: OperatorID, in order: [OperatorID]) -> [OperatorID]? {
    let inputs = problem.graph.predecessors[y.rawValue]
    guard inputs.count >= 2 else { return nil }
    return pulled(y, after: inputs[Int(rng.next() % UInt64(inputs.count))], in: order)
  }

  /// `order` with `y` run right after its predecessor `p`, with the ancestors of `y` that ran
  /// between them (see ``pulled(_:in:)``); nil when that is `order` already.
  func pulled(_ y: OperatorID, after p: OperatorID, in order: [OperatorID]) -> [OperatorID]? {
    let g = problem.graph
    guard let to = order.firstIndex(of: y), let at = order.firstIndex(of: p), to > at + 1 else { return nil }
    var needed = Set(g.predecessors[y.rawValue])
    var block = [y]
    for k in stride(from: to - 1, to: at, by: -1) where needed.contains(order[k]) {
      block.append(order[k])
      needed.formUnion(g.predecessors[order[k].rawValue])
    }
    block.reverse()
    let members = Set(block)
    let pulled = Array(order[...at]) + block + order[(at + 1)..<to].filter { !members.contains($0) } + order[(to + 1)...]
    return pulled == order ? nil : pulled
  }

  /// `order` with `x` run right before `q`, the descendants of `x` that ran between the two
  /// moved after it, in their order: a whole branch carried later, up to where it joins the
  /// others. On NASNet-A at `M_R` the stem's five readers each fill the scratchpad, so what
  /// waits across them is stored; the order with fewest waiting runs the branch feeding every
  /// join last, which no move of one operator or chain reaches without passing through worse
  /// orders. Nil when `q` does not come after `x` or the order would not change.
  func pushed(_ x: OperatorID, before q: OperatorID, in order: [OperatorID]) -> [OperatorID]? {
    let g = problem.graph
    guard let from = order.firstIndex(of: x), let to = order.firstIndex(of: q), to > from + 1 else { return nil }
    var carried: Set<OperatorID> = [x]
    var block = [x]
    var stay: [OperatorID] = []
    for k in (from + 1)..<to {
      let o = order[k]
      if g.predecessors[o.rawValue].contains(where: { carried.contains($0) }) {
        carried.insert(o)
        block.append(o)
      } else {
        stay.append(o)
      }
    }
    let pushed = Array(order[..<from]) + stay + block + order[to...]
    return pushed == order ? nil : pushed
  }

  /// The next operator of `a`'s chain: its only successor, when `a` is that one's only
  /// predecessor.
  private func chainSuccessor(_ a: OperatorID) -> OperatorID? {
    let g = problem.graph
    guard g.successors[a.rawValue].count == 1, let b = g.successors[a.rawValue].first,
      g.predecessors[b.rawValue] == [a]
    else { return nil }
    return b
  }

  private func chainPredecessor(_ b: OperatorID) -> OperatorID? {
    let g = problem.graph
    guard g.predecessors[b.rawValue].count == 1, let a = g.predecessors[b.rawValue].first,
      g.successors[a.rawValue] == [b]
    else { return nil }
    return a
  }
}
