/// One way a plan breaks the rules (SPEC §5).
public struct Violation: Sendable, Equatable, CustomStringConvertible {
  /// The rule families of SPEC §5, plus `header` for a plan made for another graph.
  public enum Category: String, Sendable, CaseIterable {
    case header, schedule, residency, space, data, accounting, decomposition, inPlace
  }

  public var category: Category
  /// The index of the offending event in ``Plan/events``, when one event is to blame.
  public var eventIndex: Int?
  public var message: String

  public var description: String {
    let at = eventIndex.map { "event \($0): " } ?? ""
    return "[\(category.rawValue)] \(at)\(message)"
  }
}

/// Checks a plan against a graph by replaying its events on an abstract scratchpad, and lists
/// **every** violation rather than the first (SPEC §5).
///
/// The verifier is the project's independent checker: it is written from the specification
/// alone and shares no liveness, allocation or planning code with the planners. It trusts nothing
/// in the plan except the events: the traffic the plan states is recomputed and compared.
public struct Verifier: Sendable {
  public let graph: Graph

  public init(graph: Graph) { self.graph = graph }

  /// Replays `plan` and returns its violations (empty when the plan is valid).
  ///
  /// - Parameter accelerator: the settings to check against; by default the plan's own.
  public func violations(of plan: Plan, accelerator: Accelerator? = nil) -> [Violation] {
    var replay = Replay(graph: graph, accelerator: accelerator ?? plan.accelerator)
    if plan.graphName != graph.name {
      replay.report(
        .header, nil, "the plan is for graph '\(plan.graphName)', not '\(graph.name)'")
    }
    for (i, event) in plan.events.enumerated() { replay.apply(event, at: i) }
    replay.finish(claimed: plan.traffic)
    return replay.found
  }

  /// Whether the plan has no violation.
  public func isValid(_ plan: Plan, accelerator: Accelerator? = nil) -> Bool {
    violations(of: plan, accelerator: accelerator).isEmpty
  }
}

/// The abstract machine the verifier replays a plan on.
private struct Replay {
  let graph: Graph
  let capacity: Int
  let alignment: Int
  let externalWeights: Bool
  let allowsInPlace: Bool

  var found: [Violation] = []
  /// Resident tensors: offset and occupied bytes.
  var resident: [Int: (offset: Int, size: Int)] = [:]
  /// Whether the resident copy holds the tensor's value (false after `alloc` until the run).
  var holdsValue: [Bool]
  var inDRAM: [Bool]
  var ran: [Bool]
  var everStored: [Bool]
  var lostOutput: [Bool]
  /// Distinct operators still to read each tensor.
  var readersLeft: [Int]
  /// Inputs reserved by `alloc ... over`, with the output to be written over each.
  var writtenOver: [Int: Int] = [:]
  /// Inputs overwritten by the last run: they hold nothing and must be freed before the next.
  var overwritten: Set<Int> = []
  /// Concatenation inputs allocated within their output, and split outputs allocated within
  /// their input, with the host's offset then.
  var within: [Int: (output: Int, offset: Int)] = [:]
  var loadedBytes = 0
  var storedBytes = 0

  init(graph: Graph, accelerator: Accelerator) {
    self.graph = graph
    if case .bytes(let b) = accelerator.scratchpad { capacity = b } else { capacity = 0 }
    alignment = max(1, accelerator.alignment)
    externalWeights = accelerator.weights == .external
    allowsInPlace = accelerator.inPlace
    let n = graph.tensors.count
    holdsValue = Array(repeating: false, count: n)
    inDRAM = graph.tensors.map { $0.kind == .input || $0.kind == .weight }
    everStored = Array(repeating: false, count: n)
    lostOutput = Array(repeating: false, count: n)
    ran = Array(repeating: false, count: graph.operators.count)
    readersLeft = Array(repeating: 0, count: n)
    for op in graph.operators {
      for t in Set(op.inputs.map(\.rawValue)) { readersLeft[t] += 1 }
    }
  }

  mutating func report(_ c: Violation.Category, _ at: Int?, _ message: String) {
    found.append(Violation(category: c, eventIndex: at, message: message))
  }

