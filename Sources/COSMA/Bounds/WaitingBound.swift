/// The waiting bound: a lower bound on the non-compulsory traffic of every plan, from what must
/// wait across the operators that leave little room beside them, in every order of a few of
/// them.
///
/// The argument is the full operator bound's (``PlanningProblem/fullOperatorBound``): when an
/// operator `x` runs before an operator `y` that does not descend from it, and `d` is a common
/// descendant of both, a path from `x` to `d` has started and not ended when `y` runs, so one of
/// its tensors is live there, and `y` does not read it. When none of those tensors fits beside
/// `y` (its working set and the tensor exceed the capacity), the one live is out: stored and
/// loaded again, twice its bytes (once for a graph output, whose store is compulsory).
///
/// Where the full operator bound charges one tensor between each full operator and the next, this
/// bound searches the orders of up to ``maxOperators`` candidates themselves, depth first: the
/// operators leaving the least room (and, with the fans, every reader of a fan searched in
/// order). In an order of the candidates, each full candidate `y`
/// meets a demand from every candidate `x` before it and every first common descendant `d` of
/// the two: one tensor on a path from `x` to `d`, written by `x` or an operator below it that
/// does not descend from `y` or a candidate after it (those have not run), is paid. A demand
/// with a tensor that fits beside `y` or costs nothing asks for nothing. A tensor pays for every
/// demand it is in, once, so the order costs at least its demands' least hitting set: found
/// exactly when small, otherwise bounded by demands with no tensor in common. The bound is the
/// least over the orders; a partial order whose demands already cost as much as the best whole
/// one is not continued.
///
/// On PNASNet-5 at `M_R`, each branch the stem's activation feeds fills the scratchpad. Searched
/// with the stem's fan in order (``PlanningProblem/fanReloadsWithWaiting(maxNodes:shouldStop:)``),
/// the stem's reloads and the branches' tensors waiting across one another's pads add up:
/// 15,681,060 B. Searched instead with the fan's tensors free (the stem's activation and its
/// readers' outputs) and added to the fan reload bound, it proved only 1,125,036 B beyond the
/// stem's 13,068,000 B: the orders could then interleave the readers so that only free tensors
/// waited across the pads.
public struct WaitingBound: Sendable, Equatable {
  /// Every plan moves at least this many bytes of the tensors it counts (0 when the search did
  /// not end).
  public var bytes: ByteCount
  /// The operators whose orders were searched.
  public var operators: Int
  /// Orders of them, partial or whole, the search visited.
  public var nodes: Int
  /// Whether the search ended, every order met or cut off; otherwise `bytes` is 0.
  public var isComplete: Bool

  /// The most operators whose orders are searched.
  public static let maxOperators = 12
}

extension PlanningProblem {
  /// The waiting bound (see ``WaitingBound``), visiting at most `maxNodes` orders, partial or
  /// whole, and stopping when `shouldStop` (asked every 256 nodes) says so.
  public func waitingBound(maxNodes: Int = 200_000, shouldStop: () -> Bool = { false }) -> WaitingBound {
    var search = WaitingSearch(problem: self, fans: [])
    search.run(maxNodes: maxNodes, shouldStop: shouldStop)
    return search.result
  }

  /// The fan reload bound and the waiting bound in one search: where every reader of a fan's
  /// activation is a candidate, each two readers that run one after the other among them meet
  /// the fan's demand (the activation loaded again between them, or an output of the first
  /// spilled, see ``fanReloads(free:arriving:)``), and the activation's store is paid with its
  /// first reload; the other fans count as the fan reload bound counts them, their tensors free.
  /// Nil when there is no fan.
  public func fanReloadsWithWaiting(maxNodes: Int = 200_000, shouldStop: () -> Bool = { false }) -> (
    bytes: ByteCount, waiting: WaitingBound
  )? {
    let fans = disjointFanList(free: [], arriving: [])
    guard !fans.isEmpty else { return nil }
    var search = WaitingSearch(problem: self, fans: fans)
    search.run(maxNodes: maxNodes, shouldStop: shouldStop)
    let w = search.result
    // Without an end, the fans alone.
    let fansBytes = fans.reduce(0) { $0 + $1.bytes }
    return (w.isComplete ? max(fansBytes, search.fansApart + w.bytes) : fansBytes, w)
  }
}

/// The depth-first search of ``PlanningProblem/waitingBound(maxNodes:shouldStop:)`` over the
/// orders of the candidates.
struct WaitingSearch {
  /// One tensor on the paths of a demand: its item, its producer, and whether it may pay (it
  /// fits nowhere beside the full operator and costs).
  struct Entry {
    var item: Int
    var producer: Int
    var pays: Bool
  }

