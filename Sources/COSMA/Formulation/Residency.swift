/// A step range `[first, last]` during which a tensor occupies the scratchpad.
struct ResidencyInterval: Sendable, Equatable {
  var tensor: TensorID
  var first: Step
  var last: Step
}

/// A schedule with the residency intervals of every planned tensor: a plan without offsets.
///
/// The ILP and the two-phase heuristics produce residencies; ``PlanningProblem/allocate(_:nodeLimit:timeLimit:spentNodes:)``
/// places them with the ``OffsetAllocator`` and ``PlanningProblem/emitEvents(_:offsets:)`` writes the events.
struct Residency: Sendable {
  var schedule: [OperatorID]
  var intervals: [ResidencyInterval]
  /// Intervals that continue another in place (SPEC §1, "In-place operators"): each output
  /// interval, by index, with the interval of the input it is written over. The input's
  /// interval ends at the step where the output's begins, and both take one range.
  var inPlace: [Int: Int] = [:]

  /// Records that the operator at step `s` writes `w.output` over `w.input`, when the input's
  /// interval ends there and the output's starts there; false (nothing recorded) otherwise.
  @discardableResult
  mutating func writeInPlace(_ w: InPlaceWrite, at s: Step) -> Bool {
    guard
      let x = intervals.firstIndex(where: { $0.tensor == w.input && $0.last == s }),
      let y = intervals.firstIndex(where: { $0.tensor == w.output && $0.first == s }),
      inPlace[y] == nil, !inPlace.values.contains(x)
    else { return false }
    inPlace[y] = x
    return true
  }

  /// Intervals placed inside another (SPEC §1, "In-place operators"): each input of a
  /// concatenation done in place, by index, with the interval of the output and the input's
  /// offset in it; each output of a split read in place, with the interval of the input and the
  /// output's offset in it.
  var within: [Int: (output: Int, offset: ByteCount)] = [:]

  /// Records that concatenation `c`, run at step `s`, has its inputs written into its output:
  /// the output's interval then starts where the first input's does (its range is reserved from
  /// there) and lasts while an input is still read. False (nothing recorded) unless every
  /// input's interval covers `s` and the output's starts there.
  @discardableResult
  mutating func concatenateInPlace(_ c: ConcatInPlace, at s: Step) -> Bool {
    guard let y = intervals.firstIndex(where: { $0.tensor == c.output && $0.first == s }) else { return false }
    var parts: [(Int, ByteCount)] = []
    for (x, offset) in c.parts {
      guard let i = intervals.firstIndex(where: { $0.tensor == x && $0.first <= s && s <= $0.last }), within[i] == nil
      else { return false }
      parts.append((i, offset))
    }
    intervals[y].first = parts.map { intervals[$0.0].first }.min()!
    intervals[y].last = max(intervals[y].last, parts.map { intervals[$0.0].last }.max()!)
    for (i, offset) in parts { within[i] = (y, offset) }
    return true
  }

  /// Outputs of fused pads (by interval): views that take no space of their own, whatever their
  /// size.
  var views: Set<Int> = []

  /// Records that the split or pad run at step `s` has its outputs read in place within its
  /// input `input` (a pad's output a `view` of all of it): the input's interval then lasts until
  /// the last of its outputs' ends (its range is held for them). False (nothing recorded) unless
  /// the input's interval covers `s` and every output's starts there.
  @discardableResult
  mutating func readInPlace(_ input: TensorID, parts outputs: [(output: TensorID, offset: ByteCount)], view: Bool, at s: Step) -> Bool {
    guard let x = intervals.firstIndex(where: { $0.tensor == input && $0.first <= s && s <= $0.last }),
      within[x] == nil
    else { return false }
    var parts: [(Int, ByteCount)] = []
    for (y, offset) in outputs {
      guard let i = intervals.firstIndex(where: { $0.tensor == y && $0.first == s }), within[i] == nil, inPlace[i] == nil
      else { return false }
      parts.append((i, offset))
    }
    intervals[x].last = max(intervals[x].last, parts.map { intervals[$0.0].last }.max()!)
    for (i, offset) in parts { within[i] = (x, offset) }
    if view { views.formUnion(parts.map(\.0)) }
    return true
  }

