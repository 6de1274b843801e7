import Foundation

/// What the allocator found.
public enum AllocationOutcome: Sendable, Equatable {
  /// Offsets, one per buffer in input order.
  case placed([ByteCount])
  /// Proven impossible, with the reason.
  case infeasible(String)
  /// The search stopped on its limit without an answer.
  case unknown
}

/// Places fixed-lifetime buffers at offsets inside a capacity, so that buffers live at the same
/// time never overlap: the offset allocation problem solved by TFLite, TVM, XLA and MiniMalloc.
///
/// First the greedy best-fit of TFLite (largest buffer first, in the smallest gap among the
/// buffers that overlap it in time), with a few orders. When all fail, an exact search over
/// canonical solutions: in a solution pushed down as far as it goes, every buffer sits at 0 or
/// on top of a buffer that overlaps it in time, so placing buffers in order of offset each at the
/// top of the placed buffers it overlaps enumerates every canonical solution (the idea of
/// MiniMalloc, Moffitt 2023). The search prunes by dominance and section bounds (raised by
/// disjunctive "not first" reasoning across sections), splits the buffers into time-disjoint
/// groups solved on their own, and restarts with other tie-break orders under a doubling node
/// budget (see `CanonicalSearch`).
public struct OffsetAllocator: Sendable {
  public var capacity: ByteCount
  public var alignment: Int
  /// How many 64-bit words the exact search may spend remembering states without a completion
  /// (8 M words: 64 MB of keys).
  static let memoWords = 8_000_000
  /// How many threads the exact search runs its restart orders on (the answer does not depend
  /// on it, only how soon it comes).
  public var threads = ProcessInfo.processInfo.activeProcessorCount
  /// How many search nodes the exact search may visit before giving up.
  public var nodeLimit: Int = 2_000_000
  /// How long the exact search may run before giving up (`nil`: no limit but the node limit).
  public var timeLimit: Duration? = nil
  /// Whether to try the greedy best-fit before the exact search (off only to test the search).
  public var greedyFirst = true
  /// Receives the search nodes the exact search spent, counted so that the figure does not
  /// depend on the threads' timing (the planners' deterministic mode charges them as work).
  var spentNodes: (@Sendable (Int) -> Void)?

  public init(capacity: ByteCount, alignment: Int = 1) {
    self.capacity = capacity
    self.alignment = max(1, alignment)
  }

  public func allocate(_ buffers: [Buffer]) -> AllocationOutcome {
    if buffers.isEmpty { return .placed([]) }
    let sized = buffers.map { b -> Buffer in
      var c = b
      c.size = roundUp(b.size, to: alignment)
      return c
    }
    let end = roundDown(capacity, to: alignment)
    if let reason = Self.sectionOverflow(sized, capacity: end) { return .infeasible(reason) }
    // One deadline for the greedy orders and the search (an order takes seconds on a million
    // buffers).
    let deadline = timeLimit.map { ContinuousClock.now.advanced(by: $0) }
    // The longest greedy pass so far: what the next one, or the search's preparation, may take.
    var greedyPass: Duration = .zero
    if greedyFirst {
      let lifetimes = LifetimeIndex(sized)
      // Another order only if it would end before the deadline (a million buffers: seconds each).
      func timeLeft() -> Bool { deadline.map { ContinuousClock.now + greedyPass < $0 } ?? true }
      for order in Self.greedyOrders(sized, while: timeLeft) {
        let started = ContinuousClock.now
        var placed = 0
        if let offsets = bestFit(sized, order: order, end: end, index: lifetimes, placed: &placed) { return .placed(offsets) }
        // A failed pass stopped part of the way: a whole one takes longer in proportion.
        greedyPass = max(greedyPass, (ContinuousClock.now - started) * (Double(sized.count) / Double(max(1, placed))))
      }
    }
    if nodeLimit <= 0 || timeLimit.map({ $0 <= .zero }) == true { return .unknown }
    // The search's preparation alone costs about a greedy pass: none starts that would end past
    // the deadline.
    if let deadline, ContinuousClock.now + greedyPass >= deadline { return .unknown }
    return exactSearch(sized, end: end, deadline: deadline)
  }

