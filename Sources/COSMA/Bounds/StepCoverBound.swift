/// The step cover bound: a lower bound on the non-compulsory traffic of every plan, from a search
/// over the orders themselves.
///
/// In any order, when operator `o` runs, its working set is resident, and so is every tensor
/// that is live (produced, or an input already read, and still to be read by another operator)
/// unless it was moved out: an activation stored and reloaded (twice its bytes), an input,
/// weight or graph output reloaded (its bytes once). If the working set and the live tensors
/// exceed the capacity, the tensors moved out cover the excess, and the cheapest cover among the
/// live tensors that `o` does not read is a lower bound on the plan's traffic. The bound is the
/// least, over all orders, of the costliest step: every order has a step that costs at least
/// that much.
///
/// It is found level by level. A depth-first search over the sets of operators run (an order's
/// prefixes; the live tensors depend on the set alone) looks for an order whose every step
/// costs at most `B`, starting at `B = 0`. When none exists, every order has a step costing more,
/// at least the cheapest step the search cut; that becomes the bound and the next `B`. When an
/// order is found, the bound is exact: no better one comes from this argument.
///
/// The search runs an operator at once, without branching, when it fits and the tensors it
/// makes live can be matched to tensors it frees, each no larger and no costlier: any order
/// through the same set can run it now and stay as cheap at every step. On a RandWire graph
/// (361 operators) this proves in a fraction of a second that no order fits `M_H` without moving
/// one of the 61,152 B activations of its first stage, the spill its plan makes.
public struct StepCoverBound: Sendable, Equatable {
  /// Every order has a step whose cheapest cover costs at least this many bytes.
  public var bytes: ByteCount
  /// Levels proven: values of `B` for which no order stays at or below `B`.
  public var levels: Int
  /// Sets of operators the searches visited, over all levels.
  public var states: Int
  /// Steps evaluated (an operator's cost where it may run next), over all levels: the search's
  /// work.
  public var steps: Int
  /// Whether the search found an order whose every step costs at most ``bytes``: the argument
  /// can give no more. Otherwise it stopped on its state limit or its time.
  public var isExact: Bool
}

extension PlanningProblem {
  /// The step cover bound (see ``StepCoverBound``), evaluating at most `maxSteps` steps over
  /// all levels and stopping when `shouldStop` (asked every 4,096 steps) says so; the levels
  /// proven by then count.
  ///
  /// `orders` (each a topological order of every operator, such as a plan's) bound the search
  /// from above: once the bound reaches the costliest step of one of them, it is exact and the
  /// search ends there (at `M_P`, the minimum-peak order fits, and nothing is searched).
  ///
  /// `continuing` (a bound this search returned for the same problem, stopped) resumes from its
  /// last level, adding to its counts; `maxSteps` counts this call's steps.
  public func stepCoverBound(
    maxSteps: Int = 50_000_000, orders: [[OperatorID]] = [], continuing: StepCoverBound? = nil,
    shouldStop: () -> Bool = { false }
  ) -> StepCoverBound {
    stepCoverBound(free: [], maxSteps: maxSteps, orders: orders, continuing: continuing, shouldStop: shouldStop)
  }

  /// The same, where moving a tensor of `free` costs nothing (another bound counts its
  /// transfers, see ``fanReloadsWithStepCover(maxSteps:shouldStop:)``).
  func stepCoverBound(
    free: Set<TensorID>, maxSteps: Int, orders: [[OperatorID]], continuing: StepCoverBound?, shouldStop: () -> Bool
  ) -> StepCoverBound {
    var search = StepCoverSearch(problem: self, free: free)
    var result = continuing ?? StepCoverBound(bytes: 0, levels: 0, states: 0, steps: 0, isExact: false)
    guard !result.isExact else { return result }
    let known = orders.compactMap { search.costliestStep(of: $0) }.min()
    let spentBefore = result.steps
    var limit = result.bytes
    while true {
      if let known, limit >= known {
        result.isExact = true
        return result
      }
      let outcome = search.run(limit: limit, maxSteps: maxSteps - (result.steps - spentBefore), shouldStop: shouldStop)
      result.states += outcome.states
      result.steps += outcome.steps
      switch outcome.verdict {
      case .found:
        result.isExact = true
        return result
      case .stopped:
        return result
      case .noneAtOrBelow(let next):
        result.levels += 1
        guard let next else {
          // No order at all: no operator fits with everything else moved (the capacity is
          // below a working set); nothing more to prove here.
          return result
        }
        result.bytes = next
        limit = next
      }
    }
  }
}