  /// A demand met: the items one of which pays, sorted, and the least of their costs.
  struct Demand {
    var items: [Int]
    var least: ByteCount
  }

  /// A fan whose readers are all candidates: its activation's reloads between two readers in a
  /// row are items of their own (`firstReload` + the pair's rank), the first paying the store.
  struct Fan {
    var readers: [Int]
    var firstReload: Int
    /// Per reader (by candidate): the items of its outputs that may be spilled instead, with
    /// their room.
    var outputs: [Int: [(item: Int, size: ByteCount)]]
  }

  let candidates: [OperatorID]
  /// The fans counted apart (their readers not all candidates), as the fan reload bound counts
  /// them.
  private(set) var fansApart: ByteCount = 0
  private var fans: [Fan] = []
  /// Per candidate: whether it leaves room for less than some tensor (it meets demands), its
  /// room, the candidates among its ancestors (bits), and itself with its descendants (bits
  /// over the operators).
  private let isFull: [Bool]
  private let room: [ByteCount]
  private let ancestors: [Int]
  private let below: [[UInt64]]
  /// `templates[x][y]`: for each first common descendant of candidates `x` and `y`, the
  /// tensors on the paths from `x` to it, when `x` runs before `y`.
  private let templates: [[[[Entry]]]]
  /// What each item costs when it pays, and the store it brings (a fan's first reload: the
  /// fan's index, else -1) with its cost.
  private var cost: [ByteCount] = []
  private var storeOf: [Int] = []
  private var storeCost: [ByteCount] = []
  private(set) var best = ByteCount.max
  private(set) var nodes = 0
  private(set) var stopped = false
  private var maxNodes = 0

  var result: WaitingBound {
    WaitingBound(bytes: !stopped && best < .max ? best : 0, operators: candidates.count, nodes: nodes, isComplete: !stopped)
  }

