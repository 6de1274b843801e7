/// Turns a schedule into a complete, valid plan by simulating the scratchpad with a
/// replacement policy and online best-fit offsets: the machinery of the paper's baselines.
///
/// At each step the operator's working set is made resident, largest tensor first. A tensor
/// goes into the smallest free gap that fits among the tensors resident at that moment, the
/// online form of TFLite's best-fit allocator (lifetimes depend on later replacement decisions,
/// so they are not known in advance). When no gap fits, the policy picks a window of the
/// scratchpad to clear, among the windows that hold none of the working set; evicted values
/// still needed later are stored first unless DRAM already holds them. When fragmentation by the
/// working set itself leaves no such window, the whole working set is relocated as one block.
/// That last resort always succeeds when the capacity is at least `M_R`, so the executor returns
/// a valid plan for every budget a plan can exist for.
///
/// A split or a pad whose outputs may be read in place (SPEC §1) has them: they lie in their
/// input's range and take no space of their own, the input stays while one of them is resident
/// (a window that evicts the input evicts them first), and the operator moves nothing.
///
/// After the run, produced graph outputs are stored, and every tensor with no later use is
/// freed.
struct ReplacementExecutor {
  let problem: PlanningProblem
  let schedule: [OperatorID]
  let policy: ReplacementPolicy

  private var graph: Graph { problem.graph }
  /// For each tensor, the steps that read it, ascending.
  private var uses: [[Step]] = []
  /// The step of each operator in the schedule.
  private var position: [Step] = []
  private var nextUseIndex: [Int] = []
  private var offsetOf: [ByteCount?] = []
  /// The tensors with an offset, by offset then number: `residentRanges` without scanning every
  /// tensor of the graph (quadratic on 200,000-operator chains) or sorting at each placement.
  private var residents: [(lo: ByteCount, t: Int)] = []
  private var inDRAM: [Bool] = []
  /// Each tensor's bytes, read for every resident of every window tried.
  private var tensorBytes: [ByteCount] = []
  /// Outputs read in place, by tensor: the input they lie in. They are not in `residents`.
  private var hostOf: [Int: TensorID] = [:]
  /// Inputs holding outputs read in place, with those outputs.
  private var viewsOf: [Int: [TensorID]] = [:]
  /// The tensors no window may evict while the current working set is made resident, marked by
  /// tensor (a mark, not a set: it is read for every resident range of every window tried).
  private var pinned: [Bool] = []
  private var events: [PlanEvent] = []
  private var step = 0

  init(problem: PlanningProblem, schedule: [OperatorID], policy: ReplacementPolicy) {
    self.problem = problem
    // Below M_R, an operator that fits only written in place runs after its input's other readers.
    self.schedule = problem.admissibleOrder(schedule)
    self.policy = policy
  }