extension PlanningProblem {
  /// The cheapest cover of the costliest step of `order` (see ``StepCoverBound``): the most the
  /// step cover bound can prove. Nil when `order` is not a topological order of every operator,
  /// or a step cannot be covered (a working set beyond the capacity).
  public func costliestStep(of order: [OperatorID]) -> ByteCount? {
    costliestStep(of: order, free: [])
  }

  /// The same, where moving a tensor of `free` costs nothing.
  func costliestStep(of order: [OperatorID], free: Set<TensorID>) -> ByteCount? {
    var search = StepCoverSearch(problem: self, free: free)
    return search.costliestStep(of: order)
  }
}

/// The depth-first search of ``PlanningProblem/stepCoverBound(maxSteps:orders:continuing:shouldStop:)`` at one
/// level: the state is the set of operators run, with the live tensors it implies.
struct StepCoverSearch {
  enum Verdict: Equatable {
    /// An order whose every step costs at most the limit.
    case found
    /// Every order has a step costing more; the cheapest step cut (nil: none could be covered).
    case noneAtOrBelow(ByteCount?)
    /// The state limit or `shouldStop` ended the search.
    case stopped
  }

  let capacity: ByteCount
  let n: Int
  /// Per operator: the tensors it reads (tracked ones), the tensors it writes, its successors,
  /// and its in-place saving.
  let reads: [[Int32]]
  let writes: [[Int32]]
  let successors: [[Int32]]
  let saving: [ByteCount]
  let predecessorCount: [Int32]
  /// Per tracked tensor: space in the scratchpad (0 for the parts held in place), the cost of
  /// moving it out once, its readers, and whether an operator produces it.
  let size: [ByteCount]
  let cost: [ByteCount]
  let readerCount: [Int32]
  let produced: [Bool]

  // The state.
  var isRun: [Bool]
  var runCount = 0
  var readsDone: [Int32]
  var available: [Bool]
  var predsLeft: [Int32]
  var live: [Int32] = []
  var livePosition: [Int32]
  var liveBytes = 0
  var ready: [Int32] = []
  var readyPosition: [Int32]
  var bits: [UInt64]
  /// Steps evaluated so far.
  var steps = 0

  init(problem: PlanningProblem, free: Set<TensorID> = []) {
    let g = problem.graph
    capacity = problem.capacity
    n = g.operators.count
    let inside = problem.partsHeldInPlace
    var index = [Int32](repeating: -1, count: g.tensors.count)
    var size: [ByteCount] = [], cost: [ByteCount] = [], readerCount: [Int32] = [], produced: [Bool] = []
    for t in g.tensorIDs where problem.isPlanned(t) {
      index[t.rawValue] = Int32(size.count)
      size.append(inside.contains(t) ? 0 : problem.size(t))
      let bytes = g[t].bytes
      cost.append(free.contains(t) ? 0 : g[t].kind == .activation ? 2 * bytes : bytes)
      readerCount.append(Int32(g.consumers[t.rawValue].count))
      produced.append(g.producer[t.rawValue] != nil)
    }
    self.size = size
    self.cost = cost
    self.readerCount = readerCount
    self.produced = produced
    reads = g.operatorIDs.map { o in g.distinctInputs[o.rawValue].compactMap { index[$0.rawValue] >= 0 ? index[$0.rawValue] : nil } }
    writes = g.operatorIDs.map { o in g[o].outputs.compactMap { index[$0.rawValue] >= 0 ? index[$0.rawValue] : nil } }
    successors = g.successors.map { $0.map { Int32($0.rawValue) } }
    predecessorCount = g.predecessors.map { Int32($0.count) }
    saving = g.operatorIDs.map { problem.orderFreeSaving(of: $0) }
    isRun = [Bool](repeating: false, count: n)
    readsDone = [Int32](repeating: 0, count: size.count)
    available = produced.map { _ in false }
    predsLeft = predecessorCount
    livePosition = [Int32](repeating: -1, count: size.count)
    readyPosition = [Int32](repeating: -1, count: n)
    bits = [UInt64](repeating: 0, count: (n + 63) / 64)
    for o in 0..<n where predsLeft[o] == 0 { addReady(Int32(o)) }
  }

  private func isLive(_ t: Int32) -> Bool {
    let t = Int(t)
    return available[t] && readsDone[t] < readerCount[t]
  }

  private mutating func setLive(_ t: Int32, _ on: Bool) {
    let i = Int(t)
    if on {
      livePosition[i] = Int32(live.count)
      live.append(t)
      liveBytes += size[i]
    } else {
      let p = Int(livePosition[i])
      let last = live.removeLast()
      if p < live.count {
        live[p] = last
        livePosition[Int(last)] = Int32(p)
      }
      livePosition[i] = -1
      liveBytes -= size[i]
    }
  }