  func name(_ t: Int) -> String { "'\(graph.tensors[t].name)'" }
  func isExternal(_ t: Int) -> Bool { externalWeights && graph.tensors[t].kind == .weight }
  func isProducedKind(_ t: Int) -> Bool {
    graph.tensors[t].kind == .activation || graph.tensors[t].kind == .output
  }
  func producerRan(_ t: Int) -> Bool {
    guard let p = graph.producer[t] else { return true }
    return ran[p.rawValue]
  }

  mutating func apply(_ event: PlanEvent, at i: Int) {
    switch event {
    case .load(let id, let offset):
      let t = id.rawValue
      if isExternal(t) {
        report(.residency, i, "load of weight \(name(t)): weights are external and never occupy the scratchpad")
        return
      }
      if !inDRAM[t] {
        report(.data, i, "load of \(name(t)): DRAM holds no valid copy (it was never stored)")
      }
      loadedBytes = saturatingSum(loadedBytes, graph.tensors[t].bytes)
      place(t, offset, at: i, verb: "load")
      holdsValue[t] = true
    case .alloc(let id, let offset):
      let t = id.rawValue
      if !isProducedKind(t) {
        report(.data, i, "alloc of \(graph.tensors[t].kind.rawValue) \(name(t)): only produced tensors are allocated; load it instead")
      } else if producerRan(t) {
        report(.data, i, "alloc of \(name(t)) after it was produced: its value would be lost; load it instead")
      }
      place(t, offset, at: i, verb: "alloc")
      holdsValue[t] = false
    case .allocInPlace(let id, let offset, let over):
      allocInPlace(id.rawValue, offset, over: over.rawValue, at: i)
    case .allocWithin(let id, let offset, let output):
      allocWithin(id.rawValue, offset, within: output.rawValue, at: i)
    case .run(let id):
      run(id.rawValue, at: i)
    case .store(let id):
      let t = id.rawValue
      if resident[t] == nil {
        report(.residency, i, "store of \(name(t)), which is not resident")
      } else if overwritten.contains(t) {
        report(.inPlace, i, "store of \(name(t)) after it was overwritten in place")
      } else if !holdsValue[t] {
        report(.data, i, "store of \(name(t)) before it is produced")
      } else {
        inDRAM[t] = true
        everStored[t] = true
      }
      storedBytes = saturatingSum(storedBytes, graph.tensors[t].bytes)
    case .free(let id):
      let t = id.rawValue
      guard resident[t] != nil else {
        report(.residency, i, "free of \(name(t)), which is not resident")
        return
      }
      if holdsValue[t] && !inDRAM[t] {
        if readersLeft[t] > 0 {
          let waiting = graph.consumers[t].filter { !ran[$0.rawValue] }.prefix(3)
            .map { "'\(graph.operators[$0.rawValue].name)'" }.joined(separator: ", ")
          report(.data, i, "free of \(name(t)) loses data: \(waiting) still read it and DRAM holds no copy")
        } else if graph.tensors[t].kind == .output {
          report(.data, i, "free of output \(name(t)) loses data: it was never stored")
          lostOutput[t] = true
        }
      }
      for part in within.filter({ $0.value.output == t && resident[$0.key] != nil }).keys.sorted() {
        if isReadInPlace(part, of: t) {
          report(.inPlace, i, "free of \(name(t)) while \(name(part)), read in place within it, is still resident")
        } else if let c = graph.producer[t], !ran[c.rawValue] {
          report(.inPlace, i, "free of \(name(t)) while \(name(part)), allocated within it, is not concatenated yet")
        } else {
          report(.inPlace, i, "free of \(name(t)) while \(name(part)), which lies within it, is still resident")
        }
      }
      resident[t] = nil
      holdsValue[t] = false
      overwritten.remove(t)
      writtenOver[t] = nil
      within[t] = nil
    }
  }

  static let concatenationTypes: Set<String> = ["cat", "concat", "concatenate"]