  /// Runs the schedule and returns the events of the plan.
  mutating func run() -> [PlanEvent] {
    let g = graph
    uses = Array(repeating: [], count: g.tensors.count)
    for (s, o) in schedule.enumerated() {
      for t in g.distinctInputs[o.rawValue] { uses[t.rawValue].append(s) }
    }
    position = Array(repeating: 0, count: g.operators.count)
    for (s, o) in schedule.enumerated() { position[o.rawValue] = s }
    nextUseIndex = Array(repeating: 0, count: g.tensors.count)
    offsetOf = Array(repeating: nil, count: g.tensors.count)
    inDRAM = g.tensors.map { $0.kind.isInDRAMInitially }
    tensorBytes = g.tensors.map(\.bytes)
    pinned = Array(repeating: false, count: g.tensors.count)
    events = []
    for (s, o) in schedule.enumerated() {
      step = s
      for t in g.distinctInputs[o.rawValue] {
        while nextUseIndex[t.rawValue] < uses[t.rawValue].count
          && uses[t.rawValue][nextUseIndex[t.rawValue]] < s
        {
          nextUseIndex[t.rawValue] += 1
        }
      }
      var working = g.workingSet(of: o, weights: problem.weights)
      // An output written over an input that dies here takes the input's range (SPEC §1).
      var inPlace: (write: InPlaceWrite, offset: ByteCount)?
      let read = readInPlace(o)
      if let (x, parts) = read {
        // Outputs read in place: the input is made resident, they lie in it.
        let outputs = Set(parts.map(\.output))
        makeResident(working.filter { !outputs.contains($0) })
        let base = offsetOf[x.rawValue]!
        for (y, offset) in parts {
          events.append(.allocWithin(y, offset: base + offset, within: x))
          offsetOf[y.rawValue] = base + offset
          hostOf[y.rawValue] = x
          viewsOf[x.rawValue, default: []].append(y)
        }
      } else if let w = problem.inPlaceWrites[o.rawValue].first(where: {
        heldUntil($0.input, after: s) == nil && offsetOf[$0.output.rawValue] == nil
      }) {
        makeResident(working.filter { $0 != w.output })
        if let x = offsetOf[w.input.rawValue] {
          inPlace = (w, x)
        } else {
          makeResident([w.output])
        }
      } else {
        makeResident(working)
      }
      if let (w, x) = inPlace {
        events.append(.allocInPlace(w.output, offset: x, over: w.input))
        setOffset(w.output, x)
        events.append(.run(o))
        // The input holds nothing now: its range is the output's.
        events.append(.free(w.input))
        setOffset(w.input, nil)
        working.removeAll { $0 == w.input }
      } else {
        events.append(.run(o))
      }
      for t in g[o].outputs where g[t].kind == .output {
        events.append(.store(t))
        inDRAM[t.rawValue] = true
      }
      // Outputs read in place before the inputs that hold them.
      var done = hostOf.isEmpty ? working : working.filter { hostOf[$0.rawValue] != nil } + working.filter { hostOf[$0.rawValue] == nil }
      var k = 0
      while k < done.count {
        let t = done[k]
        k += 1
        guard offsetOf[t.rawValue] != nil, heldUntil(t, after: s) == nil else { continue }
        let host = hostOf[t.rawValue]
        release(t)
        if let host, offsetOf[host.rawValue] != nil { done.append(host) }
      }
    }
    return events
  }

  /// The input `o` holds its outputs in, with their offsets in it, when they are read in place.
  private func readInPlace(_ o: OperatorID) -> (TensorID, [(output: TensorID, offset: ByteCount)])? {
    if let v = problem.padViews[o] { return (v.input, [(v.output, 0)]) }
    if let sp = problem.splitsInPlace[o] { return (sp.input, sp.parts) }
    return nil
  }

  /// The first step after `s` that needs `t` resident: a read of it, or of an output read in
  /// place within it.
  private func heldUntil(_ t: TensorID, after s: Step) -> Step? {
    var next = nextUse(t, after: s)
    guard !viewsOf.isEmpty, let views = viewsOf[t.rawValue] else { return next }
    for y in views {
      if let u = heldUntil(y, after: s) { next = min(next ?? u, u) }
    }
    return next
  }

  /// Frees `t` (and first what is read in place within it).
  private mutating func release(_ t: TensorID) {
    for y in viewsOf[t.rawValue] ?? [] where offsetOf[y.rawValue] != nil { release(y) }
    events.append(.free(t))
    place(t, nil)
  }

  /// Records `t` at `offset` or gone (nil): an output read in place keeps no range of its own.
  private mutating func place(_ t: TensorID, _ offset: ByteCount?) {
    if let x = hostOf[t.rawValue] {
      offsetOf[t.rawValue] = offset
      if offset == nil {
        hostOf[t.rawValue] = nil
        viewsOf[x.rawValue]?.removeAll { $0 == t }
      }
    } else {
      setOffset(t, offset)
    }
  }

  /// The first step after `s` that reads `t`, if any.
  private func nextUse(_ t: TensorID, after s: Step) -> Step? {
    let u = uses[t.rawValue]
    var i = nextUseIndex[t.rawValue]
    while i < u.count && u[i] <= s { i += 1 }
    return i < u.count ? u[i] : nil
  }

