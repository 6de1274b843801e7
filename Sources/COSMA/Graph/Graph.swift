/// What a tensor is, which decides where its data can come from.
public enum TensorKind: String, Sendable, CaseIterable, Codable {
  /// A graph input: always available in DRAM, never produced.
  case input
  /// A parameter: always available in DRAM, never produced.
  case weight
  /// An intermediate value, produced by exactly one operator.
  case activation
  /// A graph result, produced by exactly one operator and stored to DRAM at least once.
  case output

  /// Whether DRAM holds this tensor before anything runs.
  public var isInDRAMInitially: Bool { self == .input || self == .weight }
}

/// A tensor of the graph.
public struct Tensor: Sendable, Equatable {
  public var name: String
  public var kind: TensorKind
  /// The tensor's size in bytes (before any alignment).
  public var bytes: ByteCount
  public var shape: [Int]?
  public var dtype: String?
  /// In a tiled graph, the part of a whole tensor this tensor is.
  public var slice: TensorSlice?
  /// In a tiled graph, the partial sum of a region of a tensor this tensor is.
  public var partial: TensorPartial?

  public init(
    name: String, kind: TensorKind, bytes: ByteCount, shape: [Int]? = nil, dtype: String? = nil,
    slice: TensorSlice? = nil, partial: TensorPartial? = nil
  ) {
    self.name = name
    self.kind = kind
    self.bytes = bytes
    self.shape = shape
    self.dtype = dtype
    self.slice = slice
    self.partial = partial
  }
}

/// An operator of the graph.
public struct Operator: Sendable, Equatable {
  public var name: String
  public var type: String
  /// The tensors it reads, in the file's order (a tensor may appear twice, as in `x * x`).
  public var inputs: [TensorID]
  /// The tensors it writes.
  public var outputs: [TensorID]
  /// Multiply-accumulates, when known (used by the simulator).
  public var macs: Int?
  /// Its window or contraction, when known (SPEC §2).
  public var attributes: OperatorAttributes?
  /// In a tiled graph, the whole operator this one is a tile of.
  public var tile: OperatorTile?

  public init(
    name: String, type: String, inputs: [TensorID], outputs: [TensorID], macs: Int? = nil,
    attributes: OperatorAttributes? = nil, tile: OperatorTile? = nil
  ) {
    self.tile = tile
    self.name = name
    self.type = type
    self.inputs = inputs
    self.outputs = outputs
    self.macs = macs
    self.attributes = attributes
  }
}

/// A validated DNN inference graph: a DAG of operators over named tensors.
///
/// A `Graph` can only be created through its throwing initializer, which checks every rule of
/// the `cosma-graph` format (SPEC §2). Once created it is immutable and its derived relations
/// (producer, consumers, a topological order) are precomputed.
public struct Graph: Sendable {
  public let name: String
  public let source: String?
  public let tensors: [Tensor]
  /// The operators in the file's order, which is the framework's default schedule.
  public let operators: [Operator]

  /// `producer[t]` is the operator writing tensor `t`, `nil` for inputs and weights.
  public let producer: [OperatorID?]
  /// `consumers[t]` are the distinct operators reading tensor `t`, in file order.
  public let consumers: [[OperatorID]]
  /// For each operator, its distinct inputs in first-appearance order.
  public let distinctInputs: [[TensorID]]
  /// For each operator, the operators it depends on (distinct, sorted).
  public let predecessors: [[OperatorID]]
  /// For each operator, the operators that depend on it (distinct, sorted).
  public let successors: [[OperatorID]]

  private let tensorIndex: [ExactName: TensorID]
  private let operatorIndex: [ExactName: OperatorID]