  /// Why `t` may not be placed within the output `y` of a concatenation at `offset` bytes from
  /// `y`'s start, or nil when SPEC §1 allows it.
  func withinRefusal(_ t: Int, _ y: Int, relative offset: Int) -> String? {
    guard let c = graph.producer[y] else { return "\(name(y)) has no producer" }
    let op = graph.operators[c.rawValue]
    guard Self.concatenationTypes.contains(op.type.lowercased()), op.outputs.count == 1 else {
      return "'\(op.name)' of type '\(op.type)' is not a concatenation"
    }
    let inputs = op.inputs.map(\.rawValue)
    guard let k = inputs.firstIndex(of: t), inputs.filter({ $0 == t }).count == 1 else {
      return "'\(op.name)' does not read \(name(t)) exactly once"
    }
    guard graph.tensors[t].kind == .activation else { return "\(name(t)) is not an activation" }
    guard let shape = graph.tensors[y].shape, inputs.allSatisfy({ graph.tensors[$0].shape?.count == shape.count }) else {
      return "the shapes of '\(op.name)' are not all known"
    }
    let shapes = inputs.map { graph.tensors[$0].shape! }
    let differing = shape.indices.filter { d in shapes.contains { $0[d] != shape[d] } }
    guard differing.count <= 1, let axis = differing.first ?? (shape.isEmpty ? nil : 0),
      shape[..<axis].allSatisfy({ $0 == 1 }), shapes.reduce(0, { $0 + $1[axis] }) == shape[axis],
      inputs.reduce(0, { $0 + graph.tensors[$1].bytes }) == graph.tensors[y].bytes
    else { return "'\(op.name)' does not join its inputs as contiguous blocks of its output" }
    let expected = inputs[..<k].reduce(0) { $0 + graph.tensors[$1].bytes }
    guard offset == expected else { return "\(name(t)) belongs \(expected) bytes into \(name(y)), not \(offset)" }
    return nil
  }

  static let splitTypes: Set<String> = ["split", "split_with_sizes", "chunk", "tensor_split"]

  /// Whether `t` is an output of an operator that reads `x`: then `t` within `x` is a split's
  /// output or a fused pad's read in place, and otherwise a concatenation's input.
  func isReadInPlace(_ t: Int, of x: Int) -> Bool {
    guard let p = graph.producer[t] else { return false }
    return graph.operators[p.rawValue].inputs.contains { $0.rawValue == x }
  }

  static let padTypes: Set<String> = ["pad", "constant_pad_nd"]

  /// Whether `o` is a pad, whose output is read as a view of its input when in place.
  func isPad(_ o: Int) -> Bool { Self.padTypes.contains(graph.operators[o].type.lowercased()) }

  /// Why the output `t` of a pad may not be a view of its input `x` at `offset` bytes from `x`'s
  /// start, or nil when SPEC §1 allows it: every reader supplies the borders through its window.
  func padRefusal(_ t: Int, _ x: Int, relative offset: Int) -> String? {
    let op = graph.operators[graph.producer[t]!.rawValue]
    guard Set(op.inputs.map(\.rawValue)) == [x], op.outputs.count == 1 else { return "'\(op.name)' reads more than \(name(x)) or writes more than \(name(t))" }
    guard graph.tensors[x].kind == .activation || graph.tensors[x].kind == .input, graph.tensors[t].kind == .activation,
      graph.tensors[t].bytes >= graph.tensors[x].bytes
    else { return "'\(op.name)' pads something other than an activation or input into an activation at least as large" }
    let readers = graph.consumers[t].map { graph.operators[$0.rawValue] }
    if let r = readers.first(where: { op in
      let type = op.type.lowercased()
      return !(type.contains("conv") || (type.contains("pool") && !type.contains("global") && !type.contains("adaptive")))
    }) {
      return "'\(r.name)' of type '\(r.type)' reads \(name(t)) and is not a convolution or pooling, which could supply the borders"
    }
    if readers.isEmpty { return "nothing reads \(name(t))" }
    guard offset == 0 else { return "\(name(t)) is a view of all of \(name(x)), at its offset, not \(offset) bytes into it" }
    return nil
  }