  private mutating func addReady(_ o: Int32) {
    readyPosition[Int(o)] = Int32(ready.count)
    ready.append(o)
  }

  private mutating func removeReady(_ o: Int32) {
    let p = Int(readyPosition[Int(o)])
    let last = ready.removeLast()
    if p < ready.count {
      ready[p] = last
      readyPosition[Int(last)] = Int32(p)
    }
    readyPosition[Int(o)] = -1
  }

  /// Runs ready operator `o`.
  private mutating func apply(_ o: Int32) {
    let i = Int(o)
    isRun[i] = true
    runCount += 1
    bits[i / 64] |= 1 << UInt64(i % 64)
    removeReady(o)
    for t in reads[i] {
      let was = isLive(t)
      if !produced[Int(t)] { available[Int(t)] = true }
      readsDone[Int(t)] += 1
      let now = isLive(t)
      if was != now { setLive(t, now) }
    }
    for t in writes[i] {
      available[Int(t)] = true
      if isLive(t) { setLive(t, true) }
    }
    for s in successors[i] {
      predsLeft[Int(s)] -= 1
      if predsLeft[Int(s)] == 0 { addReady(s) }
    }
  }

  /// Undoes ``apply(_:)`` of `o`, the last operator run.
  private mutating func undo(_ o: Int32) {
    let i = Int(o)
    for s in successors[i].reversed() {
      if predsLeft[Int(s)] == 0 { removeReady(s) }
      predsLeft[Int(s)] += 1
    }
    for t in writes[i].reversed() {
      if isLive(t) { setLive(t, false) }
      available[Int(t)] = false
    }
    for t in reads[i].reversed() {
      let was = isLive(t)
      readsDone[Int(t)] -= 1
      if !produced[Int(t)] && readsDone[Int(t)] == 0 { available[Int(t)] = false }
      let now = isLive(t)
      if was != now { setLive(t, now) }
    }
    addReady(o)
    bits[i / 64] &= ~(1 << UInt64(i % 64))
    isRun[i] = false
    runCount -= 1
  }

  /// The cheapest cover of what running `o` now puts beyond the capacity, by live tensors it
  /// does not read; 0 when it fits, nil when nothing covers it.
  private mutating func stepCost(_ o: Int32) -> ByteCount? {
    steps += 1
    let i = Int(o)
    var bytes = liveBytes - saving[i]
    for t in reads[i] where !isLive(t) { bytes += size[Int(t)] }
    for t in writes[i] { bytes += size[Int(t)] }
    let excess = bytes - capacity
    guard excess > 0 else { return 0 }
    guard live.count <= Self.gatheredCoverItems else {
      // Many live tensors (a tiled graph's): the excess at the least cost per byte, and the
      // cheapest tensor, in one pass without gathering them.
      var (total, cheapest, rate) = (0, Int.max, Double.infinity)
      for t in live {
        let (s, c) = (size[Int(t)], cost[Int(t)])
        guard s > 0, !reads[i].contains(t) else { continue }
        total += s
        cheapest = min(cheapest, c)
        rate = min(rate, Double(c) / Double(s))
      }
      guard total >= excess else { return nil }
      return max(Int((rate * Double(excess) - 1e-6).rounded(.up)), cheapest)
    }
    var items: [(size: ByteCount, cost: ByteCount)] = []
    for t in live where size[Int(t)] > 0 && !reads[i].contains(t) { items.append((size[Int(t)], cost[Int(t)])) }
    return Self.cheapestCover(of: excess, by: items)
  }