  /// The exact search, restarted with several tie-break orders and a node budget that doubles
  /// each round: which order finds a placement fast varies from instance to instance, and a
  /// wrong early choice can cost the search far more than a restart. A run that ends within its
  /// budget is complete, so it alone proves infeasibility.
  func exactSearch(_ buffers: [Buffer], end: ByteCount, deadline: ContinuousClock.Instant?) -> AllocationOutcome {
    let prepared = CanonicalSearch.Prepared(buffers)
    let variants = CanonicalSearch.Prepared.variants
    let workers = max(1, min(threads, variants))
    // Worker `w` runs the variants `v` with `v % workers == w`, each keeping the failed states
    // it proved across its runs; all tables together hold at most `memoWords` words.
    let lanes = (0..<variants).map { _ in Lane() }
    let room = Self.memoWords / variants
    let spent = Counter()
    var budget = 4096
    var counted = 0
    defer { spentNodes?(counted) }
    while true {
      // The lowest variant that finished this round; a worker stops a run once a lower one has.
      let winner = Counter(Int.max)
      let limit = min(budget, nodeLimit)
      let round: @Sendable (Int) -> Void = { w in
        for v in stride(from: w, to: variants, by: workers) {
          if winner.value < v { return }
          // A run's root alone takes a second on 100,000 buffers: none starts past the deadline.
          if let deadline, ContinuousClock.now >= deadline { return }
          let lane = lanes[v]
          var search = CanonicalSearch(prepared, end: end, variant: v, nodeLimit: limit, deadline: deadline)
          search.stop = { winner.value < v }
          search.failed = lane.failed
          search.memoRoom = room - lane.words
          lane.outcome = search.run()
          lane.words = room - search.memoRoom
          lane.failed = search.failed
          lane.nodes = search.nodes
          spent.add(search.nodes)
          if lane.outcome != .unknown { winner.lower(to: v) }
        }
      }
      if workers == 1 {
        round(0)
      } else {
        DispatchQueue.concurrentPerform(iterations: workers, execute: round)
      }
      // The lowest variant's answer, so that the result does not depend on thread timing. The
      // variants below it ran their whole budget; those above it may have been stopped early.
      if winner.value < variants {
        counted += lanes[...winner.value].reduce(0) { $0 + $1.nodes }
        return lanes[winner.value].outcome
      }
      counted = spent.value
      if spent.value >= nodeLimit || deadline.map({ ContinuousClock.now >= $0 }) == true { return .unknown }
      budget = min(budget * 2, max(4096, (nodeLimit - spent.value) / variants))
    }
  }

  /// One variant's state across rounds; only the worker running the variant touches it.
  private final class Lane: @unchecked Sendable {
    var failed: Set<[UInt64]> = []
    var words = 0
    /// Nodes of the variant's last run.
    var nodes = 0
    var outcome = AllocationOutcome.unknown
  }

