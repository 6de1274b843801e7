import Foundation

/// One instruction of a plan (SPEC §4).
public enum PlanEvent: Sendable, Equatable {
  /// Copy a tensor from DRAM into the scratchpad at `offset`.
  case load(TensorID, offset: ByteCount)
  /// Reserve space at `offset` for a tensor a later `run` produces.
  case alloc(TensorID, offset: ByteCount)
  /// Reserve, for a tensor the next `run` produces, the range of one of that operator's inputs,
  /// which the operator overwrites as it goes (SPEC §1, "In-place operators"): the input holds
  /// no value after the run. `offset` is the input's.
  case allocInPlace(TensorID, offset: ByteCount, over: TensorID)
  /// Reserve, for an input of a concatenation done in place, its region of the concatenation's
  /// output, which is already allocated (SPEC §1, "In-place operators"): the input's producer
  /// writes it there, and the concatenation moves nothing.
  case allocWithin(TensorID, offset: ByteCount, within: TensorID)
  /// Execute an operator.
  case run(OperatorID)
  /// Copy a resident, produced tensor to DRAM.
  case store(TensorID)
  /// End a tensor's residency.
  case free(TensorID)
}

/// How a planner's answer stands.
public enum PlanStatus: String, Sendable, Codable {
  /// Proven minimal non-compulsory traffic.
  case optimal
  /// Valid, with a bound that may be below it (a limit stopped the search).
  case feasible
  /// Valid, from a heuristic with no optimality claim.
  case heuristic
}

/// What produced a plan, and how good it is known to be.
public struct PlannerInfo: Sendable, Equatable {
  public var method: String
  public var status: PlanStatus
  /// The non-compulsory bytes of the plan as the planner measured them.
  public var objectiveBytes: ByteCount?
  /// A proven lower bound on the non-compulsory bytes of any plan, when known.
  public var boundBytes: ByteCount?
  public var seconds: Double
  /// The size of the last ILP solved, when one was.
  public var modelVariables: Int?
  public var modelRows: Int?
  /// How many ILPs were solved.
  public var solves: Int?
  /// Whether the planner ran in deterministic mode and every decision was taken on work alone:
  /// then ``seconds`` are work seconds, and the same input and options give this plan again.
  public var deterministic = false

  public init(
    method: String, status: PlanStatus, objectiveBytes: ByteCount? = nil,
    boundBytes: ByteCount? = nil, seconds: Double = 0, modelVariables: Int? = nil,
    modelRows: Int? = nil, solves: Int? = nil, deterministic: Bool = false
  ) {
    self.deterministic = deterministic
    self.modelVariables = modelVariables
    self.modelRows = modelRows
    self.solves = solves
    self.method = method
    self.status = status
    self.objectiveBytes = objectiveBytes
    self.boundBytes = boundBytes
    self.seconds = seconds
  }

  /// `(objective − bound) / objective`, or nil without a bound; 0 when both are 0.
  public var relativeGap: Double? {
    guard let o = objectiveBytes, let b = boundBytes else { return nil }
    if o <= b { return 0 }
    return Double(o - b) / Double(o)
  }
}

/// DMA traffic of a plan, in bytes (SPEC §1).
public struct Traffic: Sendable, Equatable {
  public var totalBytes: ByteCount
  public var compulsoryBytes: ByteCount
  /// `totalBytes − compulsoryBytes`; stored separately because a plan file states it and the
  /// verifier checks that statement too.
  public var nonCompulsoryBytes: ByteCount

  public init(totalBytes: ByteCount, compulsoryBytes: ByteCount) {
    self.init(
      totalBytes: totalBytes, compulsoryBytes: compulsoryBytes,
      nonCompulsoryBytes: totalBytes - compulsoryBytes)
  }

  public init(totalBytes: ByteCount, compulsoryBytes: ByteCount, nonCompulsoryBytes: ByteCount) {
    self.totalBytes = totalBytes
    self.compulsoryBytes = compulsoryBytes
    self.nonCompulsoryBytes = nonCompulsoryBytes
  }
}

/// A plan: a program of loads, allocations, runs, stores and frees executed in order, with the
/// settings it was made for and what its planner claims about it (SPEC §4).
public struct Plan: Sendable, Equatable {
  public var graphName: String
  /// The accelerator settings used, with the scratchpad resolved to bytes.
  public var accelerator: Accelerator
  public var planner: PlannerInfo
  /// The traffic the planner claims; the verifier recomputes it.
  public var traffic: Traffic
  public var events: [PlanEvent]

  public init(
    graphName: String, accelerator: Accelerator, planner: PlannerInfo, traffic: Traffic,
    events: [PlanEvent]
  ) {
    self.graphName = graphName
    self.accelerator = accelerator
    self.planner = planner
    self.traffic = traffic
    self.events = events
  }