  /// The least total cost of items whose sizes add up to at least `excess` (nil when all of
  /// them do not): branch and bound over the items by cost per byte, with the fractional cover as
  /// the bound. With more than ``exactCoverItems`` items, or after 4,096 nodes, the best lower
  /// bound known instead: the fractional cover, and the cheapest item (a cover can be no
  /// cheaper).
  static func cheapestCover(of excess: ByteCount, by unsorted: [(size: ByteCount, cost: ByteCount)]) -> ByteCount? {
    let items = unsorted.sorted { $0.cost * $1.size < $1.cost * $0.size }
    // Prefix sums: the fractional cover from any item is a binary search.
    var sizes = [ByteCount](repeating: 0, count: items.count + 1)
    var costs = [ByteCount](repeating: 0, count: items.count + 1)
    for (j, item) in items.enumerated() {
      sizes[j + 1] = sizes[j] + item.size
      costs[j + 1] = costs[j] + item.cost
    }
    guard sizes[items.count] >= excess else { return nil }
    func fractional(from k: Int, need: ByteCount) -> Double {
      let target = sizes[k] + need
      guard sizes[items.count] >= target else { return .infinity }
      // The first item j ≥ k whose prefix reaches the target.
      var (lo, hi) = (k, items.count - 1)
      while lo < hi {
        let mid = (lo + hi) / 2
        if sizes[mid + 1] >= target { hi = mid } else { lo = mid + 1 }
      }
      let part = Double(items[lo].cost) * Double(target - sizes[lo]) / Double(items[lo].size)
      return Double(costs[lo] - costs[k]) + part
    }
    let root = fractional(from: 0, need: excess)
    let floor = max(Int((root - 1e-6).rounded(.up)), items.map(\.cost).min() ?? 0)
    guard items.count <= exactCoverItems else { return floor }
    var best = Int.max
    var nodes = 0
    func visit(_ k: Int, _ need: ByteCount, _ paid: ByteCount) {
      nodes += 1
      if need <= 0 { best = min(best, paid); return }
      guard k < items.count, nodes < 4096, Double(paid) + fractional(from: k, need: need) < Double(best) - 1e-6 else { return }
      visit(k + 1, need - items[k].size, paid + items[k].cost)
      visit(k + 1, need, paid)
    }
    visit(0, excess, 0)
    return nodes >= 4096 ? floor : max(best, floor)
  }

  /// The most items ``cheapestCover(of:by:)`` searches exactly.
  static let exactCoverItems = 40
  /// The most live tensors a step gathers and sorts for ``cheapestCover(of:by:)``; beyond (a
  /// tiled graph's thousands of tiles), one pass bounds the cover by the excess at the least
  /// cost per byte and the cheapest tensor.
  static let gatheredCoverItems = 256

  /// Whether running `o` now (it fits) can be taken without branching: what it makes live
  /// matches, one to one, what it frees, each no larger and no costlier.
  private func dominates(_ o: Int32) -> Bool {
    let i = Int(o)
    var made: [Int32] = writes[i].filter { readerCount[Int($0)] > 0 && size[Int($0)] > 0 }
    var freed: [Int32] = []
    for t in reads[i] {
      let ti = Int(t)
      let liveNow = isLive(t)
      let after = readsDone[ti] + 1 < readerCount[ti]
      if liveNow && !after { freed.append(t) }
      if !liveNow && !produced[ti] && readsDone[ti] == 0 && after && size[ti] > 0 { made.append(t) }
    }
    if made.isEmpty { return true }
    guard made.count <= freed.count else { return false }
    made.sort { size[Int($0)] > size[Int($1)] }
    freed.sort { size[Int($0)] > size[Int($1)] }
    var used = [Bool](repeating: false, count: freed.count)
    for a in made {
      guard let j = freed.indices.last(where: { !used[$0] && size[Int(freed[$0])] >= size[Int(a)] && cost[Int(freed[$0])] >= cost[Int(a)] })
      else { return false }
      used[j] = true
    }
    return true
  }

  /// Runs, until none is left, operators that fit and may be taken without branching; returns
  /// them in the order run.
  /// `halt`, asked with the steps evaluated after each one, ends it early (a tiled graph's
  /// closure may run thousands of operators).
  private mutating func runDominated(halt: (Int) -> Bool) -> (taken: [Int32], halted: Bool) {
    var taken: [Int32] = []
    var progress = true
    while progress {
      progress = false
      var i = 0
      while i < ready.count {
        let o = ready[i]
        guard dominates(o) && stepCost(o) == 0 else {
          i += 1
          continue
        }
        // Removing `o` from the ready operators moves another to `i`: it is looked at next.
        apply(o)
        taken.append(o)
        progress = true
        if halt(steps) { return (taken, true) }
      }
    }
    return (taken, false)
  }

  /// The cost of the costliest step of `order` (nil when it is not a topological order of every
  /// operator, or a step cannot be covered).
  mutating func costliestStep(of order: [OperatorID]) -> ByteCount? {
    var worst: ByteCount? = 0
    var taken: [Int32] = []
    for o in order {
      let o = Int32(o.rawValue)
      guard o >= 0, Int(o) < n, readyPosition[Int(o)] >= 0, let c = stepCost(o) else {
        worst = nil
        break
      }
      worst = max(worst!, c)
      apply(o)
      taken.append(o)
    }
    if runCount < n { worst = nil }
    for o in taken.reversed() { undo(o) }
    steps = 0
    return worst
  }

