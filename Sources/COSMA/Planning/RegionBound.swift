import Foundation

/// A lower bound on non-compulsory traffic that adds up exact solves of small regions of the
/// graph: the bound for graphs too large for the joint ILP.
///
/// The operators are split into disjoint regions. A region's sub-problem keeps the capacity and
/// the region's operators (in any order their dependencies inside the region allow), and treats
/// every tensor crossing its boundary as free to load and store: a tensor produced outside the
/// region becomes an input whose loads cost nothing; a tensor produced inside and read outside
/// becomes an output (its store is compulsory, so free, and its reloads inside the region cost
/// its size); an input or weight read by several regions costs only in the first. Restricting
/// any plan of the whole graph to a region's operators and tensors gives a plan of the
/// sub-problem (fewer tensors compete for the scratchpad, the order is a topological order of
/// the region), and every transfer the sub-problem charges is a transfer of the whole plan
/// charged by no other region. So the sum of the regions' optima — or of CBC's bounds on them —
/// is a lower bound on every plan, whatever its order.
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
  /// Whether the time limit stopped the computation before every region was solved (the regions
  /// left out count 0).
  public var isComplete: Bool
}

extension PlanningProblem {
  /// The region lower bound (see ``RegionBound``) over the fans of the activations read by several operators, then
  /// regions of at most `regionSize` consecutive operators of the minimum-peak schedule over the
  /// rest, cut where the fewest bytes cross. The regions that need a solve share `timeLimit`.
  public func regionLowerBound(
    regionSize: Int = 32, timeLimit: Double = 60, progress: (@Sendable (String) -> Void)? = nil
  ) -> RegionBound {
    let fans = fanRegions()
    let inFans = Set(fans.joined())
    let schedule = budgets.mpSchedule.filter { !inFans.contains($0) }
    let cuts = schedule.isEmpty ? [] : regionCuts(schedule: schedule, size: max(2, regionSize))
    return regionLowerBound(regions: fans + cuts.map { Array(schedule[$0]) }, timeLimit: timeLimit, progress: progress)
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
  /// regions is kept in the first). A region whose own minimum-peak order fits needs no solve
  /// (its bound is 0); the others share what is left of `timeLimit` equally.
  public func regionLowerBound(
    regions given: [[OperatorID]], timeLimit: Double = 60, progress: (@Sendable (String) -> Void)? = nil
  ) -> RegionBound {
    let clock = Stopwatch()
    var taken = Set<OperatorID>()
    let sets = given.map { ops in ops.filter { taken.insert($0).inserted } }.filter { !$0.isEmpty }
    var charged = Set<TensorID>()
    // Build every region first (in dependency order: the file's order is the default schedule):
    // a region whose own peak fits needs no traffic, so only the others share the time.
    var built: [(ops: [OperatorID], sub: PlanningProblem?, free: Set<TensorID>)] = []
    for members in sets {
      let ops = members.sorted { $0.rawValue < $1.rawValue }
      // A region that cannot be built (it cannot happen for a valid graph) counts 0.
      if let (sub, free) = region(ops, charged: &charged), sub.budgets.mp > capacity {
        built.append((ops, sub, free))
      } else {
        built.append((ops, nil, []))
      }
    }
    var toSolve = built.filter { $0.sub != nil }.count
    var regions: [RegionBound.Region] = []
    var complete = true
    for (k, r) in built.enumerated() {
      var bound = 0
      var exact = true
      var integers = 0
      if let sub = r.sub {
        let left = timeLimit - clock.seconds
        if left <= 0.05 {
          complete = false
          exact = false
        } else {
          var f = ResidencyFormulation(problem: sub)
          f.free = r.free
          f.build()
          integers = f.model.integerCount
          let result = CbcSolver().solve(f.model, options: SolveOptions(timeLimit: max(0.2, left / Double(toSolve))))
          if case .optimal = result.termination, let o = result.objective {
            bound = Int((o - 1e-6).rounded(.up))
          } else if let b = result.bound {
            bound = max(0, Int((b - 1e-6).rounded(.up)))
            exact = false
          } else {
            exact = false
          }
        }
        toSolve -= 1
      }
      let ops = r.ops
      regions.append(RegionBound.Region(operators: ops, bound: bound, isExact: exact))
      progress?("region \(k + 1)/\(built.count) (\(ops.count) operators from '\(graph[ops[0]].name)'\(integers > 0 ? ", \(integers) integers" : "")): \(groupThousands(bound)) B\(exact ? "" : " (bound, not solved)")")
    }
    return RegionBound(bytes: regions.reduce(0) { $0 + $1.bound }, regions: regions, isComplete: complete)
  }

  /// Consecutive step ranges of at most `size` steps covering `schedule`, each ending where the
  /// fewest bytes are live across the cut among its last half.
  func regionCuts(schedule: [OperatorID], size: Int) -> [ClosedRange<Step>] {
    let n = schedule.count
    var position = [Step](repeating: -1, count: graph.operators.count)
    for (s, o) in schedule.enumerated() { position[o.rawValue] = s }
    // Bytes live across the cut after each step, among the operators of `schedule`.
    var delta = [ByteCount](repeating: 0, count: n + 1)
    for t in graph.tensorIDs where isPlanned(t) {
      let steps = ([graph.producer[t.rawValue]].compactMap { $0 } + graph.consumers[t.rawValue])
        .map { position[$0.rawValue] }.filter { $0 >= 0 }
      guard let lo = steps.min(), let hi = steps.max(), lo < hi else { continue }
      delta[lo] += self.size(t)
      delta[hi] -= self.size(t)
    }
    var crossing = [ByteCount](repeating: 0, count: n + 1)
    var running = 0
    for s in 0..<n {
      running += delta[s]
      crossing[s] = running
    }
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

  /// The sub-problem of the operators `ops` (in a topological order), and its free tensors.
  /// `charged` holds the inputs and weights already charged by an earlier region.
  func region(_ ops: [OperatorID], charged: inout Set<TensorID>) -> (PlanningProblem, Set<TensorID>)? {
    let g = graph
    let inside = Set(ops)
    var index: [TensorID: TensorID] = [:]
    var tensors: [Tensor] = []
    var free = Set<TensorID>()
    func map(_ t: TensorID) -> TensorID {
      if let m = index[t] { return m }
      var copy = g[t]
      let m = TensorID(tensors.count)
      if let p = g.producer[t.rawValue], inside.contains(p) {
        // Produced here: its traffic is this region's.
        let readOutside = g.consumers[t.rawValue].contains { !inside.contains($0) }
        if copy.kind == .activation && readOutside { copy.kind = .output }
      } else if copy.kind.isInDRAMInitially {
        if !charged.insert(t).inserted { free.insert(m) }
      } else {
        copy.kind = .input
        free.insert(m)
      }
      tensors.append(copy)
      index[t] = m
      return m
    }
    let operators = ops.map { o in
      let op = g[o]
      return Operator(name: op.name, type: op.type, inputs: op.inputs.map(map), outputs: op.outputs.map(map), macs: op.macs)
    }
    var a = accelerator
    a.scratchpad = .bytes(capacity)
    guard let sub = try? Graph(name: "\(g.name) region", tensors: tensors, operators: operators),
      let problem = try? PlanningProblem(graph: sub, accelerator: a)
    else { return nil }
    return (problem, free)
  }
}