  /// The scratchpad capacity the plan was made for.
  public var scratchpadBytes: ByteCount {
    if case .bytes(let b) = accelerator.scratchpad { return b }
    return 0
  }

  /// The operators in the order the plan runs them.
  public var schedule: [OperatorID] {
    events.compactMap { if case .run(let o) = $0 { return o } else { return nil } }
  }

  /// The part of the non-compulsory traffic that reloads weights (every load of a weight after
  /// its first); the rest moves activations, inputs and outputs. Zero with weights external.
  public func nonCompulsoryWeightBytes(graph: Graph) -> ByteCount {
    var loaded = Set<TensorID>()
    var bytes = 0
    for e in events {
      guard case .load(let t, _) = e, graph[t].kind == .weight else { continue }
      if !loaded.insert(t).inserted { bytes += graph[t].bytes }
    }
    return bytes
  }
}

// MARK: - The plan file

extension Plan {
  /// The plan as a `cosma-plan` v1 document; `graph` supplies the names.
  public func jsonValue(graph: Graph) -> JSONValue {
    func tensor(_ t: TensorID) -> JSONValue { .string(graph[t].name) }
    let events: [JSONValue] = events.map { e in
      switch e {
      case .load(let t, let off):
        return .object([("event", .string("load")), ("tensor", tensor(t)), ("offset", .int(off))])
      case .alloc(let t, let off):
        return .object([("event", .string("alloc")), ("tensor", tensor(t)), ("offset", .int(off))])
      case .allocInPlace(let t, let off, let x):
        return .object([("event", .string("alloc")), ("tensor", tensor(t)), ("offset", .int(off)), ("over", tensor(x))])
      case .allocWithin(let t, let off, let y):
        return .object([("event", .string("alloc")), ("tensor", tensor(t)), ("offset", .int(off)), ("within", tensor(y))])
      case .run(let o):
        return .object([("event", .string("run")), ("operator", .string(graph[o].name))])
      case .store(let t):
        return .object([("event", .string("store")), ("tensor", tensor(t))])
      case .free(let t):
        return .object([("event", .string("free")), ("tensor", tensor(t))])
      }
    }
    var info: [(String, JSONValue)] = [
      ("method", .string(planner.method)), ("status", .string(planner.status.rawValue)),
    ]
    if let o = planner.objectiveBytes { info.append(("objectiveBytes", .int(o))) }
    if let b = planner.boundBytes { info.append(("boundBytes", .int(b))) }
    info.append(("seconds", .double((planner.seconds * 1000).rounded() / 1000)))
    if let v = planner.modelVariables { info.append(("variables", .int(v))) }
    if let r = planner.modelRows { info.append(("rows", .int(r))) }
    if let k = planner.solves { info.append(("solves", .int(k))) }
    if planner.deterministic { info.append(("deterministic", .bool(true))) }
    return .object([
      ("format", .string("cosma-plan")), ("version", .int(1)), ("graph", .string(graphName)),
      ("accelerator", accelerator.jsonValue()),
      ("planner", .object(info)),
      (
        "traffic",
        .object([
          ("totalBytes", .int(traffic.totalBytes)),
          ("compulsoryBytes", .int(traffic.compulsoryBytes)),
          ("nonCompulsoryBytes", .int(traffic.nonCompulsoryBytes)),
        ])
      ),
    ] + (graph.isTiled ? [("tiledGraph", graph.jsonValue())] : []) + [
      ("events", .array(events)),
    ])
  }

  /// The bytes of a plan file, read with the same checks as every COSMA file.
  public static func fileData(_ path: String) throws -> Data { try readFile(path) }

  /// The tiled graph a plan file carries (written when the plan is for a tiled graph), or nil.
  public static func embeddedGraph(in data: Data, origin: String = "plan") throws -> Graph? {
    guard let top = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let g = top["tiledGraph"] else {
      return nil
    }
    guard JSONSerialization.isValidJSONObject(g), let bytes = try? JSONSerialization.data(withJSONObject: g) else {
      throw InputError(file: origin, element: "tiledGraph", rule: "must be a cosma-graph object")
    }
    return try Graph(jsonData: bytes, origin: "\(origin) tiledGraph")
  }

  /// Writes the plan as a `cosma-plan` v1 file.
  public func write(to path: String, graph: Graph) throws {
    try writeTextFile(jsonValue(graph: graph).serialized(), to: path)
  }

  /// Loads a `cosma-plan` v1 file for `graph`.
  public init(contentsOf path: String, graph: Graph) throws {
    try self.init(jsonData: readFile(path), graph: graph, origin: path)
  }