  /// Searches for an order whose every step costs at most `limit`, from the empty set.
  mutating func run(limit: ByteCount, maxSteps: Int, shouldStop: () -> Bool) -> (verdict: Verdict, states: Int, steps: Int) {
    steps = 0
    var nextCheck = 4096
    var visited = BitSetTable(words: bits.count)
    var cheapestCut: ByteCount?
    var states = 0
    /// A state of the search: the operators run to reach it (undone on leaving it), and the
    /// operators still to try from it, the next last.
    struct Frame {
      var taken: [Int32]
      var children: [Int32]
    }
    var frames: [Frame] = []
    var halted = false

    /// Whether the search must stop, after `steps` steps.
    func halt(_ steps: Int) -> Bool {
      if steps >= maxSteps { return true }
      guard steps >= nextCheck else { return false }
      nextCheck = steps + 4096
      return shouldStop()
    }

    /// Enters the state reached: closes it under dominated operators, and returns its frame, or
    /// nil when it was visited before (its operators undone).
    func enter(_ first: [Int32]) -> Frame? {
      var taken = first
      let closure = runDominated(halt: halt)
      taken += closure.taken
      if closure.halted {
        halted = true
        return Frame(taken: taken, children: [])
      }
      guard visited.insert(bits) else {
        for o in taken.reversed() { undo(o) }
        return nil
      }
      states += 1
      var scored: [(op: Int32, cost: ByteCount, growth: ByteCount)] = []
      for o in ready {
        guard let c = stepCost(o) else { continue }
        if c > limit {
          cheapestCut = min(cheapestCut ?? .max, c)
          continue
        }
        var growth = 0
        for t in writes[Int(o)] where readerCount[Int(t)] > 0 { growth += size[Int(t)] }
        scored.append((o, c, growth))
      }
      // Cheapest steps first, then the least growth: an order at the last level is found sooner.
      scored.sort { ($0.cost, $0.growth, $0.op) < ($1.cost, $1.growth, $1.op) }
      return Frame(taken: taken, children: scored.map(\.op).reversed())
    }

    if let root = enter([]) { frames.append(root) }
    if halted, runCount < n {
      for f in frames.reversed() { for o in f.taken.reversed() { undo(o) } }
      return (.stopped, states, steps)
    }
    defer { for f in frames.reversed() { for o in f.taken.reversed() { undo(o) } } }
    while var top = frames.popLast() {
      if runCount == n {
        frames.append(top)
        return (.found, states, steps)
      }
      if halted || halt(steps) {
        frames.append(top)
        return (.stopped, states, steps)
      }
      guard let o = top.children.popLast() else {
        for o in top.taken.reversed() { undo(o) }
        continue
      }
      frames.append(top)
      apply(o)
      if let child = enter([o]) { frames.append(child) }
    }
    return (.noneAtOrBelow(cheapestCut), states, steps)
  }
}

/// A set of fixed-width bit sets, by open addressing over one flat array.
struct BitSetTable {
  let words: Int
  private var slots: [Int32]
  private var storage: [UInt64] = []
  private var count = 0

  init(words: Int) {
    self.words = max(words, 1)
    slots = [Int32](repeating: -1, count: 1024)
  }

  private func hash(_ key: [UInt64]) -> Int {
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15
    for w in key { h = (h ^ w) &* 0xBF58_476D_1CE4_E5B9; h ^= h >> 31 }
    return Int(truncatingIfNeeded: h)
  }

  private func equals(_ index: Int, _ key: [UInt64]) -> Bool {
    let base = index * words
    for j in 0..<words where storage[base + j] != (j < key.count ? key[j] : 0) { return false }
    return true
  }

  /// Inserts `key`; false when it was there.
  mutating func insert(_ key: [UInt64]) -> Bool {
    if (count + 1) * 2 > slots.count { grow() }
    let mask = slots.count - 1
    var p = hash(key) & mask
    while slots[p] >= 0 {
      if equals(Int(slots[p]), key) { return false }
      p = (p + 1) & mask
    }
    slots[p] = Int32(count)
    storage.append(contentsOf: key)
    count += 1
    return true
  }

  private mutating func grow() {
    var bigger = [Int32](repeating: -1, count: slots.count * 2)
    let mask = bigger.count - 1
    for i in 0..<count {
      let key = Array(storage[(i * words)..<((i + 1) * words)])
      var p = hash(key) & mask
      while bigger[p] >= 0 { p = (p + 1) & mask }
      bigger[p] = Int32(i)
    }
    slots = bigger
  }
}