  /// Builds and validates a graph.
  ///
  /// - Parameter origin: the file name (or other label) that error messages name.
  /// - Throws: ``InputError`` naming the element and the rule it breaks.
  public init(
    name: String, source: String? = nil, tensors: [Tensor], operators: [Operator],
    origin: String = "graph"
  ) throws {
    func fail(_ element: String, _ rule: String) -> InputError {
      InputError(file: origin, element: element, rule: rule)
    }
    if operators.isEmpty { throw fail("operators", "the graph has no operators") }
    var tIndex: [ExactName: TensorID] = [:]
    for (i, t) in tensors.enumerated() {
      if t.name.isEmpty { throw fail("tensors[\(i)]", "the name is empty") }
      if tIndex[ExactName(t.name)] != nil { throw fail("tensor '\(t.name)'", "the name is used twice") }
      if t.bytes <= 0 {
        throw fail("tensor '\(t.name)'", "bytes must be a positive integer, got \(t.bytes)")
      }
      if t.bytes > Graph.maximumTensorBytes {
        throw fail(
          "tensor '\(t.name)'",
          "bytes must be at most \(Graph.maximumTensorBytes), got \(t.bytes)")
      }
      if let shape = t.shape, checkedProduct(shape) == nil {
        throw fail("tensor '\(t.name)'", "shape \(shape) has a negative dimension or more than 2^50 elements")
      }
      if let slice = t.slice, let rule = slice.problem(shape: t.shape) { throw fail("tensor '\(t.name)'", rule) }
      if let partial = t.partial {
        if t.slice != nil { throw fail("tensor '\(t.name)'", "a tensor is a slice or a partial, not both") }
        if t.kind != .activation { throw fail("tensor '\(t.name)'", "a partial must be an activation, got \(t.kind.rawValue)") }
        if let rule = partial.problem(shape: t.shape) { throw fail("tensor '\(t.name)'", rule) }
      }
      tIndex[ExactName(t.name)] = TensorID(i)
    }
    // Every sum of sizes COSMA forms (budgets, traffic, live bytes, a plan's transfers of each
    // tensor a few thousand times) stays far from overflow.
    var total = 0
    for t in tensors {
      total += t.bytes
      if total > Graph.maximumTotalBytes {
        throw fail("tensors", "their sizes add up to more than \(Graph.maximumTotalBytes) bytes (2^50)")
      }
    }
    var totalMACs = 0
    for op in operators {
      guard let m = op.macs else { continue }
      if m < 0 || m > Graph.maximumTotalBytes { throw fail("operator '\(op.name)'", "macs must be between 0 and 2^50, got \(m)") }
      totalMACs += m
      if totalMACs > 1 << 56 { throw fail("operators", "their macs add up to more than 2^56") }
    }
    var oIndex: [ExactName: OperatorID] = [:]
    var producer = [OperatorID?](repeating: nil, count: tensors.count)
    var consumers = [[OperatorID]](repeating: [], count: tensors.count)
    var distinctInputs: [[TensorID]] = []
    for (i, op) in operators.enumerated() {
      let id = OperatorID(i)
      if op.name.isEmpty { throw fail("operators[\(i)]", "the name is empty") }
      if oIndex[ExactName(op.name)] != nil { throw fail("operator '\(op.name)'", "the name is used twice") }
      oIndex[ExactName(op.name)] = id
      if op.outputs.isEmpty { throw fail("operator '\(op.name)'", "it has no outputs") }
      if let rule = op.tile?.problem { throw fail("operator '\(op.name)'", rule) }
      for t in op.inputs + op.outputs where !tensors.indices.contains(t.rawValue) {
        throw fail("operator '\(op.name)'", "it names tensor #\(t.rawValue), which does not exist")
      }
      if let a = op.attributes, let rule = a.problem(inputRanks: op.inputs.map { tensors[$0.rawValue].shape?.count }) {
        throw fail("operator '\(op.name)' attributes", rule)
      }
      var seen = Set<TensorID>()
      var distinct: [TensorID] = []
      for t in op.inputs where seen.insert(t).inserted {
        distinct.append(t)
        consumers[t.rawValue].append(id)
      }
      distinctInputs.append(distinct)
      for t in op.outputs {
        let tensor = tensors[t.rawValue]
        if tensor.kind.isInDRAMInitially {
          throw fail(
            "operator '\(op.name)'",
            "it writes \(tensor.kind.rawValue) '\(tensor.name)', which no operator may produce")
        }
        if let other = producer[t.rawValue] {
          let by = other == id ? "twice by this operator" : "also by '\(operators[other.rawValue].name)'"
          throw fail("tensor '\(tensor.name)'", "it has two producers: '\(op.name)' and \(by)")
        }
        if seen.contains(t) {
          throw fail("operator '\(op.name)'", "it reads its own output '\(tensor.name)' (a cycle)")
        }
        producer[t.rawValue] = id
      }
    }
    for (i, t) in tensors.enumerated()
    where !t.kind.isInDRAMInitially && producer[i] == nil {
      throw fail("tensor '\(t.name)'", "\(t.kind.rawValue) that no operator produces")
    }
    var preds = [[OperatorID]](repeating: [], count: operators.count)
    var succs = [[OperatorID]](repeating: [], count: operators.count)
    for (i, inputs) in distinctInputs.enumerated() {
      let ps = Set(inputs.compactMap { producer[$0.rawValue] }).sorted()
      preds[i] = ps
      for p in ps { succs[p.rawValue].append(OperatorID(i)) }
    }
    self.name = name
    self.source = source
    self.tensors = tensors
    self.operators = operators
    self.producer = producer
    self.consumers = consumers
    self.distinctInputs = distinctInputs
    self.predecessors = preds
    self.successors = succs
    self.tensorIndex = tIndex
    self.operatorIndex = oIndex
    if let cycle = Graph.findCycle(successors: succs) {
      let names = cycle.map { "'\(operators[$0.rawValue].name)'" }.joined(separator: " -> ")
      throw fail("operators", "the graph has a cycle: \(names)")
    }
  }