  init(problem: PlanningProblem, fans given: [PlanningProblem.FanReload]) {
    let g = problem.graph
    let n = g.operators.count
    let inside = problem.partsHeldInPlace
    let limit = roundDown(problem.capacity, to: problem.alignment)
    let operatorRoom = problem.orderFreeWorkingSets.map { limit - $0 }
    func size(_ t: TensorID) -> ByteCount { problem.isPlanned(t) && !inside.contains(t) ? problem.size(t) : 0 }
    let widest = g.tensorIDs.filter { !g.consumers[$0.rawValue].isEmpty }.map(size).max() ?? 0
    var chosen = Array(
      g.operatorIDs.filter { operatorRoom[$0.rawValue] < widest }
        .sorted { (operatorRoom[$0.rawValue], $0.rawValue) < (operatorRoom[$1.rawValue], $1.rawValue) }
        .prefix(WaitingBound.maxOperators))
    // A fan is searched in order when its readers are candidates; the readers of the largest
    // fans join them first, ahead of the full operators leaving the most room.
    var inOrder: [PlanningProblem.FanReload] = []
    // The fans counted apart, and the activations of those searched in order, cost nothing here.
    var free = Set<TensorID>()
    for f in given {
      var readers: [OperatorID] = []
      for r in g.consumers[f.tensor.rawValue] where !readers.contains(r) { readers.append(r) }
      let missing = readers.filter { !chosen.contains($0) }
      let kept = inOrder.flatMap { fan in g.consumers[fan.tensor.rawValue] }
      let removable = chosen.filter { !readers.contains($0) && !kept.contains($0) }
      if missing.count <= removable.count + WaitingBound.maxOperators - chosen.count {
        for r in missing {
          if chosen.count == WaitingBound.maxOperators, let last = chosen.lastIndex(where: { removable.contains($0) }) {
            chosen.remove(at: last)
          }
          chosen.append(r)
        }
        inOrder.append(f)
        free.insert(f.tensor)
      } else {
        fansApart += f.bytes
        free.formUnion(f.charged)
      }
    }
    func spillCost(_ t: TensorID) -> ByteCount {
      guard problem.isPlanned(t), !free.contains(t) else { return 0 }
      return g[t].kind == .output ? g[t].bytes : 2 * g[t].bytes
    }
    candidates = chosen
    let k = chosen.count
    room = chosen.map { operatorRoom[$0.rawValue] }
    let words = (n + 63) / 64
    func has(_ bits: [UInt64], _ o: Int) -> Bool { bits[o / 64] & (UInt64(1) << UInt64(o % 64)) != 0 }
    let descendants = chosen.map { problem.descendantBits(of: $0) }
    below = chosen.enumerated().map { i, c in
      var bits = descendants[i]
      bits[c.rawValue / 64] |= UInt64(1) << UInt64(c.rawValue % 64)
      return bits
    }
    isFull = chosen.map { operatorRoom[$0.rawValue] < widest }
    ancestors = chosen.map { c in
      (0..<k).reduce(0) { mask, i in has(descendants[i], c.rawValue) ? mask | (1 << i) : mask }
    }
    var index: [TensorID: Int] = [:]
    var cost: [ByteCount] = []
    func item(_ t: TensorID) -> Int {
      if let l = index[t] { return l }
      index[t] = cost.count
      cost.append(spillCost(t))
      return cost.count - 1
    }
    var templates = [[[[Entry]]]](repeating: [[[Entry]]](repeating: [], count: k), count: k)
    for (i, x) in chosen.enumerated() {
      for (j, y) in chosen.enumerated() where i != j && isFull[j] {
        guard !has(descendants[i], y.rawValue), !has(descendants[j], x.rawValue) else { continue }
        // The first common descendants: common, with no predecessor common.
        var common = [UInt64](repeating: 0, count: words)
        for w in 0..<words { common[w] = descendants[i][w] & descendants[j][w] }
        var firsts: [OperatorID] = []
        for w in 0..<words where common[w] != 0 {
          var word = common[w]
          while word != 0 {
            let d = w * 64 + word.trailingZeroBitCount
            word &= word - 1
            if !g.predecessors[d].contains(where: { has(common, $0.rawValue) }) { firsts.append(OperatorID(d)) }
          }
        }
        for d in firsts {
          // The tensors on the paths from `x` to `d`: back from `d` through `x` and its descendants.
          var entries: [Entry] = []
          var seenTensor = Set<TensorID>()
          var seen: Set<OperatorID> = [d]
          var stack = [d]
          while let v = stack.popLast() {
            for t in g[v].inputs {
              guard let u = g.producer[t.rawValue], u == x || has(descendants[i], u.rawValue) else { continue }
              if seenTensor.insert(t).inserted {
                let l = item(t)
                entries.append(Entry(item: l, producer: u.rawValue, pays: cost[l] > 0 && size(t) > operatorRoom[y.rawValue]))
              }
              if u != x, seen.insert(u).inserted { stack.append(u) }
            }
          }
          templates[i][j].append(entries)
        }
      }
    }
    storeOf = [Int](repeating: -1, count: cost.count)
    for (f, fan) in inOrder.enumerated() {
      let s = fan.tensor
      var readers: [Int] = []
      for r in g.consumers[s.rawValue] {
        if let c = chosen.firstIndex(of: r), !readers.contains(c) { readers.append(c) }
      }
      var outputs: [Int: [(item: Int, size: ByteCount)]] = [:]
      for c in readers {
        let a = chosen[c]
        var options: [(item: Int, size: ByteCount)] = []
        for y in Set(g[a].outputs) where g[y].kind == .activation && problem.isPlanned(y) && !free.contains(y) {
          let readersOfY = g.consumers[y.rawValue]
          guard !readersOfY.contains(where: { g[$0].inputs.contains(s) }),
            readersOfY.contains(where: { operatorRoom[$0.rawValue] < size(s) })
          else { continue }
          options.append((item(y), size(y)))
        }
        outputs[c] = options
      }
      // The outputs' items first, then the fan's reloads.
      storeOf += [Int](repeating: -1, count: cost.count - storeOf.count)
      let first = cost.count
      for _ in 0..<(readers.count - 1) {
        cost.append(g[s].bytes)
        storeOf.append(f)
      }
      storeCost.append(g[s].kind == .activation ? g[s].bytes : 0)
      fans.append(Fan(readers: readers, firstReload: first, outputs: outputs))
    }
    storeOf += [Int](repeating: -1, count: cost.count - storeOf.count)
    self.templates = templates
    self.cost = cost
  }

  /// Searches the orders; with fewer than two candidates there is nothing to order, and the
  /// bound is 0.
  mutating func run(maxNodes: Int, shouldStop: () -> Bool) {
    guard candidates.count >= 2 else { return }
    self.maxNodes = maxNodes
    visit(placed: 0, sequence: [], demands: [], shouldStop: shouldStop)
  }

