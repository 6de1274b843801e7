/// A step range `[first, last]` during which a tensor occupies the scratchpad.
struct ResidencyInterval: Sendable, Equatable {
  var tensor: TensorID
  var first: Step
  var last: Step
}

/// A schedule with the residency intervals of every planned tensor: a plan without offsets.
///
/// The ILP and the two-phase heuristics produce residencies; ``PlanningProblem/realize(_:)``
/// places them with the ``OffsetAllocator`` and emits the events.
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

  /// The intervals grouped by in-place chains: each group shares one range, from the first
  /// interval's start to the last one's end. `groupOf[i]` is interval `i`'s group.
  func chains() -> (groupOf: [Int], members: [[Int]]) {
    var root = Array(intervals.indices)
    func find(_ i: Int) -> Int {
      var i = i
      while root[i] != i { i = root[i] }
      return i
    }
    for (y, x) in inPlace { root[find(y)] = find(x) }
    var groupOf = [Int](repeating: -1, count: intervals.count)
    var members: [[Int]] = []
    var index: [Int: Int] = [:]
    for i in intervals.indices {
      let r = find(i)
      let g = index[r] ?? members.count
      if g == members.count {
        index[r] = g
        members.append([])
      }
      groupOf[i] = g
      members[g].append(i)
    }
    return (groupOf, members)
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
  /// Places a residency's intervals with the ``OffsetAllocator`` and emits the plan's events;
  /// nil when the allocator finds no placement (or gives up).
  func realize(_ residency: Residency, nodeLimit: Int = 50_000_000, timeLimit: Duration? = .seconds(2)) -> [PlanEvent]? {
    guard case .placed(let offsets) = allocate(residency, nodeLimit: nodeLimit, timeLimit: timeLimit) else { return nil }
    return emitEvents(residency, offsets: offsets)
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
    let (groupOf, members) = residency.chains()
    let steps = members.map { m in m.map { intervals[$0].first }.min()!...m.map { intervals[$0].last }.max()! }
    let need = members.map { m in m.map { size(intervals[$0].tensor) }.max()! }
    var offsets = [ByteCount?](repeating: nil, count: members.count)
    for (g, m) in members.enumerated() {
      let kept = m.map { i -> ByteCount? in
        let r = intervals[i]
        let column = at[r.tensor.rawValue]
        guard let o = column[r.first], (r.first...r.last).allSatisfy({ column[$0] == o }) else { return nil }
        return o
      }
      if let o = kept[0], kept.allSatisfy({ $0 == o }) { offsets[g] = o }
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
    return emitEvents(residency, offsets: groupOf.map { offsets[$0]! })
  }

  /// Runs the ``OffsetAllocator`` on a residency's intervals.
  func allocate(_ residency: Residency, nodeLimit: Int = 50_000_000, timeLimit: Duration? = .seconds(2)) -> AllocationOutcome {
    var allocator = OffsetAllocator(capacity: capacity, alignment: alignment)
    allocator.nodeLimit = nodeLimit
    allocator.timeLimit = timeLimit
    let (groupOf, members) = residency.chains()
    if members.count == residency.intervals.count {
      let buffers = residency.intervals.enumerated().map { i, r in
        Buffer(id: i, lower: r.first, upper: r.last + 1, size: size(r.tensor))
      }
      return allocator.allocate(buffers)
    }
    // A chain of in-place writes is one buffer over the chain's steps.
    let buffers = members.enumerated().map { g, m in
      Buffer(
        id: g, lower: m.map { residency.intervals[$0].first }.min()!, upper: m.map { residency.intervals[$0].last }.max()! + 1,
        size: m.map { size(residency.intervals[$0].tensor) }.max()!)
    }
    switch allocator.allocate(buffers) {
    case .placed(let offsets): return .placed(groupOf.map { offsets[$0] })
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
    var events: [PlanEvent] = []
    for (s, o) in schedule.enumerated() {
      for i in starts[s] {
        let r = residency.intervals[i]
        let producedNow = graph.producer[r.tensor.rawValue].map { position[$0.rawValue] == s } ?? false
        if let x = residency.inPlace[i] {
          events.append(.allocInPlace(r.tensor, offset: offsets[i], over: residency.intervals[x].tensor))
        } else {
          events.append(producedNow ? .alloc(r.tensor, offset: offsets[i]) : .load(r.tensor, offset: offsets[i]))
        }
      }
      events.append(.run(o))
      for t in graph[o].outputs {
        let kind = graph[t].kind
        if kind == .output || (kind == .activation && intervalsOf[t.rawValue] > 1) {
          events.append(.store(t))
        }
      }
      for i in ends[s] { events.append(.free(residency.intervals[i].tensor)) }
    }
    return events
  }
}
