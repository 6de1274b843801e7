import Foundation

/// A lower bound on non-compulsory traffic that adds up exact solves of small regions of the
/// graph: the bound for graphs too large for the joint ILP, and a proof where the joint ILP's
/// relaxation is weak.
///
/// The operators are split into disjoint regions. A region's sub-problem keeps the capacity, the
/// region's operators and the order pairs they have through operators outside it (`a` reaches
/// `b` in the graph), and the tensors they touch. A tensor that several regions touch is charged
/// by one of them, the one with most of its readers; in the others it is free to load and store.
/// In its charging region, a tensor produced outside becomes an input whose first load stands
/// for its arrival, and a later load costs its size plus, for an activation, its store once (it
/// was resident, left and came back, so the whole plan stored it); a tensor produced inside keeps
/// its kind. Restricting any plan of the whole graph to a region's operators and tensors gives a
/// plan of the sub-problem (fewer tensors compete for the scratchpad, and the order keeps the
/// pairs), and every transfer a sub-problem charges is a transfer of the whole plan that no other
/// region charges. So the sum of the regions' optima — or of CBC's bounds on them — is a lower
/// bound on every plan, whatever its order, and on the free-order ILP's relaxation as well.
public struct RegionBound: Sendable, Equatable {
  /// One region's result.
  public struct Region: Sendable, Equatable {
    /// The region's operators, in dependency order.
    public var operators: [OperatorID]
    /// A lower bound on the traffic the region's own tensors cause, in bytes.
    public var bound: ByteCount
    /// Whether the bound is the region's optimum.
    public var isExact: Bool
  }

  /// The sum of the regions' bounds.
  public var bytes: ByteCount
  public var regions: [Region]
  /// False when the time limit stopped the computation before every region was solved, or a
  /// region's model was over the integer limit (the regions left out count 0).
  public var isComplete: Bool

  /// What the computation reports while it runs.
  public enum Progress: Sendable, Equatable, CustomStringConvertible {
    /// A split of the graph into regions is about to be solved.
    case split(String)
    /// A region's bound: its optimum when `exact`, CBC's bound on it otherwise.
    /// `repeated`: the region is identical to one solved before (names aside), whose result it
    /// takes.
    case region(name: String, integers: Int, bytes: ByteCount, exact: Bool, repeated: Bool = false)
    /// A region that proved nothing is split in two.
    case halved(name: String, first: Int, second: Int)

    public var description: String {
      switch self {
      case .split(let what): return "\(what):"
      case .region(let name, _, let bytes, let exact, true):
        return "region (\(name)), as an identical one before: \(groupThousands(bytes)) B\(exact ? "" : " (bound, not solved)")"
      case .region(let name, let integers, let bytes, let exact, false):
        return "region (\(name), \(integers) integers): \(groupThousands(bytes)) B\(exact ? "" : " (bound, not solved)")"
      case .halved(let name, let a, let b): return "region (\(name)) split into \(a) + \(b)"
      }
    }
  }
}

extension PlanningProblem {
  /// The region lower bound (see ``RegionBound``), the better of two splits: the fans of the
  /// activations read by several operators, then regions of at most `regionSize` consecutive
  /// operators of the minimum-peak schedule over the rest (half the time, when there are fans);
  /// and regions of the minimum-peak schedule alone. Cuts go where the fewest bytes cross.
  ///
  /// `maxIntegers` splits, unsolved, a region whose model has more integer variables: CBC does
  /// not watch its time limit in the root of a large model.
  ///
  /// `deterministic` counts `timeLimit` in work seconds (see ``WorkRates``): the same bound on
  /// any machine under any load.
  public func regionLowerBound(
    regionSize: Int = 32, timeLimit: Double = 60, maxIntegers: Int = .max, solver: any MILPSolver,
    deterministic: Bool = false, progress: (@Sendable (RegionBound.Progress) -> Void)? = nil
  ) -> RegionBound {
    let clock = RunClock(deterministic: deterministic)
    let solver = self.solver(solver)
    return regionLowerBound(
      regionSize: regionSize, timeLimit: timeLimit, maxIntegers: maxIntegers,
      solver: deterministic ? WorkLimitedSolver(base: solver, rates: WorkRates(), clock: clock) : solver, clock: clock,
      progress: progress)
  }