  /// An integer shared by the workers.
  private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Int
    init(_ value: Int = 0) { stored = value }
    var value: Int { lock.withLock { stored } }
    func add(_ n: Int) { lock.withLock { stored += n } }
    func lower(to n: Int) { lock.withLock { stored = min(stored, n) } }
  }

  /// The first time at which live bytes exceed the capacity, as a reason, if any.
  static func sectionOverflow(_ buffers: [Buffer], capacity: ByteCount) -> String? {
    var events: [(Int, Int)] = []
    for b in buffers {
      events.append((b.lower, b.size))
      events.append((b.upper, -b.size))
    }
    events.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
    var live = 0
    for (time, delta) in events {
      live += delta
      if live > capacity {
        return "at time \(time) the live buffers need \(live) bytes, more than the capacity \(capacity)"
      }
    }
    return nil
  }

  /// The greedy best-fit orders, each sorted only when it is tried and only while `more()` says
  /// so (a million buffers take half a second per sort): by size, by lifetime, by size ×
  /// lifetime, by start.
  static func greedyOrders(_ b: [Buffer], while more: @escaping () -> Bool = { true }) -> UnfoldSequence<[Int], Int> {
    let idx = Array(b.indices)
    func area(_ x: Buffer) -> Double { Double(x.size) * Double(x.upper - x.lower) }
    return sequence(state: 0) { k -> [Int]? in
      guard k < 4, more() else { return nil }
      defer { k += 1 }
      switch k {
      case 0: return idx.sorted { (b[$0].size, b[$0].upper - b[$0].lower, -$0) > (b[$1].size, b[$1].upper - b[$1].lower, -$1) }
      case 1: return idx.sorted { (b[$0].upper - b[$0].lower, b[$0].size, -$0) > (b[$1].upper - b[$1].lower, b[$1].size, -$1) }
      // Size × lifetime reaches 2^100 on valid input (both up to 2^50): compared as doubles.
      case 2: return idx.sorted { (area(b[$0]), -$0) > (area(b[$1]), -$1) }
      default: return idx.sorted { ($0 == $1) ? false : (b[$0].lower, -b[$0].size, $0) < (b[$1].lower, -b[$1].size, $1) }
      }
    }
  }

  /// The highest end of a placement, rounded up to the alignment: the capacity it needs.
  func extent(_ buffers: [Buffer], _ offsets: [ByteCount]) -> ByteCount {
    roundUp(zip(buffers, offsets).map { $0.size + $1 }.max() ?? 0, to: alignment)
  }

  /// The least capacity the greedy best-fit needs over its orders, sizes rounded up to the
  /// alignment: what a TFLite-style allocator would ask for.
  public func bestFitExtent(_ buffers: [Buffer]) -> ByteCount {
    let sized = buffers.map { b -> Buffer in
      var c = b
      c.size = roundUp(b.size, to: alignment)
      return c
    }
    let lifetimes = LifetimeIndex(sized)
    return Self.greedyOrders(sized).compactMap { order in
      bestFit(sized, order: order, end: .max, index: lifetimes).map { offsets in
        zip(sized, offsets).map { $0.size + $1 }.max() ?? 0
      }
    }.min() ?? 0
  }
}