  /// Why output `t` of a split may not be read in place within its input `x` at `offset` bytes
  /// from `x`'s start, or nil when SPEC §1 allows it.
  func splitRefusal(_ t: Int, _ x: Int, relative offset: Int) -> String? {
    let o = graph.producer[t]!.rawValue
    let op = graph.operators[o]
    guard Self.splitTypes.contains(op.type.lowercased()) else { return "'\(op.name)' of type '\(op.type)' is not a split" }
    guard Set(op.inputs.map(\.rawValue)) == [x] else { return "'\(op.name)' reads more than \(name(x))" }
    let outputs = op.outputs.map(\.rawValue)
    guard outputs.count >= 2, Set(outputs).count == outputs.count, let k = outputs.firstIndex(of: t) else {
      return "'\(op.name)' does not write \(name(t)) once among two or more outputs"
    }
    guard graph.tensors[x].kind != .output, outputs.allSatisfy({ graph.tensors[$0].kind == .activation }) else {
      return "'\(op.name)' splits an output, or writes something other than activations"
    }
    guard let shape = graph.tensors[x].shape, outputs.allSatisfy({ graph.tensors[$0].shape?.count == shape.count }) else {
      return "the shapes of '\(op.name)' are not all known"
    }
    let shapes = outputs.map { graph.tensors[$0].shape! }
    let differing = shape.indices.filter { d in shapes.contains { $0[d] != shape[d] } }
    guard differing.count <= 1, let axis = differing.first ?? (shape.isEmpty ? nil : 0),
      shapes.reduce(0, { $0 + $1[axis] }) == shape[axis],
      outputs.reduce(0, { $0 + graph.tensors[$1].bytes }) == graph.tensors[x].bytes
    else { return "'\(op.name)' does not cut its input into its outputs along one axis" }
    let expected = outputs[..<k].reduce(0) { $0 + graph.tensors[$1].bytes }
    guard offset == expected else { return "\(name(t)) belongs \(expected) bytes into \(name(x)), not \(offset)" }
    return nil
  }

  mutating func allocWithin(_ t: Int, _ offset: Int, within y: Int, at i: Int) {
    let verb = "alloc of \(name(t)) within \(name(y))"
    if !allowsInPlace {
      report(.inPlace, i, "\(verb): the accelerator does not allow in-place operators (inPlace is false)")
    }
    guard isProducedKind(t), !producerRan(t) else {
      report(.data, i, "\(verb): only a tensor not yet produced is allocated")
      return
    }
    if isReadInPlace(t, of: y) {
      // A split's output read in place, a region of its input, or a fused pad's, a view of all
      // of it: the input holds its value.
      guard let host = resident[y], holdsValue[y], !overwritten.contains(y), writtenOver[y] == nil else {
        report(.inPlace, i, "\(verb): \(name(y)) holds no value in the scratchpad")
        place(t, offset, at: i, verb: "alloc")
        return
      }
      let pad = isPad(graph.producer[t]!.rawValue)
      let why = pad ? padRefusal(t, y, relative: offset - host.offset) : splitRefusal(t, y, relative: offset - host.offset)
      if let why { report(.inPlace, i, "\(verb): \(why)") }
      within[t] = (y, host.offset)
      place(t, offset, at: i, verb: "alloc", inside: y, span: pad ? host.size : nil)
      holdsValue[t] = false
      return
    }
    guard let host = resident[y], !holdsValue[y], !producerRan(y) else {
      report(.inPlace, i, "\(verb): \(name(y)) is not allocated, or already produced")
      place(t, offset, at: i, verb: "alloc")
      return
    }
    if let why = withinRefusal(t, y, relative: offset - host.offset) { report(.inPlace, i, "\(verb): \(why)") }
    within[t] = (y, host.offset)
    place(t, offset, at: i, verb: "alloc", inside: y)
    holdsValue[t] = false
  }

  /// The operator types that may write their output over an input (SPEC §1, "In-place
  /// operators"): the verifier's own copy of the rule.
  static let inPlaceTypes: Set<String> = [
    "add", "add_", "sub", "mul", "div", "relu", "relu_", "relu6", "hardtanh", "hardtanh_", "hardswish", "hardswish_",
    "hardsigmoid", "sigmoid", "silu", "silu_", "gelu", "tanh", "clamp", "clip", "batch_norm", "batchnormalization",
    "dropout", "identity", "leakyrelu", "leaky_relu", "elu", "neg", "abs", "sqrt", "exp", "erf", "pow",
  ]