  /// The same, with `timeLimit` measured on `clock` (work seconds in deterministic mode).
  func regionLowerBound(
    regionSize: Int = 32, timeLimit: Double, maxIntegers: Int = .max, rootIntegersPerSecond: Double = 2_500,
    solver: any MILPSolver, clock: RunClock, memo: RegionBoundMemo? = nil,
    progress: (@Sendable (RegionBound.Progress) -> Void)? = nil
  ) -> RegionBound {
    let memo = memo ?? RegionBoundMemo()
    let start = clock.seconds
    var fanned: RegionBound?
    let fans = fanAndWindowRegions(regionSize: regionSize)
    if !fans.isEmpty {
      progress?(.split("fans of shared activations and windows over the rest"))
      fanned = regionLowerBound(
        regions: fans, timeLimit: timeLimit / 2, maxIntegers: maxIntegers, rootIntegersPerSecond: rootIntegersPerSecond,
        solver: solver, clock: clock, memo: memo, progress: progress)
    }
    progress?(.split("windows of the minimum-peak order"))
    let plain = regionLowerBound(
      regions: windows(budgets.mpSchedule, regionSize: regionSize), timeLimit: timeLimit - (clock.seconds - start),
      maxIntegers: maxIntegers, rootIntegersPerSecond: rootIntegersPerSecond, solver: solver, clock: clock, memo: memo,
      progress: progress)
    guard let fanned, fanned.bytes > plain.bytes else { return plain }
    return fanned
  }

  /// Regions of at most `regionSize` consecutive operators of `schedule`, cut where the fewest
  /// bytes cross.
  func windows(_ schedule: [OperatorID], regionSize: Int) -> [[OperatorID]] {
    schedule.isEmpty ? [] : regionCuts(schedule: schedule, size: max(2, regionSize)).map { Array(schedule[$0]) }
  }

  /// The fans (``fanRegions()``) and windows of the minimum-peak order over the rest, or nothing
  /// when the graph has no fan. A fan's region is charged differently when the rest is in
  /// regions too: PNASNet-5's stem fan at `M_R` proved 13,068,000 B in seconds so, and nothing
  /// in 18 s alone.
  func fanAndWindowRegions(regionSize: Int) -> [[OperatorID]] {
    let fans = fanRegions()
    guard !fans.isEmpty else { return [] }
    let inFans = Set(fans.joined())
    return fans + windows(budgets.mpSchedule.filter { !inFans.contains($0) }, regionSize: regionSize)
  }

  /// Small regions around the activations read by several operators: the producer, the
  /// readers, and each reader's successors that cannot run while the activation is resident
  /// (their working set and it exceed the capacity). When such a successor runs between two
  /// reads, the activation must leave the scratchpad and come back: this is where spills are
  /// forced whatever the order (the stem of NASNet-A at `M_R` reloads its first activation four
  /// times). Largest potential reload traffic first; the regions are disjoint.
  func fanRegions() -> [[OperatorID]] {
    let g = graph
    let footprint = g.operatorIDs.map { o in g.workingSet(of: o, weights: weights).reduce(0) { $0 + size($1) } }
    let shared = g.tensorIDs.filter { t in
      g[t].kind == .activation && isPlanned(t) && g.producer[t.rawValue] != nil && g.consumers[t.rawValue].count >= 2
    }.sorted { size($0) * (g.consumers[$0.rawValue].count - 1) > size($1) * (g.consumers[$1.rawValue].count - 1) }
    var taken = Set<OperatorID>()
    var regions: [[OperatorID]] = []
    for t in shared {
      let producer = g.producer[t.rawValue]!
      let readers = g.consumers[t.rawValue]
      var blockers: [OperatorID] = []
      for r in readers {
        for s in g.successors[r.rawValue] where !readers.contains(s) && !blockers.contains(s) {
          let reads = g.distinctInputs[s.rawValue].contains(t)
          if !reads && footprint[s.rawValue] + size(t) > capacity { blockers.append(s) }
        }
      }
      let members = [producer] + readers + blockers
      guard !blockers.isEmpty, members.allSatisfy({ !taken.contains($0) }) else { continue }
      taken.formUnion(members)
      regions.append(members)
    }
    return regions
  }