/// The exact search over canonical solutions (see ``OffsetAllocator``).
///
/// Time is compressed into sections (the intervals between consecutive distinct lifetime ends),
/// so every buffer covers a contiguous range of sections. Each unplaced buffer keeps its
/// candidate offset, the top of the placed buffers that overlap it, raised as its neighbours are
/// placed. Buffers are placed in increasing (offset, rank) order, each at its candidate: every
/// solution pushed down as far as it goes has such an order, so the search is complete. Three
/// rules prune it, each keeping at least one solution of least total offset when any solution
/// exists:
///
/// - **Resting**: a buffer is placed only at its candidate, and only when that is at least the
///   offset of the last placed buffer (a buffer below it would float, so a later buffer must
///   hold it up).
/// - **Dominance**: when an unplaced buffer would fit entirely in the empty band between its
///   candidate and the current floor, the branch is dropped: moving it down yields a solution with
///   smaller total offset, found in another branch.
/// - **Section bound**: in every section, the unplaced buffers whose lowest possible offset is
///   at least `t` must fit between `t` and the capacity, for every `t` (the lowest possible
///   offset is the candidate, or, for a buffer that must rest on one placed later, the lowest
///   top any unplaced neighbour can reach: a shortest path from the buffers that can still
///   take their candidates). Before the check, the lowest offsets are raised by the "not
///   first" rule of disjunctive scheduling, each section being a machine and offsets times: a
///   buffer that cannot be a section's lowest lies above the one that is. A buffer's offset is
///   the same in all its sections, so a raise in one section carries to the others; this is
///   what makes the suite's hardest instances (E, I) take well under a second.
///
/// Buffers of the same lifetime and size are interchangeable, so they are placed in index order,
/// and a buffer whose neighbours all live within its lifetime starts at the bottom.
///
/// A state without a completion (the buffers left, their candidates, the floor and the last
/// rank) is remembered, within a memory budget, so that reaching it again by another path costs
/// one lookup.
private struct CanonicalSearch {
  let size: [ByteCount]
  let first: [Int]  // first section of each buffer
  let last: [Int]  // last section of each buffer (inclusive)
  let end: ByteCount
  let nodeLimit: Int
  let deadline: ContinuousClock.Instant?
  /// Asked now and then whether to give up (another worker has the answer).
  var stop: (() -> Bool)?
  /// For each buffer, the buffers overlapping it in time.
  let neighbours: [[Int]]
  /// For each buffer, the previous buffer of the same lifetime and size, or -1.
  let twin: [Int]
  /// Static tie-break order among buffers with the same candidate: rank (lower goes first).
  let rank: [Int]
  var offsets: [ByteCount]
  var placed: [Bool]
  /// Highest top of the placed buffers overlapping each buffer (its candidate offset).
  var candidate: [ByteCount]
  /// The buffers still to place in the current group, sorted by (first section, index).
  var unplaced: [Int]
  /// What each placement changed, most recent last.
  var trail: [Saved] = []
  var nodes = 0
  /// States proven to have no completion, each as its `stateKey`.
  var failed: Set<[UInt64]> = []
  /// The common divisor of every offset the search reaches, and the bits an offset divided by
  /// it takes in a state key.
  let unit: ByteCount
  let keyBits: Int
  /// How many more words `failed` may take.
  var memoRoom = 0
  /// Scratch space of `sectionsFit`.
  var lifted: [(ByteCount, Int)] = []
  var above: [ByteCount]
  /// Scratch space of `sectionsFit`: the lowest offset of each unplaced buffer, and the buffers
  /// that must rest on one placed later.
  var low: [ByteCount]
  /// Scratch space of `notFirst`: per section, the unplaced bytes and the lowest top of a
  /// buffer that can be the section's lowest.
  var total: [ByteCount]
  var lowestTop: [ByteCount]
  var stuck: [Int] = []

  struct Saved {
    var buffer: Int
    var candidates: [ByteCount]
  }

  /// What every run on the same buffers shares.
  struct Prepared: Sendable {
    var size: [ByteCount]
    var first: [Int]
    var last: [Int]
    var sections: Int
    var neighbours: [[Int]]
    /// The static orders tried, one per variant.
    var orders: [[Int]]
    static let variants = 13
    /// For each buffer, the previous buffer of the same lifetime and size, or -1.
    var twin: [Int]