  /// The intervals grouped by in-place writes and concatenations: each group takes one range
  /// over the steps from its first interval's start to its last one's end. `groupOf[i]` is
  /// interval `i`'s group, `relative[i]` its offset from the group's start, and `extent[g]` the
  /// group's size.
  func groups(size: (TensorID) -> ByteCount) -> (groupOf: [Int], relative: [ByteCount], members: [[Int]], extent: [ByteCount]) {
    // Union-find with offsets: weight[i] = offset(i) − offset(parent[i]).
    var parent = Array(intervals.indices)
    var weight = [ByteCount](repeating: 0, count: intervals.count)
    func find(_ i: Int) -> (Int, ByteCount) {
      var i = i
      var d = 0
      while parent[i] != i {
        d += weight[i]
        i = parent[i]
      }
      return (i, d)
    }
    func join(_ a: Int, _ b: Int, _ d: ByteCount) {
      let (ra, da) = find(a)
      let (rb, db) = find(b)
      guard ra != rb else { return }
      parent[rb] = ra
      weight[rb] = da + d - db
    }
    for (y, x) in inPlace.sorted(by: { $0.key < $1.key }) { join(x, y, 0) }
    for (i, w) in within.sorted(by: { $0.key < $1.key }) { join(w.output, i, w.offset) }
    var groupOf = [Int](repeating: -1, count: intervals.count)
    var relative = [ByteCount](repeating: 0, count: intervals.count)
    var members: [[Int]] = []
    var index: [Int: Int] = [:]
    for i in intervals.indices {
      let (r, d) = find(i)
      let g = index[r] ?? members.count
      if g == members.count {
        index[r] = g
        members.append([])
      }
      groupOf[i] = g
      relative[i] = d
      members[g].append(i)
    }
    var extent = [ByteCount](repeating: 0, count: members.count)
    for (g, m) in members.enumerated() {
      let low = m.map { relative[$0] }.min()!
      for i in m { relative[i] -= low }
      extent[g] = m.map { relative[$0] + (views.contains($0) ? 0 : size(intervals[$0].tensor)) }.max()!
    }
    return (groupOf, relative, members, extent)
  }

  /// Builds the intervals from a per-step residency matrix (`resident[t][s]`), keeping of each
  /// maximal run only the part from its first to its last use or production: trimming never
  /// adds traffic and only frees space.
  init(problem: PlanningProblem, schedule: [OperatorID], resident: (TensorID, Step) -> Bool) {
    let g = problem.graph
    let n = schedule.count
    var usedAt = [[Step]](repeating: [], count: g.tensors.count)
    for (s, o) in schedule.enumerated() {
      for t in g.workingSet(of: o, weights: problem.weights) { usedAt[t.rawValue].append(s) }
    }
    var intervals: [ResidencyInterval] = []
    for t in g.tensorIDs where problem.isPlanned(t) && !usedAt[t.rawValue].isEmpty {
      let uses = usedAt[t.rawValue]
      var s = 0
      var u = 0
      while s < n {
        guard resident(t, s) else { s += 1; continue }
        var e = s
        while e + 1 < n && resident(t, e + 1) { e += 1 }
        while u < uses.count && uses[u] < s { u += 1 }
        var first: Step?
        var last: Step?
        var k = u
        while k < uses.count && uses[k] <= e {
          if first == nil { first = uses[k] }
          last = uses[k]
          k += 1
        }
        if let first, let last { intervals.append(ResidencyInterval(tensor: t, first: first, last: last)) }
        s = e + 1
      }
    }
    self.schedule = schedule
    self.intervals = intervals
  }
}