  /// Parses a `cosma-plan` v1 document, resolving its names in `graph`.
  ///
  /// - Throws: ``InputError`` for malformed JSON, unknown event kinds, or names that are not in
  ///   the graph.
  public init(jsonData data: Data, graph: Graph, origin: String = "plan") throws {
    try checkHeader(data, file: origin, format: "cosma-plan")
    let file = try decodeJSON(PlanFile.self, from: data, file: origin)
    func fail(_ i: Int, _ rule: String) -> InputError {
      InputError(file: origin, element: "events[\(i)]", rule: rule)
    }
    var events: [PlanEvent] = []
    events.reserveCapacity(file.events.count)
    for (i, e) in file.events.enumerated() {
      func tensor() throws -> TensorID {
        guard let name = e.tensor else { throw fail(i, "missing field 'tensor'") }
        guard let t = graph.tensor(named: name) else {
          throw fail(i, "tensor '\(name)' is not in graph '\(graph.name)'")
        }
        return t
      }
      func named(_ name: String?, _ key: String) throws -> TensorID? {
        guard let name else { return nil }
        guard let t = graph.tensor(named: name) else {
          throw fail(i, "tensor '\(name)' (\(key)) is not in graph '\(graph.name)'")
        }
        return t
      }
      func offset() throws -> ByteCount {
        guard let off = e.offset else { throw fail(i, "missing field 'offset'") }
        guard let value = off.integer else { throw fail(i, "offset must be an integer, got \(off.text)") }
        return value
      }
      switch e.event {
      case "load": events.append(.load(try tensor(), offset: try offset()))
      case "alloc":
        let (t, off) = (try tensor(), try offset())
        switch (try named(e.over, "over"), try named(e.within, "within")) {
        case (let x?, nil): events.append(.allocInPlace(t, offset: off, over: x))
        case (nil, let y?): events.append(.allocWithin(t, offset: off, within: y))
        case (nil, nil): events.append(.alloc(t, offset: off))
        case (_?, _?): throw fail(i, "an alloc is either over an input or within an output, not both")
        }
      case "store": events.append(.store(try tensor()))
      case "free": events.append(.free(try tensor()))
      case "run":
        guard let name = e.operator else { throw fail(i, "missing field 'operator'") }
        guard let o = graph.operator(named: name) else {
          throw fail(i, "operator '\(name)' is not in graph '\(graph.name)'")
        }
        events.append(.run(o))
      default:
        throw fail(i, "unknown event '\(e.event)' (expected load, alloc, run, store or free)")
      }
    }
    // A plan is checked against the scratchpad it was made for: without it every event would
    // "exceed a scratchpad of 0 bytes".
    guard let a = file.accelerator else {
      throw InputError(file: origin, element: "top level", rule: "missing field 'accelerator' (the settings the plan was made for)")
    }
    let accelerator = try Accelerator(file: a, origin: origin, element: "accelerator.")
    // A plan is made for a scratchpad of a number of bytes.
    guard case .bytes = accelerator.scratchpad, a.scratchpadBytes != nil else {
      throw InputError(
        file: origin, element: "accelerator.scratchpadBytes",
        rule: a.scratchpadBytes == nil ? "missing" : "must be a number of bytes, not a budget tier")
    }
    let status = file.planner.flatMap { PlanStatus(rawValue: $0.status ?? "") } ?? .heuristic
    self.init(
      graphName: file.graph ?? graph.name, accelerator: accelerator,
      planner: PlannerInfo(
        method: file.planner?.method ?? "unknown", status: status,
        objectiveBytes: file.planner?.objectiveBytes, boundBytes: file.planner?.boundBytes,
        seconds: file.planner?.seconds ?? 0, modelVariables: file.planner?.variables,
        modelRows: file.planner?.rows, solves: file.planner?.solves, deterministic: file.planner?.deterministic ?? false),
      traffic: Traffic(
        totalBytes: file.traffic?.totalBytes ?? -1,
        compulsoryBytes: file.traffic?.compulsoryBytes ?? -1,
        nonCompulsoryBytes: file.traffic?.nonCompulsoryBytes ?? -1),
      events: events)
  }
}

/// The `cosma-plan` v1 file as it is on disk.
private struct PlanFile: Decodable {
  struct Event: Decodable {
    var event: String
    var tensor: String?
    var `operator`: String?
    var offset: JSONNumber?
    var over: String?
    var within: String?
  }
  struct Info: Decodable {
    var method: String?
    var status: String?
    var objectiveBytes: Int?
    var boundBytes: Int?
    var seconds: Double?
    var variables: Int?
    var rows: Int?
    var solves: Int?
    var deterministic: Bool?
  }
  struct TrafficEntry: Decodable {
    var totalBytes: Int?
    var compulsoryBytes: Int?
    var nonCompulsoryBytes: Int?
  }
  var graph: String?
  var accelerator: AcceleratorFile?
  var planner: Info?
  var traffic: TrafficEntry?
  var events: [Event]
}