    init(_ buffers: [Buffer]) {
      let times = Array(Set(buffers.flatMap { [$0.lower, $0.upper] })).sorted()
      var index: [Int: Int] = [:]
      for (k, t) in times.enumerated() { index[t] = k }
      size = buffers.map(\.size)
      first = buffers.map { index[$0.lower]! }
      last = buffers.map { index[$0.upper]! - 1 }
      sections = max(0, times.count - 1)
      // Pairs that overlap in time, by a sweep over start times (each buffer meets the ones
      // starting before its end and ending after its start): the cost is the pairs, not n².
      var nb = [[Int]](repeating: [], count: buffers.count)
      let byStart = buffers.indices.sorted { (buffers[$0].lower, $0) < (buffers[$1].lower, $1) }
      for (k, i) in byStart.enumerated() {
        for j in byStart[(k + 1)...] {
          if buffers[j].lower >= buffers[i].upper { break }
          if buffers[j].upper > buffers[i].lower {
            nb[i].append(j)
            nb[j].append(i)
          }
        }
      }
      for i in nb.indices { nb[i].sort() }
      neighbours = nb
      var seen: [[Int]: Int] = [:]
      twin = buffers.indices.map { i in
        let key = [buffers[i].lower, buffers[i].upper, buffers[i].size]
        defer { seen[key] = i }
        return seen[key] ?? -1
      }
      var need = [ByteCount](repeating: 0, count: sections)
      for i in buffers.indices where buffers[i].size > 0 && buffers[i].lower < buffers[i].upper {
        for s in index[buffers[i].lower]!..<index[buffers[i].upper]! { need[s] += buffers[i].size }
      }
      // The busiest section each buffer lives in: buffers there are the hardest to fit.
      var crowd = [ByteCount](repeating: 0, count: buffers.count)
      for i in buffers.indices where buffers[i].lower < buffers[i].upper {
        crowd[i] = (index[buffers[i].lower]!..<index[buffers[i].upper]!).map { need[$0] }.max() ?? 0
      }
      let width = buffers.map { $0.upper - $0.lower }
      let sw = buffers.indices.map { index[buffers[$0].upper]! - index[buffers[$0].lower]! }
      let size = self.size
      // Size × width reaches 2^100 on valid input (both up to 2^50): saturated.
      func area(_ i: Int, _ w: [Int]) -> Int {
        let (p, overflow) = size[i].multipliedReportingOverflow(by: w[i])
        return overflow ? .max : p
      }
      let keys: [(Int) -> [Int]] = [
        { [crowd[$0], width[$0], size[$0]] },  // MiniMalloc's "TWA"
        { [crowd[$0], area($0, width)] },
        { [area($0, width), size[$0]] },
        { [width[$0], size[$0]] },
        { [crowd[$0], size[$0], width[$0]] },
        { [size[$0], width[$0]] },
        { [width[$0], area($0, width), crowd[$0]] },  // WAT
        { [crowd[$0], area($0, width), width[$0]] },  // TAW
        { [sw[$0], size[$0]] },
        { [crowd[$0], sw[$0], size[$0]] },
        { [area($0, sw), size[$0]] },
      ]
      // Each buffer's key computed once per order (not in every comparison: 100,000 buffers).
      var orders = keys.map { key in
        let k = buffers.indices.map(key)
        return buffers.indices.sorted { k[$0] != k[$1] ? k[$0].lexicographicallyPrecedes(k[$1]) == false : $0 < $1 }
      }
      // Then the first order with random swaps of neighbours.
      var rng = SplitMix64(seed: 0x5EED)
      while orders.count < Self.variants {
        var o = orders[0]
        for _ in 0..<(o.count / 4) where o.count > 1 {
          let k = Int(rng.next() % UInt64(o.count - 1))
          o.swapAt(k, k + 1)
        }
        orders.append(o)
      }
      self.orders = orders
    }
  }

  init(_ p: Prepared, end: ByteCount, variant: Int, nodeLimit: Int, deadline: ContinuousClock.Instant?) {
    self.end = end
    self.nodeLimit = nodeLimit
    self.deadline = deadline
    size = p.size
    first = p.first
    last = p.last
    neighbours = p.neighbours
    twin = p.twin
    above = Array(repeating: 0, count: p.sections)
    low = Array(repeating: 0, count: p.size.count)
    total = Array(repeating: 0, count: p.sections)
    lowestTop = Array(repeating: 0, count: p.sections)
    unit = max(1, p.size.reduce(0) { gcd($0, $1) })
    let steps = end / unit + 1
    keyBits = steps < 1 << 16 ? 16 : steps < 1 << 32 ? 32 : 64
    var rank = [Int](repeating: 0, count: p.size.count)
    for (r, i) in p.orders[variant].enumerated() { rank[i] = r }
    self.rank = rank
    offsets = Array(repeating: 0, count: p.size.count)
    placed = Array(repeating: false, count: p.size.count)
    candidate = Array(repeating: 0, count: p.size.count)
    unplaced = Array(p.size.indices)
  }