  private mutating func visit(placed: Int, sequence: [Int], demands: [Demand], shouldStop: () -> Bool) {
    let k = candidates.count
    let all = (1 << k) - 1
    if placed == all {
      best = min(best, leastHittingSet(demands))
      return
    }
    for j in 0..<k where placed & (1 << j) == 0 && ancestors[j] & ~placed == 0 {
      nodes += 1
      if nodes > maxNodes || (nodes % 256 == 0 && shouldStop()) { stopped = true }
      if stopped { return }
      var next = demands
      var added = false
      if isFull[j] {
        // The candidates not run before `j`, with their descendants, have not run.
        let waiting = all & ~placed
        var excluded = [UInt64](repeating: 0, count: below[0].count)
        for r in 0..<k where waiting & (1 << r) != 0 {
          for w in excluded.indices { excluded[w] |= below[r][w] }
        }
        for x in sequence {
          for entries in templates[x][j] {
            var items: [Int] = []
            var pays = true
            for e in entries where excluded[e.producer / 64] & (UInt64(1) << UInt64(e.producer % 64)) == 0 {
              guard e.pays else {
                pays = false
                break
              }
              items.append(e.item)
            }
            guard pays, !items.isEmpty else { continue }
            items.sort()
            next.append(Demand(items: items, least: items.map { cost[$0] }.min()!))
            added = true
          }
        }
      }
      // A fan's reader after another: for each output of the one before that has no room
      // beside this one, and a reader with no room beside the activation, either that reader
      // ran between the two and the activation was loaded again, or the output is spilled.
      for fan in fans where fan.readers.contains(j) {
        let before = sequence.filter { fan.readers.contains($0) }
        guard let a = before.last else { continue }
        let reload = fan.firstReload + before.count - 1
        for o in fan.outputs[a] ?? [] where o.size > room[j] && cost[o.item] > 0 {
          next.append(Demand(items: [reload, o.item].sorted(), least: min(cost[reload], cost[o.item])))
          added = true
        }
      }
      if added {
        next = Self.withoutImplied(next)
        if Self.disjointBound(next) >= best { continue }
      }
      visit(placed: placed | (1 << j), sequence: sequence + [j], demands: next, shouldStop: shouldStop)
      if stopped { return }
    }
  }

  /// `demands` without those that contain another (met whenever it is).
  static func withoutImplied(_ demands: [Demand]) -> [Demand] {
    let sorted = demands.sorted { $0.items.count < $1.items.count }
    var kept: [Demand] = []
    for d in sorted where !kept.contains(where: { isSubset($0.items, of: d.items) }) { kept.append(d) }
    return kept
  }

  private static func isSubset(_ a: [Int], of b: [Int]) -> Bool {
    var j = 0
    for x in a {
      while j < b.count && b[j] < x { j += 1 }
      guard j < b.count, b[j] == x else { return false }
      j += 1
    }
    return true
  }

  private static func intersect(_ a: [Int], _ b: [Int]) -> Bool {
    var (i, j) = (0, 0)
    while i < a.count && j < b.count {
      if a[i] == b[j] { return true }
      if a[i] < b[j] { i += 1 } else { j += 1 }
    }
    return false
  }

  /// A lower bound on the least hitting set: demands with no item in common each need their
  /// own, taken greedily, the costliest first (stores not counted).
  static func disjointBound(_ demands: [Demand]) -> ByteCount {
    var taken: [[Int]] = []
    var total = 0
    for d in demands.sorted(by: { ($0.least, $1.items.count) > ($1.least, $0.items.count) })
    where !taken.contains(where: { intersect($0, d.items) }) {
      taken.append(d.items)
      total += d.least
    }
    return total
  }

  /// The least cost of a set of items with one in every demand, with the stores its reloads
  /// bring, by branch and bound over the demand with fewest items; beyond 20,000 branches, the
  /// bound of ``disjointBound(_:)`` for what is left.
  func leastHittingSet(_ demands: [Demand]) -> ByteCount {
    var best = ByteCount.max
    var branches = 0
    func go(_ open: [Demand], paid: ByteCount, stored: Set<Int>) {
      guard let pick = open.min(by: { $0.items.count < $1.items.count }) else {
        best = min(best, paid)
        return
      }
      let floor = paid + Self.disjointBound(open)
      guard floor < best else { return }
      branches += 1
      if branches > 20_000 {
        best = min(best, floor)
        return
      }
      for t in pick.items.sorted(by: { cost[$0] < cost[$1] }) {
        let f = storeOf[t]
        let store = f >= 0 && !stored.contains(f) ? storeCost[f] : 0
        go(open.filter { !$0.items.contains(t) }, paid: paid + cost[t] + store, stored: f >= 0 ? stored.union([f]) : stored)
      }
    }
    go(demands, paid: 0, stored: [])
    return best == .max ? 0 : best
  }
}