extension PlanningProblem {
  /// `residency` with one more spill where it fills the scratchpad most: at the fullest step at
  /// which some tensor waits, the smallest tensor resident across that step without being used
  /// there (and sharing no range in place, within or around another) leaves after its last use
  /// before the step and comes back for its next use. A start for the fixed-order ILP when a
  /// residency does not pack, which leaves room where the packing is tightest (PNASNet-5 with
  /// weights external at `M_R`: a residency that neither our allocator nor SuperMalloc placed at
  /// its capacity packs in a second with 0.5% more room). Nil when no tensor waits at any step.
  func relieved(_ residency: Residency) -> Residency? {
    let n = residency.schedule.count
    var shared = Set(residency.inPlace.keys).union(residency.inPlace.values).union(residency.views)
    for (i, w) in residency.within { shared.formUnion([i, w.output]) }
    var occupied = [ByteCount](repeating: 0, count: n)
    for (i, r) in residency.intervals.enumerated() where residency.inPlace[i] == nil && residency.within[i] == nil {
      for s in r.first...r.last { occupied[s] += size(r.tensor) }
    }
    var used = [Set<TensorID>](repeating: [], count: n)
    for (s, o) in residency.schedule.enumerated() { used[s] = Set(graph.workingSet(of: o, weights: weights)) }
    // The fullest step at which some tensor waits (at `M_R` the fullest holds one operator's
    // working set alone).
    var best: (interval: Int, before: Step, after: Step)?
    for peak in occupied.indices.sorted(by: { (occupied[$0], $1) > (occupied[$1], $0) }) {
      for (i, r) in residency.intervals.enumerated() where !shared.contains(i) && r.first < peak && peak < r.last {
        guard !used[peak].contains(r.tensor),
          let before = (r.first..<peak).last(where: { used[$0].contains(r.tensor) }),
          let after = ((peak + 1)...r.last).first(where: { used[$0].contains(r.tensor) })
        else { continue }
        if best.map({ size(r.tensor) < size(residency.intervals[$0.interval].tensor) }) ?? true { best = (i, before, after) }
      }
      if best != nil { break }
    }
    guard let (i, before, after) = best else { return nil }
    var relieved = residency
    let r = residency.intervals[i]
    relieved.intervals[i].last = before
    relieved.intervals.append(ResidencyInterval(tensor: r.tensor, first: after, last: r.last))
    return relieved
  }

  /// Places a residency's intervals next to an incumbent plan's: every interval the incumbent
  /// held at one offset over all of its steps keeps that offset (those never overlap each
  /// other), and the others go first-fit, largest first, into the gaps. nil when one does not
  /// fit. Divide and conquer changes a window of a large plan; this keeps the rest in place
  /// where re-placing thousands of intervals from scratch would fail or take too long.
  func realize(_ residency: Residency, keepingOffsetsOf incumbent: Plan) -> [PlanEvent]? {
    let at = incumbent.offsetsAtRuns(tensorCount: graph.tensors.count)
    let intervals = residency.intervals
    // An in-place chain moves as one: kept when all its intervals were, at one offset.
    let (groupOf, relative, members, need) = residency.groups(size: size)
    let steps = members.map { m in m.map { intervals[$0].first }.min()!...m.map { intervals[$0].last }.max()! }
    var offsets = [ByteCount?](repeating: nil, count: members.count)
    for (g, m) in members.enumerated() {
      let kept = m.map { i -> ByteCount? in
        let r = intervals[i]
        let column = at[r.tensor.rawValue]
        guard let o = column[r.first], (r.first...r.last).allSatisfy({ column[$0] == o }) else { return nil }
        return o - relative[i]
      }
      if let o = kept[0], o >= 0, kept.allSatisfy({ $0 == o }) { offsets[g] = o }
    }
    var byStep = [[Int]](repeating: [], count: residency.schedule.count)
    for g in members.indices where offsets[g] != nil {
      for s in steps[g] { byStep[s].append(g) }
    }
    let pending = members.indices.filter { offsets[$0] == nil }.sorted { (need[$0], -$0) > (need[$1], -$1) }
    for g in pending {
      var seen = Set<Int>()
      var taken: [(ByteCount, ByteCount)] = []
      for s in steps[g] {
        for j in byStep[s] where seen.insert(j).inserted {
          taken.append((offsets[j]!, offsets[j]! + need[j]))
        }
      }
      taken.sort { $0.0 < $1.0 }
      var cursor = 0
      for (lo, hi) in taken {
        if lo - cursor >= need[g] { break }
        cursor = max(cursor, hi)
      }
      guard cursor + need[g] <= capacity else { return nil }
      offsets[g] = cursor
      for s in steps[g] { byStep[s].append(g) }
    }
    return emitEvents(residency, offsets: residency.intervals.indices.map { offsets[groupOf[$0]]! + relative[$0] })
  }