  private mutating func makeResident(_ working: [TensorID]) {
    // An output read in place pins the input it lies in.
    let held = hostOf.isEmpty ? working : working + working.compactMap { hostOf[$0.rawValue] }
    for t in held { pinned[t.rawValue] = true }
    defer { for t in held { pinned[t.rawValue] = false } }
    let missing = working.filter { offsetOf[$0.rawValue] == nil }
      .sorted { (problem.size($0), $1.rawValue) > (problem.size($1), $0.rawValue) }
    var placed: [TensorID] = []
    for t in missing {
      guard let offset = place(size: problem.size(t)) else {
        // Fragmentation by the working set itself: undo and relocate it as one block.
        for p in placed { evict(p, keepValue: false) }
        relocateBlock(working)
        return
      }
      bring(t, to: offset)
      placed.append(t)
    }
  }

  /// Emits the load or alloc that makes `t` resident at `offset`.
  private mutating func bring(_ t: TensorID, to offset: ByteCount) {
    events.append(hasValue(t) ? .load(t, offset: offset) : .alloc(t, offset: offset))
    setOffset(t, offset)
  }

  /// Removes `t` from the scratchpad, first storing a value that is still needed and that DRAM
  /// does not hold (unless `keepValue` is false because `t` holds no value yet).
  private mutating func evict(_ t: TensorID, keepValue: Bool = true) {
    // What is read in place within `t` goes first.
    for y in viewsOf[t.rawValue] ?? [] where offsetOf[y.rawValue] != nil { evict(y, keepValue: keepValue) }
    if keepValue && !inDRAM[t.rawValue] && hasValue(t) && nextUse(t, after: step - 1) != nil {
      events.append(.store(t))
      inDRAM[t.rawValue] = true
    }
    events.append(.free(t))
    place(t, nil)
  }

  /// Places `t` at `offset`, or removes it from the scratchpad (nil), keeping `residents` sorted.
  private mutating func setOffset(_ t: TensorID, _ offset: ByteCount?) {
    func index(_ lo: ByteCount) -> Int {
      var a = 0
      var b = residents.count
      while a < b {
        let m = (a + b) / 2
        if (residents[m].lo, residents[m].t) < (lo, t.rawValue) { a = m + 1 } else { b = m }
      }
      return a
    }
    if let old = offsetOf[t.rawValue] {
      let i = index(old)
      if i < residents.count && residents[i].t == t.rawValue { residents.remove(at: i) }
    }
    offsetOf[t.rawValue] = offset
    if let offset { residents.insert((offset, t.rawValue), at: index(offset)) }
  }

  private func hasValue(_ t: TensorID) -> Bool {
    guard let p = graph.producer[t.rawValue] else { return true }
    return position[p.rawValue] < step
  }

  /// The resident tensors sorted by offset.
  private func residentRanges() -> [(t: TensorID, lo: Int, hi: Int)] {
    residents.map { r in (TensorID(r.t), r.lo, r.lo + problem.size(TensorID(r.t))) }
  }

  /// Finds an offset for `size` bytes, evicting unpinned tensors if needed; nil when only the
  /// working set itself blocks every window.
  private mutating func place(size: ByteCount) -> ByteCount? {
    let ranges = residentRanges()
    if let gap = bestFit(size: size, ranges: ranges) { return gap }
    guard let (offset, victims) = chooseWindow(size: size, ranges: ranges, pinning: true) else {
      return nil
    }
    for v in victims { evict(v) }
    return offset
  }

  /// The start of the smallest free gap of at least `size` bytes.
  private func bestFit(size: ByteCount, ranges: [(t: TensorID, lo: Int, hi: Int)]) -> ByteCount? {
    smallestGap(of: size, among: ranges.lazy.map { (lo: $0.lo, hi: $0.hi) }, below: roundDown(problem.capacity, to: problem.alignment))
  }