  /// Why operator `o` may not write `y` over `x`, or nil when SPEC §1 allows it.
  func inPlaceRefusal(_ o: Int, _ y: Int, over x: Int) -> String? {
    let op = graph.operators[o]
    guard Self.inPlaceTypes.contains(op.type.lowercased()) else { return "operator '\(op.name)' of type '\(op.type)' does not work in place" }
    guard op.outputs.count == 1 else { return "operator '\(op.name)' has \(op.outputs.count) outputs" }
    guard op.inputs.contains(where: { $0.rawValue == x }) else { return "operator '\(op.name)' does not read \(name(x))" }
    let (a, b) = (graph.tensors[x], graph.tensors[y])
    guard a.kind != .weight else { return "\(name(x)) is a weight" }
    guard b.bytes <= a.bytes else { return "\(name(y)) (\(b.bytes) bytes) is larger than \(name(x)) (\(a.bytes) bytes)" }
    if let sa = a.shape, let sb = b.shape {
      guard sa == sb else { return "\(name(x)) has shape \(sa), \(name(y)) \(sb): an input written over is not broadcast" }
    } else if a.bytes != b.bytes {
      return "\(name(x)) and \(name(y)) differ in bytes and have no shapes"
    }
    return nil
  }

  mutating func allocInPlace(_ t: Int, _ offset: Int, over x: Int, at i: Int) {
    let verb = "alloc of \(name(t)) over \(name(x))"
    if !allowsInPlace {
      report(.inPlace, i, "\(verb): the accelerator does not allow in-place operators (inPlace is false)")
    }
    guard let producer = graph.producer[t], isProducedKind(t) else {
      report(.data, i, "\(verb): only produced tensors are allocated")
      return
    }
    if ran[producer.rawValue] {
      report(.data, i, "\(verb) after it was produced: its value would be lost")
    }
    if let why = inPlaceRefusal(producer.rawValue, t, over: x) { report(.inPlace, i, "\(verb): \(why)") }
    guard let host = resident[x], holdsValue[x], !overwritten.contains(x) else {
      report(.inPlace, i, "\(verb): \(name(x)) holds no value in the scratchpad")
      place(t, offset, at: i, verb: "alloc")
      holdsValue[t] = false
      return
    }
    let size = (graph.tensors[t].bytes + alignment - 1) / alignment * alignment
    if offset != host.offset || size > host.size {
      report(.inPlace, i, "\(verb): it must start at \(name(x))'s offset \(host.offset) and fit in its \(host.size) bytes")
    }
    if let earlier = writtenOver[x] {
      report(.inPlace, i, "\(verb): \(name(earlier)) is already written over it")
    }
    writtenOver[x] = t
    place(t, offset, at: i, verb: "alloc", inside: x)
    holdsValue[t] = false
  }

  /// `a + b`, or `Int.max` when that overflows (a plan's traffic is then certainly wrong).
  func saturatingSum(_ a: Int, _ b: Int) -> Int {
    let (sum, overflow) = a.addingReportingOverflow(b)
    return overflow ? .max : sum
  }

  /// Places `t` at `offset` over its aligned size, or over `span` bytes (a view of its host).
  mutating func place(_ t: Int, _ offset: Int, at i: Int, verb: String, inside host: Int? = nil, span: Int? = nil) {
    if resident[t] != nil {
      report(.residency, i, "\(verb) of \(name(t)), which is already resident")
      return
    }
    let size = span ?? (graph.tensors[t].bytes + alignment - 1) / alignment * alignment
    if offset < 0 || offset % alignment != 0 {
      report(.space, i, "\(verb) of \(name(t)) at offset \(offset), which is not a non-negative multiple of the alignment \(alignment)")
    }
    if offset < 0 || offset > capacity - size {
      // Said without forming offset + size, which may not be representable; the tensor counts
      // as resident at the end of the scratchpad, so that later events are checked as usual.
      report(.space, i, "\(verb) of \(name(t)) (\(size) bytes) at offset \(offset) exceeds the scratchpad of \(capacity) bytes")
      resident[t] = (max(0, capacity), size)
      return
    }
    for (other, range) in resident.sorted(by: { $0.key < $1.key })
    where other != host && offset < range.offset + range.size && range.offset < offset + size {
      report(.space, i, "\(verb) of \(name(t)) at [\(offset), \(offset + size)) overlaps resident \(name(other)) at [\(range.offset), \(range.offset + range.size))")
    }
    resident[t] = (offset, size)
  }