  mutating func run() -> AllocationOutcome {
    // Buffers of no size or no lifetime take no room: offset 0.
    let (size, first, last) = (self.size, self.first, self.last)
    let trivial = { (i: Int) in size[i] == 0 || last[i] < first[i] }
    for i in size.indices where trivial(i) { placed[i] = true }
    unplaced = unplaced.filter { !trivial($0) }.sorted { (first[$0], $0) < (first[$1], $1) }
    placeCoveringBuffers()
    switch place(floor: 0, lastRank: -1) {
    case true?: return .placed(offsets)
    case false?: return .infeasible("no placement of the buffers fits in \(end) bytes (exhaustive search)")
    case nil: return .unknown
    }
  }

  /// Puts at the bottom, before the search, every buffer that covers its neighbours: a buffer
  /// whose unplaced neighbours all live within its lifetime, over sections stacked to one
  /// height. In any solution such a buffer can be moved down to that height, with the
  /// neighbours that were between lifted by its size: they stay inside its lifetime, where
  /// nothing else is above the stack, and keep their order. So the move loses no solution, and
  /// it takes away the many heights at which the search could otherwise place a buffer alive
  /// across the whole instance.
  mutating func placeCoveringBuffers() {
    let sections = above.count
    var height = [ByteCount](repeating: 0, count: sections)
    var changed = true
    while changed {
      changed = false
      for b in unplaced {
        let h = height[first[b]]
        guard (first[b]...last[b]).allSatisfy({ height[$0] == h }), h + size[b] <= end else { continue }
        if twin[b] >= 0 && !placed[twin[b]] { continue }
        let covers = neighbours[b].allSatisfy { j in placed[j] || (first[j] >= first[b] && last[j] <= last[b]) }
        guard covers else { continue }
        apply(b, at: h)
        for s in first[b]...last[b] { height[s] = h + size[b] }
        changed = true
        break
      }
    }
  }

  /// Places the unplaced buffers at offsets ≥ `floor`, in (offset, rank) order after the last
  /// placed buffer (offset `floor`, rank `lastRank`). nil when a limit is reached. On success
  /// the placements stay applied (on the trail); on failure the state is as it was.
  mutating func place(floor: ByteCount, lastRank: Int) -> Bool? {
    if unplaced.isEmpty { return true }
    nodes += 1
    if nodes > nodeLimit { return nil }
    if nodes % 64 == 0 {
      if let deadline, ContinuousClock.now >= deadline { return nil }
      if let stop, stop() { return nil }
    }
    let key = stateKey(floor: floor, lastRank: lastRank)
    if failed.contains(key) { return false }
    let r = search(floor: floor, lastRank: lastRank)
    if r == false, key.count <= memoRoom {
      failed.insert(key)
      memoRoom -= key.count
    }
    return r
  }

  /// What the rest of the search depends on: the buffers left, the lowest offset each can take,
  /// the floor and the rank of the last placed buffer.
  func stateKey(floor: ByteCount, lastRank: Int) -> [UInt64] {
    // Every offset the search reaches is a sum of sizes, so a multiple of their common divisor:
    // divided by it, offsets are packed `64 / keyBits` to a word.
    let perWord = 64 / keyBits
    let words = (size.count + 63) / 64
    var key = [UInt64](repeating: 0, count: words + (unplaced.count + perWord - 1) / perWord + 2)
    for i in unplaced { key[i / 64] |= 1 << UInt64(i % 64) }
    for (n, i) in unplaced.enumerated() {
      let value = UInt64(candidate[i] / unit)
      key[words + n / perWord] |= value << UInt64((n % perWord) * keyBits)
    }
    key[key.count - 2] = UInt64(floor / unit)
    key[key.count - 1] = UInt64(bitPattern: Int64(lastRank))
    return key
  }