  /// The window `[a, a + size)` whose clearing the policy prefers, with its victims.
  private func chooseWindow(
    size: ByteCount, ranges: [(t: TensorID, lo: Int, hi: Int)], pinning: Bool
  ) -> (ByteCount, [TensorID])? {
    let end = roundDown(problem.capacity, to: problem.alignment)
    var starts = [0, end - size]
    starts.reserveCapacity(2 + 3 * ranges.count)
    for r in ranges { starts += [r.lo, r.hi, r.hi - size] }
    starts.sort()
    var best: (key: (Double, Double, Int), offset: Int)?
    // `ranges` is sorted by start: a window meets only ranges from the first that may still
    // reach it (no range is longer than `longest`) to the last that starts inside it, so one
    // sweep over the windows in order finds them all (a tiled graph has hundreds of residents).
    // Windows are scored without collecting their victims, which only the chosen one needs.
    let longest = ranges.lazy.map { $0.hi - $0.lo }.max() ?? 0
    var first = 0
    var previous: Int?
    for a in starts where a >= 0 && a + size <= end && a % problem.alignment == 0 && a != previous {
      previous = a
      while first < ranges.count && ranges[first].lo + longest <= a { first += 1 }
      var tally = Tally()
      var blocked = false
      var k = first
      while k < ranges.count && ranges[k].lo < a + size {
        let r = ranges[k]
        k += 1
        guard a < r.hi else { continue }
        if pinning && pinned[r.t.rawValue] {
          blocked = true
          break
        }
        count(r.t, into: &tally)
      }
      if blocked { continue }
      let key = score(tally)
      if best == nil || key < best!.key { best = (key, a) }
    }
    guard let best else { return nil }
    let victims = ranges.filter { $0.lo < best.offset + size && best.offset < $0.hi }.map(\.t)
    return (best.offset, victims)
  }

  /// What evicting a window's residents costs.
  private struct Tally {
    var addedTraffic = 0
    var evictedBytes = 0
    var soonest = Int.max
  }

  /// Adds evicting `v` (and what is read in place within it) to `tally`.
  private func count(_ v: TensorID, into tally: inout Tally) {
    func reload(_ t: TensorID) {
      if let next = nextUse(t, after: step - 1) {
        tally.soonest = min(tally.soonest, next)
        let bytes = tensorBytes[t.rawValue]
        tally.addedTraffic += bytes
        if !inDRAM[t.rawValue] && hasValue(t) { tally.addedTraffic += bytes }
      }
    }
    tally.evictedBytes += roundUp(tensorBytes[v.rawValue], to: problem.alignment)
    reload(v)
    // A victim takes what is read in place within it along.
    if !viewsOf.isEmpty, let views = viewsOf[v.rawValue] { for t in views { reload(t) } }
  }

  /// Smaller is better.
  private func score(_ tally: Tally) -> (Double, Double, Int) {
    switch policy {
    case .belady:
      // Furthest next use first; then the fewest bytes thrown out.
      return (-Double(tally.soonest), Double(tally.evictedBytes), tally.addedTraffic)
    case .greedy:
      return (Double(tally.addedTraffic), Double(tally.evictedBytes), -tally.soonest)
    }
  }

  /// Last resort: evicts the resident part of the working set and places the whole working set
  /// contiguously in the window the policy prefers.
  private mutating func relocateBlock(_ working: [TensorID]) {
    for t in working where offsetOf[t.rawValue] != nil { evict(t) }
    let block = working.reduce(0) { $0 + problem.size($1) }
    let ranges = residentRanges()
    let offset: ByteCount
    if let gap = bestFit(size: block, ranges: ranges) {
      offset = gap
    } else {
      let (a, victims) = chooseWindow(size: block, ranges: ranges, pinning: false)!
      for v in victims { evict(v) }
      offset = a
    }
    var cursor = offset
    for t in working.sorted(by: { (problem.size($0), $1.rawValue) > (problem.size($1), $0.rawValue) }) {
      bring(t, to: cursor)
      cursor += problem.size(t)
    }
  }
}