  mutating func run(_ o: Int, at i: Int) {
    let op = graph.operators[o]
    if ran[o] {
      report(.schedule, i, "operator '\(op.name)' runs a second time")
      return
    }
    for (t, w) in within.sorted(by: { $0.key < $1.key }) where op.outputs.contains(where: { $0.rawValue == w.output }) {
      if resident[w.output]?.offset != w.offset || resident[t] == nil {
        report(.inPlace, i, "\(name(t)) is no longer where it was allocated within \(name(w.output)) when '\(op.name)' runs")
      }
    }
    for (t, w) in within.sorted(by: { $0.key < $1.key })
    where op.outputs.contains(where: { $0.rawValue == t }) && isReadInPlace(t, of: w.output) {
      if resident[w.output]?.offset != w.offset || !holdsValue[w.output] {
        report(.inPlace, i, "\(name(w.output)), which \(name(t)) is read within, no longer holds its value where it was when '\(op.name)' runs")
      }
    }
    for x in overwritten.sorted() {
      report(.inPlace, i, "\(name(x)) was overwritten in place and is still resident when '\(op.name)' runs: it must be freed first")
    }
    overwritten = []
    var seen = Set<Int>()
    for id in op.inputs where seen.insert(id.rawValue).inserted {
      let t = id.rawValue
      if let p = graph.producer[t], !ran[p.rawValue] {
        report(.schedule, i, "operator '\(op.name)' runs before '\(graph.operators[p.rawValue].name)', which produces its input \(name(t))")
        continue
      }
      if isExternal(t) { continue }
      if resident[t] == nil {
        report(.residency, i, "operator '\(op.name)' runs while its input \(name(t)) is not resident")
      } else if !holdsValue[t] {
        report(.data, i, "operator '\(op.name)' reads \(name(t)), whose resident copy holds no value")
      }
    }
    for id in op.outputs where resident[id.rawValue] == nil {
      report(.residency, i, "operator '\(op.name)' runs while its output \(name(id.rawValue)) has no space allocated")
    }
    ran[o] = true
    for id in op.outputs where resident[id.rawValue] != nil { holdsValue[id.rawValue] = true }
    for t in seen { readersLeft[t] -= 1 }
    for id in op.outputs {
      guard let x = writtenOver.first(where: { $0.value == id.rawValue })?.key else { continue }
      writtenOver[x] = nil
      guard resident[x] != nil else { continue }
      if readersLeft[x] > 0 && !inDRAM[x] {
        report(.inPlace, i, "'\(op.name)' overwrites \(name(x)), which \(readersLeft[x]) operator(s) still read and DRAM holds no copy")
      }
      if graph.tensors[x].kind == .output && !everStored[x] {
        report(.inPlace, i, "'\(op.name)' overwrites output \(name(x)) before it is stored")
        lostOutput[x] = true
      }
      holdsValue[x] = false
      overwritten.insert(x)
    }
  }

  mutating func finish(claimed: Traffic) {
    for (o, op) in graph.operators.enumerated() where !ran[o] {
      report(.schedule, nil, "operator '\(op.name)' never runs")
    }
    var compulsory = 0
    for (t, tensor) in graph.tensors.enumerated() {
      switch tensor.kind {
      case .output:
        compulsory += tensor.bytes
        if !everStored[t] && !lostOutput[t] {
          report(.data, nil, "output \(name(t)) is never stored")
        }
      case .input, .weight:
        if !isExternal(t) && !graph.consumers[t].isEmpty { compulsory += tensor.bytes }
      case .activation:
        break
      }
    }
    let total = loadedBytes + storedBytes
    let checks: [(String, Int, Int)] = [
      ("totalBytes", claimed.totalBytes, total),
      ("compulsoryBytes", claimed.compulsoryBytes, compulsory),
      ("nonCompulsoryBytes", claimed.nonCompulsoryBytes, total - compulsory),
    ]
    for (key, said, actual) in checks where said != actual {
      if said < 0 {
        report(.accounting, nil, "the plan states no \(key); the events move \(actual)")
      } else {
        report(.accounting, nil, "the plan states \(key) = \(said), but its events give \(actual)")
      }
    }
  }
}