  /// The region lower bound over the given disjoint sets of operators (an operator in two
  /// regions is kept in the first). A region with an order that fits without traffic needs no
  /// solve (its bound is 0); the others share what is left of `timeLimit` equally. A region for
  /// which CBC proves nothing within its share is split in two where the fewest bytes cross, and
  /// the halves are solved instead (their sum is again a bound), down to regions of 3 operators.
  /// `maxOperators` splits larger regions before any solve, and `maxIntegers` those whose
  /// model has more integer variables.
  public func regionLowerBound(
    regions given: [[OperatorID]], timeLimit: Double = 60, maxOperators: Int = .max, maxIntegers: Int = .max,
    solver: any MILPSolver, deterministic: Bool = false,
    progress: (@Sendable (RegionBound.Progress) -> Void)? = nil
  ) -> RegionBound {
    let clock = RunClock(deterministic: deterministic)
    let solver = self.solver(solver)
    return regionLowerBound(
      regions: given, timeLimit: timeLimit, maxOperators: maxOperators, maxIntegers: maxIntegers,
      solver: deterministic ? WorkLimitedSolver(base: solver, rates: WorkRates(), clock: clock) : solver, clock: clock,
      progress: progress)
  }

  /// The same, with `timeLimit` measured on `clock` (work seconds in deterministic mode).
  ///
  /// CBC's root does not watch the time limit: a region whose model has more integer variables
  /// than `rootIntegersPerSecond` times the seconds left is left out, as when the time has run
  /// out (see below).
  func regionLowerBound(
    regions given: [[OperatorID]], timeLimit: Double, maxOperators: Int = .max, maxIntegers: Int = .max,
    rootIntegersPerSecond: Double = 2_500, solver: any MILPSolver, clock: RunClock, memo: RegionBoundMemo? = nil,
    progress: (@Sendable (RegionBound.Progress) -> Void)? = nil
  ) -> RegionBound {
    // The order pairs need the ancestor sets, which do not fit in memory beyond this size.
    guard graph.operators.count <= Reachability.maximumOperators else {
      return RegionBound(bytes: 0, regions: [], isComplete: false)
    }
    let start = clock.seconds
    var taken = Set<OperatorID>()
    var sets = given.map { ops in ops.filter { taken.insert($0).inserted }.sorted { $0.rawValue < $1.rawValue } }
      .filter { !$0.isEmpty }
    var regionOf = [Int](repeating: -1, count: graph.operators.count)
    for (k, ops) in sets.enumerated() { for o in ops { regionOf[o.rawValue] = k } }
    var home = chargingRegions(regionOf: regionOf, among: nil)
    let reach = Reachability(graph: graph)
    var position = [Int](repeating: 0, count: graph.operators.count)
    for (s, o) in budgets.mpSchedule.enumerated() { position[o.rawValue] = s }

    struct Pending {
      var index: Int
      var sub: PlanningProblem
      var free: Set<TensorID>
      var arriving: Set<TensorID>
      var before: [(OperatorID, OperatorID)]
      var signature: RegionSignature
      /// What its fans force whatever the order (``PlanningProblem/fanReloadBound``): its bound
      /// when CBC proves nothing, and a row of its model, which CBC then only has to reach.
      var floor: ByteCount
    }
    // Identical regions (repeated layers) are solved once: settled ones in any pass, the
    // others once in this pass.
    let memo = memo ?? RegionBoundMemo()
    var keptThisPass: [RegionSignature: ByteCount] = [:]
    var result = [(bound: ByteCount, exact: Bool)?](repeating: nil, count: sets.count)
    // For each region split in two: the region it came from, CBC's bound on it, its operators.
    var parent = [Int](repeating: -1, count: sets.count)
    var partialOf: [Int: ByteCount] = [:]
    var splitOps: [Int: [OperatorID]] = [:]
    // A region that cannot be built (it cannot happen for a valid graph) counts 0.
    func prepare(_ k: Int) -> Pending? {
      guard let (sub, free, arriving, before) = region(sets[k], index: k, home: home, reach: reach),
        !fitsWithoutTraffic(sub, sets[k], before)
      else { return nil }
      return Pending(
        index: k, sub: sub, free: free, arriving: arriving, before: before,
        signature: RegionSignature(sub, free: free, arriving: arriving, before: before),
        floor: sub.fanReloadBound(free: free, arriving: arriving))
    }
    var queue: [Pending] = []
    for k in sets.indices {
      if let p = prepare(k) { queue.append(p) } else { result[k] = (0, true) }
    }
    // The regions waiting for a solve of their own: one per signature not yet solved.
    func unsolved(_ queue: [Pending]) -> Int {
      Set(queue.lazy.map(\.signature).filter { memo.settled[$0] == nil && keptThisPass[$0] == nil }).count
    }
    var complete = true
    while !queue.isEmpty {
      let p = queue.removeFirst()
      let k = p.index
      let name = "\(sets[k].count) operators from '\(graph[sets[k][0]].name)'"
      let known = memo.settled[p.signature]
      if case .solved(let bound) = known {
        result[k] = (bound, true)
        progress?(.region(name: name, integers: 0, bytes: bound, exact: true, repeated: true))
        continue
      }
      if let bound = keptThisPass[p.signature] {
        result[k] = (bound, false)
        progress?(.region(name: name, integers: 0, bytes: bound, exact: false, repeated: true))
        continue
      }
      let left = timeLimit - (clock.seconds - start)
      if left <= 0.05 {
        complete = false
        result[k] = (p.floor, false)
        continue
      }
      var partial = 0
      if case .split(let bound) = known {
        partial = bound
      } else if sets[k].count <= max(2, maxOperators) {
        var f = ResidencyFormulation(problem: p.sub, before: p.before)
        f.free = p.free
        f.arriving = p.arriving
        f.objectiveFloor = p.floor
        // CBC's root takes about a second per 2,500 integers whatever its limit (3,944 took
        // 1.7 s of a 0.5 s limit in a tiled S3D), and sometimes three times that: a region that
        // cannot finish its root in the time left at `rootIntegersPerSecond` is left out, as
        // when the time has run out. Counted before building: the model of a fan of 1,027
        // tiles took 100 s to build, only to be refused.
        let estimate = f.integerLowerBound()
        if estimate <= maxIntegers, Double(estimate) > left * rootIntegersPerSecond {
          complete = false
          result[k] = (p.floor, false)
          continue
        }
        if estimate <= maxIntegers { f.build() }
        let tooLarge = estimate > maxIntegers || f.model.integerCount > maxIntegers
        if !tooLarge, Double(f.model.integerCount) > left * rootIntegersPerSecond {
          complete = false
          result[k] = (p.floor, false)
          continue
        }
        if tooLarge { complete = false }
        let solved =
          tooLarge
          ? SolveResult(termination: .noSolution(limit: .time), objective: nil, bound: nil, values: nil, seconds: 0, nodes: 0)
          : solver.solve(f.model, options: SolveOptions(timeLimit: max(0.2, left / Double(unsolved(queue) + 1))))
        if case .optimal = solved.termination, let o = solved.objective {
          result[k] = (Int((o - 1e-6).rounded(.up)), true)
          memo.settled[p.signature] = .solved(result[k]!.bound)
          progress?(.region(name: name, integers: f.model.integerCount, bytes: result[k]!.bound, exact: true))
          continue
        }
        partial = max(memo.partial[p.signature] ?? 0, p.floor, Int(((solved.bound ?? 0) - 1e-6).rounded(.up)))
        // CBC's bound on the whole region is kept when positive (a fan's forced reloads need
        // the whole fan); a region that proved nothing is split.
        guard sets[k].count >= 6, partial == 0 else {
          result[k] = (partial, false)
          if !tooLarge {
            keptThisPass[p.signature] = partial
            memo.partial[p.signature] = partial
          }
          progress?(.region(name: name, integers: tooLarge ? estimate : f.model.integerCount, bytes: partial, exact: false))
          continue
        }
      }
      memo.settled[p.signature] = .split(partial)
      // Split in two where the fewest bytes cross; the tensors this region charged are charged
      // by one of its halves.
      let ordered = sets[k].sorted { position[$0.rawValue] < position[$1.rawValue] }
      // After step `c` of the middle half, where the fewest bytes cross.
      let crossing = crossingBytes(schedule: ordered)
      let middle = max(0, ordered.count / 4 - 1)...min(ordered.count - 2, (3 * ordered.count) / 4)
      let c = middle.min { crossing[$0] < crossing[$1] }!
      let halves = [Array(ordered[...c]), Array(ordered[(c + 1)...])]
      progress?(.halved(name: name, first: halves[0].count, second: halves[1].count))
      var pieces: [Int] = []
      for h in halves {
        pieces.append(sets.count)
        for o in h { regionOf[o.rawValue] = sets.count }
        sets.append(h.sorted { $0.rawValue < $1.rawValue })
        result.append(nil)
        parent.append(k)
      }
      // The region counts the better of CBC's bound on it and its halves' sum.
      partialOf[k] = partial
      splitOps[k] = sets[k]
      sets[k] = []
      result[k] = (0, true)
      for (t, h) in chargingRegions(regionOf: regionOf, among: Set(pieces)) where home[t] == nil || home[t] == k {
        home[t] = h
      }
      var front: [Pending] = []
      for piece in pieces {
        if let q = prepare(piece) { front.append(q) } else { result[piece] = (0, true) }
      }
      queue.insert(contentsOf: front, at: 0)
    }
    // A split region counts the better of CBC's bound on it and its halves' sum (children come
    // after their parents, so one backward pass adds the halves up).
    var value = sets.indices.map { result[$0]?.bound ?? 0 }
    for k in sets.indices.reversed() where parent[k] >= 0 { value[parent[k]] += value[k] }
    var regions: [RegionBound.Region] = []
    var total = 0
    func settle(_ k: Int) {
      guard let partial = partialOf[k] else {
        regions.append(RegionBound.Region(operators: sets[k], bound: value[k], isExact: result[k]?.exact ?? false))
        total += value[k]
        return
      }
      if partial > value[k] {
        regions.append(RegionBound.Region(operators: splitOps[k]!, bound: partial, isExact: false))
        total += partial
      } else {
        for c in sets.indices where parent[c] == k { settle(c) }
      }
    }
    for k in sets.indices where parent[k] < 0 { settle(k) }
    return RegionBound(bytes: total, regions: regions, isComplete: complete)
  }

