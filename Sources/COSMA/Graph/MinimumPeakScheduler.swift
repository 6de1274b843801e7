/// Finds a schedule with a small no-spill peak of live bytes: the "minimum peak memory order"
/// of the COSMA paper's baselines, and the upper bound on `M_P`.
///
/// A memory-aware list scheduler: among the operators whose inputs are ready, it runs the one
/// chosen by a rule on the live bytes during and after the operator. Several rules (and a few
/// seeded random tie-breaks) are tried, together with the file order, and the schedule with the
/// smallest peak wins.
///
/// - Complexity: O(r · n · d) per rule for n operators, r ready operators on average and d
///   tensors per operator.
public struct MinimumPeakScheduler {
  public let graph: Graph
  public let weights: WeightsPlacement
  public let size: (TensorID) -> ByteCount
  /// How many randomized runs to add to the deterministic rules.
  public var randomRuns = 6

  public init(graph: Graph, weights: WeightsPlacement, size: @escaping (TensorID) -> ByteCount) {
    self.graph = graph
    self.weights = weights
    self.size = size
  }

  enum Rule {
    /// Smallest peak while running, then smallest live bytes after.
    case peakThenAfter
    /// Smallest live bytes after, then smallest peak while running.
    case afterThenPeak
    /// Prefer operators enabled most recently (closes branches first), then smallest peak.
    case depthFirst
    /// `peakThenAfter` with random tie-breaks and small random perturbations.
    case randomized(seed: UInt64)
  }

  /// The best schedule found and its peak.
  public func bestSchedule() -> (schedule: [OperatorID], peak: ByteCount) {
    var best = graph.defaultSchedule
    var bestPeak = graph.peakLiveBytes(schedule: best, weights: weights, size: size).bytes
    var rules: [Rule] = [.peakThenAfter, .afterThenPeak, .depthFirst]
    for k in 0..<randomRuns { rules.append(.randomized(seed: 0x9E37_79B9 &+ UInt64(k))) }
    for rule in rules {
      let s = schedule(rule: rule)
      let peak = graph.peakLiveBytes(schedule: s, weights: weights, size: size).bytes
      if peak < bestPeak {
        best = s
        bestPeak = peak
      }
    }
    return (best, bestPeak)
  }

  func schedule(rule: Rule) -> [OperatorID] {
    let n = graph.operators.count
    var rng = SplitMix64(seed: { if case .randomized(let s) = rule { return s } else { return 1 } }())
    var pendingConsumers = graph.consumers.map(\.count)
    var missingInputs = graph.predecessors.map(\.count)
    var resident = [Bool](repeating: false, count: graph.tensors.count)
    var ready: [OperatorID] = graph.operatorIDs.filter { missingInputs[$0.rawValue] == 0 }
    var enabledAt = [Int](repeating: 0, count: n)
    var live = 0
    var order: [OperatorID] = []
    order.reserveCapacity(n)
    while !ready.isEmpty {
      var bestIndex = 0
      var bestKey: (Double, Double) = (.infinity, .infinity)
      for (i, o) in ready.enumerated() {
        var load = 0
        var freed = 0
        for t in graph.distinctInputs[o.rawValue] where graph.isPlanned(t, weights: weights) {
          if !resident[t.rawValue] { load += size(t) }
          if pendingConsumers[t.rawValue] == 1 { freed += size(t) }
        }
        var out = 0
        for t in graph[o].outputs {
          out += size(t)
          if graph.consumers[t.rawValue].isEmpty { freed += size(t) }
        }
        let peak = Double(live + load + out)
        let after = Double(live + load + out - freed)
        let key: (Double, Double)
        switch rule {
        case .peakThenAfter: key = (peak, after)
        case .afterThenPeak: key = (after, peak)
        case .depthFirst: key = (Double(-enabledAt[o.rawValue]), peak)
        case .randomized:
          let noise = 1 + 0.05 * rng.nextUnit()
          key = (peak * noise, after + rng.nextUnit())
        }
        if key < bestKey {
          bestKey = key
          bestIndex = i
        }
      }
      let o = ready.remove(at: bestIndex)
      order.append(o)
      for t in graph.distinctInputs[o.rawValue] where graph.isPlanned(t, weights: weights) {
        if !resident[t.rawValue] {
          resident[t.rawValue] = true
          live += size(t)
        }
        pendingConsumers[t.rawValue] -= 1
        if pendingConsumers[t.rawValue] == 0 {
          resident[t.rawValue] = false
          live -= size(t)
        }
      }
      for t in graph[o].outputs where !graph.consumers[t.rawValue].isEmpty {
        resident[t.rawValue] = true
        live += size(t)
      }
      for s in graph.successors[o.rawValue] {
        missingInputs[s.rawValue] -= 1
        if missingInputs[s.rawValue] == 0 {
          enabledAt[s.rawValue] = order.count
          ready.append(s)
        }
      }
    }
    precondition(order.count == n, "a validated graph is acyclic")
    return order
  }
}