  mutating func search(floor: ByteCount, lastRank: Int) -> Bool? {
    // Buffers in time-disjoint groups never meet: solve each group on its own, so that a
    // failure in one does not make the search retry the others' choices.
    let groups = components()
    if groups.count > 1 { return placeSeparately(groups, floor: floor, lastRank: lastRank) }
    var options: [Int] = []
    for i in unplaced {
      let c = candidate[i]
      if c + size[i] > end { return false }  // candidates only grow: it never fits
      if c + size[i] <= floor { return false }  // dominated: it fits in the empty band below
      if c > floor || (c == floor && rank[i] > lastRank) { options.append(i) }
    }
    if !sectionsFit(floor: floor, lastRank: lastRank) { return false }
    options.sort { (candidate[$0], rank[$0]) < (candidate[$1], rank[$1]) }
    for i in options {
      // Identical buffers are interchangeable: they go up in index order.
      if twin[i] >= 0 && !placed[twin[i]] { continue }
      let offset = candidate[i]
      // Placing at `offset` raises the floor: any buffer that would then fit below is dominated.
      // (Buffers overlapping `i` are lifted above it, so they cannot be.)
      var dominated = false
      for j in unplaced where j != i && candidate[j] + size[j] <= offset && !overlaps(i, j) {
        dominated = true
        break
      }
      if dominated { continue }
      let mark = trail.count
      apply(i, at: offset)
      let r = place(floor: offset, lastRank: rank[i])
      if r != false { return r }
      rewind(to: mark)
    }
    return false
  }

  /// Solves each group of the unplaced buffers in turn from the same floor.
  mutating func placeSeparately(_ groups: [[Int]], floor: ByteCount, lastRank: Int) -> Bool? {
    let all = unplaced
    let mark = trail.count
    // The most crowded group first: it is the likeliest to fail.
    let ordered = groups.sorted { groupLoad($0) > groupLoad($1) }
    for group in ordered {
      unplaced = group
      let r = place(floor: floor, lastRank: lastRank)
      if r != true {
        unplaced = []
        rewind(to: mark)
        unplaced = all
        return r
      }
    }
    unplaced = []
    return true
  }

  /// Bytes × sections of a group, in doubles: it orders the groups, and exceeds 2^63 on large
  /// valid instances.
  func groupLoad(_ group: [Int]) -> Double {
    group.reduce(0) { $0 + Double(size[$1]) * Double(last[$1] - first[$1] + 1) }
  }

  /// The unplaced buffers split into groups whose lifetimes chain together (unplaced is sorted
  /// by first section).
  func components() -> [[Int]] {
    var groups: [[Int]] = []
    var reach = -1
    for i in unplaced {
      if first[i] > reach { groups.append([]) }
      groups[groups.count - 1].append(i)
      reach = max(reach, last[i])
    }
    return groups
  }

  @inline(__always) func overlaps(_ i: Int, _ j: Int) -> Bool { first[i] <= last[j] && first[j] <= last[i] }

  /// Places buffer `i` at `offset`, recording on the trail what `rewind` needs.
  mutating func apply(_ i: Int, at offset: ByteCount) {
    placed[i] = true
    offsets[i] = offset
    unplaced.remove(at: unplaced.firstIndex(of: i)!)
    let t = offset + size[i]
    trail.append(Saved(buffer: i, candidates: neighbours[i].map { candidate[$0] }))
    for j in neighbours[i] where candidate[j] < t { candidate[j] = t }
  }

  /// Undoes the placements after the trail's `mark`, most recent first.
  mutating func rewind(to mark: Int) {
    while trail.count > mark {
      let saved = trail.removeLast()
      let i = saved.buffer
      placed[i] = false
      let at = unplaced.firstIndex { (first[$0], $0) > (first[i], i) } ?? unplaced.count
      unplaced.insert(i, at: at)
      for (k, j) in neighbours[i].enumerated() { candidate[j] = saved.candidates[k] }
    }
  }