  /// Consecutive step ranges of at most `size` steps covering `schedule`, each ending where the
  /// fewest bytes are live across the cut among its last half.
  func regionCuts(schedule: [OperatorID], size: Int) -> [ClosedRange<Step>] {
    let n = schedule.count
    let crossing = crossingBytes(schedule: schedule)
    var ranges: [ClosedRange<Step>] = []
    var a = 0
    while a < n {
      var end = min(n - 1, a + size - 1)
      if end < n - 1 {
        var best = end
        for s in (a + size / 2 - 1)...end where crossing[s] < crossing[best] { best = s }
        end = best
      }
      ranges.append(a...end)
      a = end + 1
    }
    return ranges
  }

  /// The bytes live across the cut after each step of `schedule` (a topological order of some
  /// operators), among its operators.
  func crossingBytes(schedule: [OperatorID]) -> [ByteCount] {
    let n = schedule.count
    var position = [Step](repeating: -1, count: graph.operators.count)
    for (s, o) in schedule.enumerated() { position[o.rawValue] = s }
    // A tensor crosses the cuts after its first step and before its last.
    var intervals: [(first: Int, last: Int, bytes: ByteCount)] = []
    for t in graph.tensorIDs where isPlanned(t) {
      let steps = ([graph.producer[t.rawValue]].compactMap { $0 } + graph.consumers[t.rawValue])
        .map { position[$0.rawValue] }.filter { $0 >= 0 }
      guard let lo = steps.min(), let hi = steps.max(), lo < hi else { continue }
      intervals.append((lo, hi - 1, self.size(t)))
    }
    return liveBytesPerStep(steps: n, intervals) + [0]
  }

