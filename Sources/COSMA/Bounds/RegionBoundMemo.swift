/// What the region bound learned about each sub-problem it solved, kept for the identical
/// regions of the same pass and for later passes of the same planning run.
///
/// Attention stacks repeat one layer many times (nn.Transformer has six encoder and six decoder
/// layers): their windows and fans give sub-problems that differ only in names, and solving each
/// layer's pattern once leaves the time for the patterns that differ. A later pass (a planner
/// spending the time its search left) solves again only what the earlier ones did not settle.
final class RegionBoundMemo {
  /// What a settled sub-problem gave, whatever the time a later pass has.
  enum Outcome {
    /// Its optimum.
    case solved(ByteCount)
    /// Split in two after CBC proved this bound on the whole region.
    case split(ByteCount)
  }
  var settled: [RegionSignature: Outcome] = [:]
  /// CBC's best bound on a sub-problem it did not solve: a floor for a later, longer solve.
  var partial: [RegionSignature: ByteCount] = [:]

  init() {}
}

/// What a region's sub-problem is, without the names: two regions with the same signature have
/// the same model, so the region bound solves one and counts its result for both.
struct RegionSignature: Hashable {
  struct TensorPart: Hashable {
    var kind: TensorKind
    var bytes: ByteCount
    var shape: [Int]?
    var dtype: String?
    var free: Bool
    var arriving: Bool
  }
  struct OperatorPart: Hashable {
    var type: String
    var inputs: [Int]
    var outputs: [Int]
  }
  var capacity: ByteCount
  var tensors: [TensorPart]
  var operators: [OperatorPart]
  var before: [[Int]]

  /// The signature of a region's sub-problem as ``PlanningProblem/region(_:index:home:reach:)``
  /// builds it: its graph, which tensors are free and which arrive, and its order pairs.
  init(_ sub: PlanningProblem, free: Set<TensorID>, arriving: Set<TensorID>, before: [(OperatorID, OperatorID)]) {
    let g = sub.graph
    capacity = sub.capacity
    tensors = g.tensorIDs.map { t in
      TensorPart(
        kind: g[t].kind, bytes: g[t].bytes, shape: g[t].shape, dtype: g[t].dtype, free: free.contains(t),
        arriving: arriving.contains(t))
    }
    operators = g.operatorIDs.map { o in
      OperatorPart(type: g[o].type, inputs: g[o].inputs.map(\.rawValue), outputs: g[o].outputs.map(\.rawValue))
    }
    self.before = before.map { [$0.0.rawValue, $0.1.rawValue] }
  }
}
