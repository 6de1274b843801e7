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
  /// Below `M_R`: the operators that fit only written in place, each with the writes that make
  /// it fit. Every plan writes one of them, so the other readers of its input run first.
  public let requiredInPlace: [OperatorID: [InPlaceWrite]]
  /// The concatenations the planners may do in place (none unless the accelerator allows it):
  /// the graph's (``Graph/concatInPlace(of:)``) whose inputs' bytes are multiples of the
  /// alignment, so that each input's range is exactly its region of the output.
  public let concatsInPlace: [OperatorID: ConcatInPlace]
  /// The splits the planners may read in place (none unless the accelerator allows it): the
  /// graph's for this weights mode and alignment (``Graph/splitInPlace(of:weights:alignment:)``).
  public let splitsInPlace: [OperatorID: SplitInPlace]
  /// The pads the planners may fuse into their readers (none unless the accelerator allows
  /// in-place memory): the graph's (``Graph/padView(of:)``).
  public let padViews: [OperatorID: PadView]

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
    let size = { (t: TensorID) in roundUp(graph[t].bytes, to: accelerator.alignment) }
    let writes = graph.operatorIDs.map { o in
      guard accelerator.inPlace else { return [InPlaceWrite]() }
      return graph.sameSizeInPlaceWrites(of: o, alignment: accelerator.alignment)
    }
    var required: [OperatorID: [InPlaceWrite]] = [:]
    if capacity < budgets.mr {
      guard accelerator.inPlace else {
        throw DoesNotFitError(
          scratchpadBytes: capacity, requiredBytes: budgets.mr,
          operatorName: graph[budgets.mrOperator].name)
      }
      // Below M_R, an operator that does not fit may still fit writing its output over an input
      // that can die there: one that no descendant of the operator reads; or, a split or a pad,
      // with its outputs read in place (which needs no order).
      var worst: (OperatorID, ByteCount)?
      var claimed = Set<TensorID>()
      let footprint = graph.operatorIDs.map { o in Set(graph.workingSet(of: o, weights: accelerator.weights)).reduce(0) { $0 + size($1) } }
      // Largest working sets first, as `M_I` counts them.
      for o in graph.operatorIDs.sorted(by: { (footprint[$0.rawValue], $1.rawValue) > (footprint[$1.rawValue], $0.rawValue) }) {
        let bytes = footprint[o.rawValue]
        guard bytes > capacity else { break }
        let view = graph.viewSaving(of: o, weights: accelerator.weights, alignment: accelerator.alignment)
        if view > 0 {
          if bytes - view <= capacity { continue }
          if worst.map({ bytes - view > $0.1 }) ?? true { worst = (o, bytes - view) }
          continue
        }
        let below = graph.descendants(of: o)
        let fitting = writes[o.rawValue].filter { w in
          bytes - size(w.output) <= capacity && graph.consumers[w.input.rawValue].allSatisfy { !below.contains($0) }
        }
        // An input is overwritten once: an operator whose every fitting write is over an input
        // that one with a larger working set must overwrite does not fit.
        let free = fitting.filter { w in !claimed.contains(w.input) }
        if free.isEmpty {
          let need = fitting.isEmpty ? bytes - (writes[o.rawValue].isEmpty ? 0 : size(graph[o].outputs[0])) : bytes
          if worst.map({ need > $0.1 }) ?? true { worst = (o, max(need, capacity + 1)) }
        } else {
          claimed.insert(free[0].input)
        }
        required[o] = Array(free.prefix(1))
      }
      if let (o, need) = worst {
        var refusal = DoesNotFitError(scratchpadBytes: capacity, requiredBytes: need, operatorName: graph[o].name)
        refusal.inPlace = true
        throw refusal
      }
    }
    var resolved = accelerator
    resolved.scratchpad = .bytes(capacity)
    self.graph = graph
    self.accelerator = resolved
    self.capacity = capacity
    self.budgets = budgets
    self.inPlaceWrites = writes
    self.requiredInPlace = required
    // In-place memory the accelerator allows: the graph's, where every part's range is exactly
    // its region of the host at this alignment (and a split's input is in the scratchpad).
    func each<T>(_ find: (OperatorID) -> T?) -> [OperatorID: T] {
      guard accelerator.inPlace else { return [:] }
      var found: [OperatorID: T] = [:]
      for o in graph.operatorIDs { if let t = find(o) { found[o] = t } }
      return found
    }
    let aligned = { (t: TensorID) in graph[t].bytes % accelerator.alignment == 0 }
    self.concatsInPlace = each { o in graph.concatInPlace(of: o).flatMap { c in c.parts.allSatisfy { aligned($0.input) } ? c : nil } }
    self.splitsInPlace = each { graph.splitInPlace(of: $0, weights: accelerator.weights, alignment: accelerator.alignment) }
    self.padViews = each { graph.padView(of: $0) }
  }

  /// Whether the planners may use in-place memory anywhere in this problem: its ILPs then carry
  /// in-place variables, on which CBC's preprocessing has crashed (DenseNet-121 at `M_R` with
  /// in-place memory, in a fixed-order ILP stopped by its time limit), so they are solved
  /// without it.
  public var usesInPlaceMemory: Bool {
    inPlaceWrites.contains { !$0.isEmpty } || !concatsInPlace.isEmpty || !splitsInPlace.isEmpty || !padViews.isEmpty
  }

  /// The operators whose outputs may be read in place within their input (splits and fused
  /// pads), each with its input and its outputs at their offsets in it; a pad's output is a view
  /// of the whole input (`view`: it takes no space of its own, whatever its size).
  var readsInPlace: [(op: OperatorID, input: TensorID, parts: [(output: TensorID, offset: ByteCount)], view: Bool)] {
    (splitsInPlace.map { ($0.key, $0.value.input, $0.value.parts, false) }
      + padViews.map { ($0.key, $0.value.input, [($0.value.output, 0)], true) })
      .sorted { $0.0.rawValue < $1.0.rawValue }
  }

  /// The most in-place memory can save while operator `o` runs: the size of its output, when it
  /// may be written over an input; its inputs, for a concatenation done in place; its outputs,
  /// for a split read in place; its output, for a pad fused into its readers. Bounds subtract it
  /// from the working set.
  public func inPlaceSaving(of o: OperatorID) -> ByteCount {
    if let c = concatsInPlace[o] { return c.parts.reduce(0) { $0 + size($1.input) } }
    if let sp = splitsInPlace[o] { return sp.parts.reduce(0) { $0 + size($1.output) } }
    if let v = padViews[o] { return size(v.output) }
    return inPlaceWrites[o.rawValue].isEmpty ? 0 : size(graph[o].outputs[0])
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