  /// Whether the region `sub` (of the operators `ops`, keeping the order pairs `before`) has an
  /// order whose live bytes fit without any transfer: the minimum-peak schedule of the whole
  /// graph restricted to it, or, with no order pairs, its own minimum-peak order.
  func fitsWithoutTraffic(_ sub: PlanningProblem, _ ops: [OperatorID], _ before: [(OperatorID, OperatorID)]) -> Bool {
    var local = [Int](repeating: -1, count: graph.operators.count)
    for (i, o) in ops.enumerated() { local[o.rawValue] = i }
    let restricted = budgets.mpSchedule.filter { local[$0.rawValue] >= 0 }.map { OperatorID(local[$0.rawValue]) }
    if sub.graph.peakLiveBytes(schedule: restricted, weights: sub.weights, size: sub.size).bytes <= capacity { return true }
    return before.isEmpty && sub.budgets.mp <= capacity
  }

  /// For each tensor that several regions touch, the one region that charges its traffic: the
  /// region with most of its readers (a tie goes to the producer's region, then to the first).
  /// The others treat it as free: a load the whole plan makes once can be a reload of several
  /// regions' restrictions, so charging it twice could count more than the plan moves. With
  /// `among`, only the tensors touching those regions, charged by one of them.
  func chargingRegions(regionOf: [Int], among: Set<Int>?) -> [TensorID: Int] {
    var home: [TensorID: Int] = [:]
    for t in graph.tensorIDs where isPlanned(t) {
      var readers: [Int: Int] = [:]
      for c in graph.consumers[t.rawValue] where regionOf[c.rawValue] >= 0 { readers[regionOf[c.rawValue], default: 0] += 1 }
      let producer = graph.producer[t.rawValue].map { regionOf[$0.rawValue] } ?? -1
      var touching = Set(readers.keys).union(producer >= 0 ? [producer] : [])
      if let among {
        let outside = touching.subtracting(among)
        touching.formIntersection(among)
        guard !touching.isEmpty, touching.count + outside.count > 1 else { continue }
      } else {
        guard touching.count > 1 else { continue }
      }
      home[t] = touching.max { a, b in
        (readers[a] ?? 0, a == producer ? 1 : 0, -a) < (readers[b] ?? 0, b == producer ? 1 : 0, -b)
      }
    }
    return home
  }

