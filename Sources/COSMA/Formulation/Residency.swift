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
    var offsets = [ByteCount?](repeating: nil, count: intervals.count)
    for (i, r) in intervals.enumerated() {
      let m = at[r.tensor.rawValue]
      guard let o = m[r.first], (r.first...r.last).allSatisfy({ m[$0] == o }) else { continue }
      offsets[i] = o
    }
    var byStep = [[Int]](repeating: [], count: residency.schedule.count)
    for (i, r) in intervals.enumerated() where offsets[i] != nil {
      for s in r.first...r.last { byStep[s].append(i) }
    }
    let pending = intervals.indices.filter { offsets[$0] == nil }.sorted {
      (size(intervals[$0].tensor), -$0) > (size(intervals[$1].tensor), -$1)
    }
    for i in pending {
      let r = intervals[i]
      let need = size(r.tensor)
      var seen = Set<Int>()
      var taken: [(ByteCount, ByteCount)] = []
      for s in r.first...r.last {
        for j in byStep[s] where seen.insert(j).inserted {
          taken.append((offsets[j]!, offsets[j]! + size(intervals[j].tensor)))
        }
      }
      taken.sort { $0.0 < $1.0 }
      var cursor = 0
      for (lo, hi) in taken {
        if lo - cursor >= need { break }
        cursor = max(cursor, hi)
      }
      guard cursor + need <= capacity else { return nil }
      offsets[i] = cursor
      for s in r.first...r.last { byStep[s].append(i) }
    }
    return emitEvents(residency, offsets: offsets.map { $0! })
  }

  /// Runs the ``OffsetAllocator`` on a residency's intervals.
  func allocate(_ residency: Residency, nodeLimit: Int = 50_000_000, timeLimit: Duration? = .seconds(2)) -> AllocationOutcome {
    var allocator = OffsetAllocator(capacity: capacity, alignment: alignment)
    allocator.nodeLimit = nodeLimit
    allocator.timeLimit = timeLimit
    let buffers = residency.intervals.enumerated().map { i, r in
      Buffer(id: i, lower: r.first, upper: r.last + 1, size: size(r.tensor))
    }
    return allocator.allocate(buffers)
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
        events.append(producedNow ? .alloc(r.tensor, offset: offsets[i]) : .load(r.tensor, offset: offsets[i]))
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
