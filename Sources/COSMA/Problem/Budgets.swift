/// The budget tiers of a graph for one alignment and weights mode (SPEC §1).
public struct Budgets: Sendable, Equatable {
  /// `M_R`: the largest working set (inputs plus outputs) of any operator. Exact.
  public var mr: ByteCount
  /// The operator whose working set is `M_R`.
  public var mrOperator: OperatorID
  /// `M_P` as used for the tiers: the best no-spill peak found (an upper bound on the true
  /// minimum peak), or the exact minimum when ``mpIsExact``.
  public var mp: ByteCount
  /// A proven lower bound on the true `M_P`.
  public var mpLowerBound: ByteCount
  /// A schedule reaching ``mp`` with no spills.
  public var mpSchedule: [OperatorID]
  /// `M_H = (M_R + M_P) / 2`, rounded down to the alignment.
  public var mh: ByteCount

  /// Whether ``mp`` is proven to be the minimum peak.
  public var mpIsExact: Bool { mp == mpLowerBound }

  /// The bytes of a tier.
  public subscript(tier: BudgetTier) -> ByteCount {
    switch tier {
    case .mr: return mr
    case .mh: return mh
    case .mp: return mp
    }
  }

  /// Computes the tiers of `graph`.
  ///
  /// `M_R` is exact. `M_P` comes from ``MinimumPeakScheduler``, a memory-aware list scheduler;
  /// it is exact only when it meets its lower bound (`M_R`, or the live bytes that every
  /// schedule must hold at once).
  public init(graph: Graph, alignment: Int, weights: WeightsPlacement) {
    let size = { (t: TensorID) in roundUp(graph[t].bytes, to: alignment) }
    var mr = 0
    var mrOperator = OperatorID(0)
    for o in graph.operatorIDs {
      let bytes = graph.workingSet(of: o, weights: weights).reduce(0) { $0 + size($1) }
      if bytes > mr {
        mr = bytes
        mrOperator = o
      }
    }
    let scheduler = MinimumPeakScheduler(graph: graph, weights: weights, size: size)
    let (schedule, peak) = scheduler.bestSchedule()
    self.mr = mr
    self.mrOperator = mrOperator
    self.mp = peak
    self.mpLowerBound = mr
    self.mpSchedule = schedule
    self.mh = roundDown((mr + peak) / 2, to: alignment)
    if mh < mr { mh = mr }
  }
}
