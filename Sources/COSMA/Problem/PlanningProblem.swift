/// A graph, an accelerator and a resolved scratchpad capacity: what a planner solves.
public struct PlanningProblem: Sendable {
  public let graph: Graph
  /// The accelerator, with ``Accelerator/scratchpad`` resolved to bytes.
  public let accelerator: Accelerator
  /// The scratchpad capacity in bytes.
  public let capacity: ByteCount
  /// The graph's budget tiers for this alignment and weights mode.
  public let budgets: Budgets
  /// For each operator, the in-place writes the planners may use: none unless the accelerator
  /// allows them; otherwise the graph's (``Graph/inPlaceWrites(of:)``) whose input and output
  /// take the same space, so that the output can keep the input's range to its own end.
  public let inPlaceWrites: [[InPlaceWrite]]

  public var alignment: Int { accelerator.alignment }
  public var weights: WeightsPlacement { accelerator.weights }

  /// Resolves the accelerator's scratchpad for `graph` and checks that a plan can exist.
  ///
  /// - Throws: ``DoesNotFitError`` when the capacity is below `M_R`, naming the operator that
  ///   needs the most.
  public init(graph: Graph, accelerator: Accelerator) throws {
    precondition(accelerator.alignment > 0, "alignment must be positive")
    let budgets = Budgets(graph: graph, alignment: accelerator.alignment, weights: accelerator.weights)
    let capacity: ByteCount =
      switch accelerator.scratchpad {
      case .bytes(let b): b
      case .budget(let tier): budgets[tier]
      }
    if capacity < budgets.mr {
      throw DoesNotFitError(
        scratchpadBytes: capacity, requiredBytes: budgets.mr,
        operatorName: graph[budgets.mrOperator].name)
    }
    var resolved = accelerator
    resolved.scratchpad = .bytes(capacity)
    self.graph = graph
    self.accelerator = resolved
    self.capacity = capacity
    self.budgets = budgets
    let size = { (t: TensorID) in roundUp(graph[t].bytes, to: accelerator.alignment) }
    self.inPlaceWrites = graph.operatorIDs.map { o in
      guard accelerator.inPlace else { return [] }
      return graph.inPlaceWrites(of: o).filter { size($0.input) == size($0.output) }
    }
  }

  /// The most an in-place write can save while operator `o` runs: the size of its output, when
  /// it may be written over an input. Bounds subtract it from the working set.
  public func inPlaceSaving(of o: OperatorID) -> ByteCount {
    inPlaceWrites[o.rawValue].isEmpty ? 0 : size(graph[o].outputs[0])
  }

  /// The space a tensor takes in the scratchpad: its bytes rounded up to the alignment.
  @inline(__always)
  public func size(_ t: TensorID) -> ByteCount { roundUp(graph[t].bytes, to: alignment) }

  /// Whether a tensor takes part in planning (weights are left out when external).
  @inline(__always)
  public func isPlanned(_ t: TensorID) -> Bool { graph.isPlanned(t, weights: weights) }

  /// The traffic every plan pays: each read input and weight loaded once, each output stored
  /// once (SPEC §1), in bytes.
  public var compulsoryBytes: ByteCount {
    var total = 0
    for t in graph.tensorIDs where isPlanned(t) {
      switch graph[t].kind {
      case .input, .weight: if !graph.consumers[t.rawValue].isEmpty { total += graph[t].bytes }
      case .output: total += graph[t].bytes
      case .activation: break
      }
    }
    return total
  }
}