  /// For each section of the unplaced buffers, their bytes must fit between the section's
  /// effective floor and the end. A buffer that cannot be placed at its candidate any more (the
  /// candidate is below the floor, or equal but its turn has passed) is stuck: it must rest on a
  /// neighbour placed later, so it lies at least at that neighbour's lowest offset plus its size.
  /// The neighbour may be stuck too, so the lowest offsets are shortest paths from the buffers
  /// that can still take their candidates; a buffer no such path reaches never fits.
  mutating func sectionsFit(floor: ByteCount, lastRank: Int) -> Bool {
    // The lowest offset each unplaced buffer can still take.
    lifted.removeAll(keepingCapacity: true)
    stuck.removeAll(keepingCapacity: true)
    for i in unplaced {
      let c = candidate[i]
      if c < floor || (c == floor && rank[i] < lastRank) {
        low[i] = .max
        stuck.append(i)
      } else {
        low[i] = c
      }
    }
    // A stuck buffer rests on a neighbour placed later, which lies at its own lowest offset or
    // higher: shortest paths from the buffers that can still take their candidate.
    var changed = !stuck.isEmpty
    while changed {
      changed = false
      for i in stuck {
        let best = restingOffset(i)
        if best < low[i] {
          low[i] = best
          changed = true
        }
      }
    }
    for i in unplaced where low[i] == .max { return false }
    if !notFirst() { return false }
    for i in unplaced {
      if low[i] + size[i] > end { return false }
      lifted.append((low[i], i))
    }
    // In every section, the buffers that lie at or above any offset t must fit between t and
    // the end: taken from the highest lowest offset down, the bytes accumulated in a section
    // never exceed the room above the current one.
    lifted.sort { $0.0 > $1.0 }
    var fits = true
    scan: for (c, i) in lifted {
      for s in first[i]...last[i] {
        above[s] += size[i]
        if above[s] > end - c {
          fits = false
          break scan
        }
      }
    }
    for (_, j) in lifted { for t in first[j]...last[j] { above[t] = 0 } }
    return fits
  }

  /// Raises the lowest offsets by the "not first" rule of disjunctive scheduling, section by
  /// section: a buffer that cannot be the lowest of a section's unplaced buffers (above its
  /// lowest offset there is no room for all of them) lies above the one that is, so at least at
  /// the smallest top among the buffers that can be lowest. A raised buffer raises the stuck
  /// buffers that rest on it, and other sections in turn. False when some section has no
  /// buffer that can be its lowest.
  mutating func notFirst() -> Bool {
    for i in unplaced { for s in first[i]...last[i] { total[s] += size[i] } }
    defer { for i in unplaced { for s in first[i]...last[i] { total[s] = 0 } } }
    for _ in 0..<8 {
      for i in unplaced { for s in first[i]...last[i] { lowestTop[s] = .max } }
      for i in unplaced {
        for s in first[i]...last[i] where low[i] + total[s] <= end {
          lowestTop[s] = min(lowestTop[s], low[i] + size[i])
        }
      }
      var changed = false
      for i in unplaced {
        var raised = low[i]
        for s in first[i]...last[i] where low[i] + total[s] > end {
          if lowestTop[s] == .max { return false }
          raised = max(raised, lowestTop[s])
        }
        if raised > low[i] {
          low[i] = raised
          changed = true
        }
      }
      for i in stuck {
        let best = restingOffset(i)
        if best > low[i] {
          low[i] = best
          changed = true
        }
      }
      if !changed { break }
    }
    return true
  }

  /// The lowest top of an unplaced neighbour of stuck buffer `i`: where `i` can rest at the
  /// lowest (`.max` when no neighbour has a lowest offset yet).
  func restingOffset(_ i: Int) -> ByteCount {
    var best = ByteCount.max
    for j in neighbours[i] where !placed[j] && low[j] != .max && low[j] + size[j] < best { best = low[j] + size[j] }
    return best
  }

}