  /// The tensors of in-place memory (a concatenation's output and inputs, a split's or a fused
  /// pad's input and outputs) that the region of the operators `inside` cuts: the operator, a
  /// producer or reader of a concatenation's input or a reader of a split's or pad's output lies
  /// outside it. A region rebuilt on its own could not hold them in place, and would count space the
  /// whole plan need not take: it gives them no space and no traffic instead, so that its bound
  /// stays a bound.
  func tensorsOfCutInPlaceMemory(_ inside: Set<OperatorID>) -> Set<TensorID> {
    var cut = Set<TensorID>()
    for (c, cp) in concatsInPlace {
      let whole = inside.contains(c)
        && cp.parts.allSatisfy {
          (graph.producer[$0.input.rawValue].map(inside.contains) ?? false) && graph.consumers[$0.input.rawValue].allSatisfy(inside.contains)
        }
      if !whole { cut.formUnion([cp.output] + cp.parts.map(\.input)) }
    }
    for r in readsInPlace {
      let whole = inside.contains(r.op) && r.parts.allSatisfy { graph.consumers[$0.output.rawValue].allSatisfy(inside.contains) }
      if !whole { cut.formUnion([r.input] + r.parts.map(\.output)) }
    }
    return cut
  }

  /// The sub-problem of the operators `ops` (in a topological order; region number `index`), its
  /// free tensors (those another region charges, see `chargingRegions`), and the order pairs its
  /// operators keep through paths outside it (`a` reaches `b` in the graph but not in the region;
  /// only the pairs no third operator of the region implies).
  func region(
    _ ops: [OperatorID], index k: Int, home: [TensorID: Int], reach: Reachability
  ) -> (PlanningProblem, free: Set<TensorID>, arriving: Set<TensorID>, before: [(OperatorID, OperatorID)])? {
    let g = graph
    let inside = Set(ops)
    let shrunk = tensorsOfCutInPlaceMemory(inside)
    var index: [TensorID: TensorID] = [:]
    var tensors: [Tensor] = []
    var free = Set<TensorID>()
    var arriving = Set<TensorID>()
    var shrunkHere = 0
    func map(_ t: TensorID) -> TensorID {
      if let m = index[t] { return m }
      var copy = g[t]
      if shrunk.contains(t) {
        // Held in place with tensors outside the region: it may take no space of its own there,
        // so it takes 1 byte here (the capacity grows by its aligned size) and moves 1 byte.
        copy.bytes = 1
        copy.shape = nil
        copy.slice = nil
        copy.partial = nil
        shrunkHere += 1
      }
      let m = TensorID(tensors.count)
      let charged = home[t].map { $0 == k } ?? true
      if let p = g.producer[t.rawValue], inside.contains(p) {
        // Produced here: it keeps its kind (a store is charged only if a reader here reloads it).
      } else if !copy.kind.isInDRAMInitially {
        // Produced outside: its first load stands for its arrival. A reload stands for a load and,
        // for an activation, a store (an output's store is compulsory).
        if charged && copy.kind == .activation { arriving.insert(m) }
        copy.kind = .input
      }
      if !charged { free.insert(m) }
      tensors.append(copy)
      index[t] = m
      return m
    }
    let operators = ops.map { o in
      let op = g[o]
      return Operator(name: op.name, type: op.type, inputs: op.inputs.map(map), outputs: op.outputs.map(map), macs: op.macs)
    }
    var a = accelerator
    a.scratchpad = .bytes(capacity + shrunkHere * alignment)
    guard let sub = try? Graph(name: "\(g.name) region", tensors: tensors, operators: operators),
      let problem = try? PlanningProblem(graph: sub, accelerator: a)
    else { return nil }
    // Order pairs: `ops[i]` before `ops[j]` when the graph orders them and no region operator
    // lies between them; those the region's own edges give are left to its edges.
    let local = Reachability(graph: sub)
    // Which region operators each one reaches, and is reached from, in the graph: bit sets over
    // the region, so that "a third operator lies between" is one pass of words (a cubic search
    // took 100 s on a region of 1,027 tiles).
    let n = ops.count
    let words = (n + 63) / 64
    var down = [[UInt64]](repeating: [UInt64](repeating: 0, count: words), count: n)
    var up = down
    for i in 0..<n {
      for j in 0..<n where i != j && reach.isAncestor(ops[i].rawValue, of: ops[j].rawValue) {
        down[i][j / 64] |= 1 << UInt64(j % 64)
        up[j][i / 64] |= 1 << UInt64(i % 64)
      }
    }
    var before: [(OperatorID, OperatorID)] = []
    for i in 0..<n {
      for j in 0..<n where down[i][j / 64] & (1 << UInt64(j % 64)) != 0 {
        if local.isAncestor(i, of: j) { continue }
        let implied = (0..<words).contains { down[i][$0] & up[j][$0] != 0 }
        if !implied { before.append((OperatorID(i), OperatorID(j))) }
      }
    }
    return (problem, free, arriving, before)
  }
}