  /// The largest tensor size accepted (1 PiB): larger values are certainly mistakes and would
  /// overflow sums.
  public static let maximumTensorBytes: ByteCount = maximumByteCount
  /// The largest sum of all tensor sizes accepted (1 PiB too): a plan moving each byte a
  /// thousand times still counts its traffic without overflow.
  public static let maximumTotalBytes: ByteCount = maximumByteCount

  /// The tensor with this name, if any.
  public func tensor(named name: String) -> TensorID? { tensorIndex[ExactName(name)] }
  /// The operator with this name, if any.
  public func `operator`(named name: String) -> OperatorID? { operatorIndex[ExactName(name)] }

  public subscript(t: TensorID) -> Tensor { tensors[t.rawValue] }
  public subscript(o: OperatorID) -> Operator { operators[o.rawValue] }

  public var tensorIDs: [TensorID] { tensors.indices.map(TensorID.init) }
  public var operatorIDs: [OperatorID] { operators.indices.map(OperatorID.init) }

  /// The file's operator order (the framework's default schedule), or, when the file lists an
  /// operator before one it depends on, the topological order closest to it: at each step the
  /// first operator in the file whose producers have all run.
  public var defaultSchedule: [OperatorID] {
    let ids = operatorIDs
    guard ids.contains(where: { o in predecessors[o.rawValue].contains { $0.rawValue > o.rawValue } }) else { return ids }
    return topologicalOrder(closestTo: ids) ?? ids  // never nil: the graph is acyclic
  }

  /// The tensors an operator needs resident while it runs: its distinct inputs (without weights
  /// when weights are external) followed by its outputs.
  public func workingSet(of o: OperatorID, weights: WeightsPlacement) -> [TensorID] {
    let ins = distinctInputs[o.rawValue].filter {
      weights == .scratchpad || tensors[$0.rawValue].kind != .weight
    }
    return ins + operators[o.rawValue].outputs
  }

  /// Whether a tensor takes part in planning (weights are left out when external).
  public func isPlanned(_ t: TensorID, weights: WeightsPlacement) -> Bool {
    weights == .scratchpad || tensors[t.rawValue].kind != .weight
  }

  /// Returns one cycle as a list of operators, or nil when the graph is acyclic.
  private static func findCycle(successors: [[OperatorID]]) -> [OperatorID]? {
    let n = successors.count
    var color = [UInt8](repeating: 0, count: n)  // 0 new, 1 on stack, 2 done
    var parent = [Int](repeating: -1, count: n)
    for root in 0..<n where color[root] == 0 {
      var stack: [(Int, Int)] = [(root, 0)]
      color[root] = 1
      while let (v, k) = stack.last {
        if k < successors[v].count {
          stack[stack.count - 1].1 += 1
          let w = successors[v][k].rawValue
          if color[w] == 0 {
            color[w] = 1
            parent[w] = v
            stack.append((w, 0))
          } else if color[w] == 1 {
            var cycle = [OperatorID(w)]
            var x = v
            while x != w {
              cycle.append(OperatorID(x))
              x = parent[x]
            }
            cycle.append(OperatorID(w))
            return Array(cycle.reversed())
          }
        } else {
          color[v] = 2
          stack.removeLast()
        }
      }
    }
    return nil
  }
}