  /// Runs the ``OffsetAllocator`` on a residency's intervals.
  func allocate(
    _ residency: Residency, nodeLimit: Int = 50_000_000, timeLimit: Duration? = .seconds(2),
    spentNodes: (@Sendable (Int) -> Void)? = nil
  ) -> AllocationOutcome {
    var allocator = OffsetAllocator(capacity: capacity, alignment: alignment)
    allocator.nodeLimit = nodeLimit
    allocator.timeLimit = timeLimit
    allocator.spentNodes = spentNodes
    let (groupOf, relative, members, extent) = residency.groups(size: size)
    if members.count == residency.intervals.count {
      let buffers = residency.intervals.enumerated().map { i, r in
        Buffer(id: i, lower: r.first, upper: r.last + 1, size: size(r.tensor))
      }
      return allocator.allocate(buffers)
    }
    // A group of in-place writes and concatenations is one buffer over the group's steps.
    let buffers = members.enumerated().map { g, m in
      Buffer(
        id: g, lower: m.map { residency.intervals[$0].first }.min()!, upper: m.map { residency.intervals[$0].last }.max()! + 1,
        size: extent[g])
    }
    switch allocator.allocate(buffers) {
    case .placed(let offsets): return .placed(residency.intervals.indices.map { offsets[groupOf[$0]] + relative[$0] })
    case let other: return other
    }
  }

  /// The events of a residency whose intervals sit at `offsets`: at each step the new intervals
  /// are loaded (or allocated, for the step's outputs), the operator runs, graph outputs and
  /// activations that will be reloaded are stored, and intervals that end are freed.
  func emitEvents(_ residency: Residency, offsets: [ByteCount]) -> [PlanEvent] {
    let schedule = residency.schedule
    var position = [Step](repeating: 0, count: graph.operators.count)
    for (s, o) in schedule.enumerated() { position[o.rawValue] = s }
    var starts = [[Int]](repeating: [], count: schedule.count)
    var ends = [[Int]](repeating: [], count: schedule.count)
    var intervalsOf = [Int](repeating: 0, count: graph.tensors.count)
    for (i, r) in residency.intervals.enumerated() {
      starts[r.first].append(i)
      ends[r.last].append(i)
      intervalsOf[r.tensor.rawValue] += 1
    }
    // How deep each interval lies within others: a host is placed before what lies in it, and
    // freed after.
    var depth = [Int](repeating: 0, count: residency.intervals.count)
    for i in residency.intervals.indices {
      var j = i
      while let w = residency.within[j] {
        depth[i] += 1
        j = w.output
      }
    }
    var events: [PlanEvent] = []
    for (s, o) in schedule.enumerated() {
      // A concatenation's output before the inputs allocated within it.
      for i in starts[s].sorted(by: { (depth[$0], $0) < (depth[$1], $1) }) {
        let r = residency.intervals[i]
        // Not produced yet (now, or later for a reserved concatenation output): allocated.
        let unproduced = graph.producer[r.tensor.rawValue].map { position[$0.rawValue] >= s } ?? false
        if let x = residency.inPlace[i] {
          events.append(.allocInPlace(r.tensor, offset: offsets[i], over: residency.intervals[x].tensor))
        } else if let w = residency.within[i] {
          events.append(.allocWithin(r.tensor, offset: offsets[i], within: residency.intervals[w.output].tensor))
        } else {
          events.append(unproduced ? .alloc(r.tensor, offset: offsets[i]) : .load(r.tensor, offset: offsets[i]))
        }
      }
      events.append(.run(o))
      for t in graph[o].outputs {
        let kind = graph[t].kind
        if kind == .output || (kind == .activation && intervalsOf[t.rawValue] > 1) {
          events.append(.store(t))
        }
      }
      // What lies within another range is freed before it.
      for i in ends[s].sorted(by: { (-depth[$0], $0) < (-depth[$1], $1) }) {
        events.append(.free(residency.intervals[i].tensor))
      }
    }
    return events
  }
}
