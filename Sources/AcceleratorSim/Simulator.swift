/// A plan the simulator refuses, with the event to blame.
public struct SimulationError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Index of the offending event; `nil` when the plan ends in a bad state.
  public var eventIndex: Int?
  public var reason: String

  public init(eventIndex: Int?, reason: String) {
    self.eventIndex = eventIndex
    self.reason = reason
  }

  public var description: String {
    if let i = eventIndex { return "event \(i): \(reason)" }
    return "end of plan: \(reason)"
  }
}

/// Which engine executed an event.
public enum SimEngine: String, Sendable {
  case dma
  case compute
  /// `alloc` and `free` take no engine time.
  case none
}

/// One event's place in time.
public struct SimTimelineEntry: Sendable, Equatable {
  public var eventIndex: Int
  public var engine: SimEngine
  /// `load`, `store`, `run`, `alloc` or `free`.
  public var kind: String
  /// The tensor or operator named by the event.
  public var name: String
  public var start: Int
  public var end: Int
  /// Bytes moved (transfers only).
  public var bytes: Int
  /// Scratchpad offset (`load` and `alloc` only).
  public var offset: Int?
}

/// One stay of a tensor in the scratchpad, from the time its range was claimed to the time the
/// last engine finished with it.
public struct SimResidency: Sendable, Equatable {
  public var tensor: Int
  public var offset: Int
  /// Bytes occupied: the tensor's size rounded up to the alignment.
  public var size: Int
  public var start: Int
  public var end: Int
  /// The residency began with a load (otherwise with an `alloc` for a run's output).
  public var loaded: Bool
  /// The residency began by reloading an activation spilled earlier.
  public var reload: Bool
  /// The tensor was stored to DRAM during this residency.
  public var stored: Bool
}

/// Cycles an engine sat idle because a hazard held its next event (SPEC §6).
public struct SimStalls: Sendable, Equatable {
  /// Compute waited for the load of an input.
  public var computeWaitingForLoad = 0
  /// Compute waited for an output's range to be released by earlier work.
  public var computeWaitingForSpace = 0
  /// DMA waited to load into a range that earlier work still used.
  public var dmaWaitingForSpace = 0
  /// DMA waited for the run that produces the tensor it stores.
  public var dmaWaitingForProducer = 0

  public init() {}

  public var compute: Int { computeWaitingForLoad + computeWaitingForSpace }
  public var dma: Int { dmaWaitingForSpace + dmaWaitingForProducer }
}

/// What a simulation measured.
public struct SimulationResult: Sendable {
  /// Cycle at which the last engine finishes.
  public var totalCycles: Int
  public var computeBusyCycles: Int
  public var dmaBusyCycles: Int
  public var stalls: SimStalls
  public var loadedBytes: Int
  public var storedBytes: Int
  /// Inputs and weights some operator reads, plus every output (SPEC §1).
  public var compulsoryBytes: Int
  public var totalBytes: Int { loadedBytes + storedBytes }
  public var nonCompulsoryBytes: Int { totalBytes - compulsoryBytes }
  /// Most scratchpad bytes (aligned sizes) resident at once.
  public var peakOccupancyBytes: Int
  public var timeline: [SimTimelineEntry]
  public var residencies: [SimResidency]
  /// The machine's clock, to turn cycles into time.
  public var clockMHz: Double

  /// Wall time of the whole plan on the simulated machine.
  public var seconds: Double { Double(totalCycles) / (clockMHz * 1e6) }
}

/// The cycle-approximate scratchpad simulator (SPEC §6).
///
/// Two in-order engines run concurrently: the DMA engine executes `load` and `store`, each taking
/// `dmaSetupCycles + ceil(bytes / dmaBytesPerCycle)`; the compute engine executes `run`, taking
/// `ceil(macs / macsPerCycle)`, or `ceil(output elements / vectorElementsPerCycle)` when the MAC
/// count is unknown. An event starts when its engine is free and its hazards are cleared:
/// - a `run` waits for the loads of its inputs and for its outputs' ranges to be released;
/// - a `store` waits for the `run` (or load) that put the tensor's value in the scratchpad;
/// - a `load` or `alloc` into a range waits until every earlier `run` that used a tensor in an
///   overlapping range, and every earlier `store` of such a tensor, has finished.
///
/// The simulator checks the plan as it goes, with its own bookkeeping (independent of COSMA's
/// verifier), and throws at the first event that breaks a rule.
///
/// - Complexity: O(events × live ranges) time, O(events) memory.
public struct Simulator: Sendable {
  public let program: SimProgram

  public init(_ program: SimProgram) { self.program = program }

  /// Runs the plan and returns its timing, traffic and occupancy.
  public func run() throws(SimulationError) -> SimulationResult {
    try checkMagnitudes()
    var state = State(program: program)
    for (i, event) in program.events.enumerated() {
      try state.apply(event, at: i)
    }
    return try state.finish()
  }
}

extension Simulator {
  /// Rejects a program whose figures could overflow the simulator's arithmetic: every time is at
  /// most the sum of all events' durations (the engines never wait for anything else), and every
  /// byte count at most the sum of all transfers, so both sums must fit; offsets and sizes must
  /// fit the scratchpad's arithmetic as well.
  func checkMagnitudes() throws(SimulationError) {
    let m = program.machine
    guard m.scratchpadBytes >= 0, m.alignment >= 1, m.alignment <= 1 << 30, m.dmaBytesPerCycle >= 1,
      m.macsPerCycle >= 1, m.vectorElementsPerCycle >= 1, m.dmaSetupCycles >= 0, m.dmaSetupCycles <= 1 << 40,
      m.clockMHz > 0, m.clockMHz.isFinite
    else { throw SimulationError(eventIndex: nil, reason: "the machine's figures are out of range") }
    let limit = Int.max / 4
    var time = 0
    var bytes = 0
    func add(_ a: inout Int, _ b: Int, _ i: Int) throws(SimulationError) {
      let (sum, overflow) = a.addingReportingOverflow(b)
      guard b >= 0, !overflow, sum <= limit else {
        throw SimulationError(eventIndex: i, reason: "the plan's total time or traffic exceeds \(limit)")
      }
      a = sum
    }
    for t in program.tensors where t.bytes < 0 || t.bytes > limit / 2 || t.elements < 0 {
      throw SimulationError(eventIndex: nil, reason: "tensor '\(t.name)' has \(t.bytes) bytes and \(t.elements) elements")
    }
    for (i, e) in program.events.enumerated() {
      switch e {
      case .load(let t, let offset), .alloc(let t, let offset), .allocInPlace(let t, let offset, _),
        .allocWithin(let t, let offset, _):
        guard program.tensors.indices.contains(t) else { continue }
        if offset < 0 || offset > limit {
          throw SimulationError(eventIndex: i, reason: "offset \(offset) is outside the scratchpad")
        }
        if case .load = e {
          try add(&bytes, program.tensors[t].bytes, i)
          try add(&time, m.dmaSetupCycles, i)
          try add(&time, ceilDiv(program.tensors[t].bytes, m.dmaBytesPerCycle), i)
        }
      case .store(let t):
        guard program.tensors.indices.contains(t) else { continue }
        try add(&bytes, program.tensors[t].bytes, i)
        try add(&time, m.dmaSetupCycles, i)
        try add(&time, ceilDiv(program.tensors[t].bytes, m.dmaBytesPerCycle), i)
      case .run(let o):
        guard program.operators.indices.contains(o) else { continue }
        let op = program.operators[o]
        if let macs = op.macs {
          try add(&time, ceilDiv(max(0, macs), m.macsPerCycle), i)
        } else {
          var elements = 0
          for t in op.outputs where program.tensors.indices.contains(t) { try add(&elements, program.tensors[t].elements, i) }
          try add(&time, ceilDiv(elements, m.vectorElementsPerCycle), i)
        }
      case .free:
        break
      }
    }
  }
}

/// `⌈a / b⌉` for `a ≥ 0`, without the overflow of `(a + b − 1) / b`; `a` when `b ≤ 0`.
private func ceilDiv(_ a: Int, _ b: Int) -> Int { b <= 0 ? a : a / b + (a % b == 0 ? 0 : 1) }

/// A live range of the scratchpad and when it was last touched.
private struct Live {
  var offset: Int
  var size: Int
  var claimed: Int
  /// When the tensor's value is in the scratchpad; nil while only reserved by `alloc`.
  var valueReady: Int?
  /// When the reserved range became free for the producing run.
  var rangeReady: Int
  /// When the last engine finished with this residency.
  var lastUse: Int
  var loaded: Bool
  var reload: Bool
  var stored: Bool
  /// The bytes this residency adds to the occupancy: its size, or nothing while it lies in the
  /// range of the input it is written over.
  var counted: Int
}

private struct State {
  let p: SimProgram
  let m: SimMachine
  var dmaFree = 0
  var computeFree = 0
  var computeBusy = 0
  var dmaBusy = 0
  var stalls = SimStalls()
  var live: [Int: Live] = [:]
  /// Released ranges whose last use may still be in the future of an engine.
  var released: [(lo: Int, hi: Int, time: Int)] = []
  var produced: [Bool]
  var inDRAM: [Bool]
  var everStored: [Bool]
  var ran: [Bool]
  var readersLeft: [Int]
  var occupancy = 0
  var peak = 0
  var loaded = 0
  var stored = 0
  var timeline: [SimTimelineEntry] = []
  var residencies: [SimResidency] = []
  /// Inputs an `allocInPlace` reserved for overwriting, with the output written over them.
  var writtenOver: [Int: Int] = [:]
  /// Concatenation inputs allocated inside their output's range, and split outputs read inside
  /// their input's, with that host.
  var within: [Int: Int] = [:]
  /// Each tensor's producer, or -1.
  var producer: [Int]

  init(program: SimProgram) {
    p = program
    m = program.machine
    let n = program.tensors.count
    produced = Array(repeating: false, count: n)
    inDRAM = program.tensors.map { $0.kind == .input || $0.kind == .weight }
    everStored = Array(repeating: false, count: n)
    ran = Array(repeating: false, count: program.operators.count)
    readersLeft = Array(repeating: 0, count: n)
    producer = Array(repeating: -1, count: n)
    for (o, op) in program.operators.enumerated() {
      for t in Set(op.inputs) where t >= 0 && t < n { readersLeft[t] += 1 }
      for t in op.outputs where t >= 0 && t < n { producer[t] = o }
    }
    timeline.reserveCapacity(program.events.count)
  }

  func occupied(_ t: Int) -> Int { ceilDiv(p.tensors[t].bytes, max(1, m.alignment)) * max(1, m.alignment) }

  func isExternal(_ t: Int) -> Bool { m.externalWeights && p.tensors[t].kind == .weight }

  func transferCycles(_ bytes: Int) -> Int { m.dmaSetupCycles + ceilDiv(bytes, m.dmaBytesPerCycle) }

  func name(_ t: Int) -> String { p.tensors[t].name }

  func checkTensor(_ t: Int, _ i: Int) throws(SimulationError) {
    guard t >= 0 && t < p.tensors.count else {
      throw SimulationError(eventIndex: i, reason: "no tensor with index \(t)")
    }
  }

  /// Checks that `[offset, offset + size)` is aligned, inside the scratchpad and free; returns
  /// the time every earlier user of an overlapping range is done with it.
  mutating func claim(_ t: Int, _ offset: Int, _ i: Int, _ verb: String, inside host: Int? = nil, span: Int? = nil) throws(SimulationError) -> Int {
    let size = span ?? occupied(t)
    if isExternal(t) {
      throw SimulationError(eventIndex: i, reason: "\(verb) of weight '\(name(t))', but weights are external")
    }
    if live[t] != nil {
      throw SimulationError(eventIndex: i, reason: "\(verb) of '\(name(t))', which is already resident")
    }
    if offset < 0 || offset % max(1, m.alignment) != 0 {
      throw SimulationError(eventIndex: i, reason: "offset \(offset) of '\(name(t))' is not a multiple of the alignment \(m.alignment)")
    }
    if offset > m.scratchpadBytes - size {
      throw SimulationError(
        eventIndex: i, reason: "'\(name(t))' at [\(offset), \(offset + size)) ends past the scratchpad (\(m.scratchpadBytes) bytes)")
    }
    for (other, l) in live where other != host && offset < l.offset + l.size && l.offset < offset + size {
      throw SimulationError(
        eventIndex: i,
        reason: "'\(name(t))' at [\(offset), \(offset + size)) overlaps resident '\(name(other))' at [\(l.offset), \(l.offset + l.size))")
    }
    let floor = min(dmaFree, computeFree)
    released.removeAll { $0.time <= floor }
    var ready = floor
    for r in released where offset < r.hi && r.lo < offset + size { ready = max(ready, r.time) }
    if host == nil {
      occupancy += size
      peak = max(peak, occupancy)
    }
    return ready
  }

  /// Reserves `t`'s range inside `host`'s (an in-place write or a concatenation's input): it
  /// adds nothing to the occupancy while it lies there.
  mutating func allocInside(_ t: Int, _ offset: Int, _ host: Int, _ i: Int, span: Int? = nil) throws(SimulationError) {
    let ready = try claim(t, offset, i, "alloc", inside: host, span: span)
    live[t] = Live(
      offset: offset, size: span ?? occupied(t), claimed: ready, valueReady: nil, rangeReady: ready,
      lastUse: ready, loaded: false, reload: false, stored: false, counted: 0)
    timeline.append(SimTimelineEntry(
      eventIndex: i, engine: .none, kind: "alloc", name: name(t), start: ready, end: ready, bytes: 0, offset: offset))
  }

  mutating func apply(_ event: SimEvent, at i: Int) throws(SimulationError) {
    switch event {
    case .load(let t, let offset):
      try checkTensor(t, i)
      let k = p.tensors[t].kind
      guard inDRAM[t] else {
        throw SimulationError(eventIndex: i, reason: "load of '\(name(t))', which has no valid copy in DRAM")
      }
      let ready = try claim(t, offset, i, "load")
      let start = max(dmaFree, ready)
      stalls.dmaWaitingForSpace += start - dmaFree
      let bytes = p.tensors[t].bytes
      let end = start + transferCycles(bytes)
      dmaBusy += end - start
      dmaFree = end
      loaded += bytes
      live[t] = Live(
        offset: offset, size: occupied(t), claimed: start, valueReady: end, rangeReady: start,
        lastUse: end, loaded: true, reload: k == .activation || k == .output, stored: false, counted: occupied(t))
      timeline.append(SimTimelineEntry(
        eventIndex: i, engine: .dma, kind: "load", name: name(t), start: start, end: end, bytes: bytes, offset: offset))

    case .alloc(let t, let offset):
      try checkTensor(t, i)
      let k = p.tensors[t].kind
      guard k == .activation || k == .output else {
        throw SimulationError(eventIndex: i, reason: "alloc of '\(name(t))', which no operator produces")
      }
      guard !produced[t] else {
        throw SimulationError(eventIndex: i, reason: "alloc of '\(name(t))', which was already produced")
      }
      let ready = try claim(t, offset, i, "alloc")
      live[t] = Live(
        offset: offset, size: occupied(t), claimed: ready, valueReady: nil, rangeReady: ready,
        lastUse: ready, loaded: false, reload: false, stored: false, counted: occupied(t))
      timeline.append(SimTimelineEntry(
        eventIndex: i, engine: .none, kind: "alloc", name: name(t), start: ready, end: ready, bytes: 0, offset: offset))

    case .allocInPlace(let t, let offset, let x):
      try checkTensor(t, i)
      try checkTensor(x, i)
      let k = p.tensors[t].kind
      guard k == .activation || k == .output, !produced[t] else {
        throw SimulationError(eventIndex: i, reason: "alloc of '\(name(t))' over '\(name(x))': only a tensor not yet produced is written in place")
      }
      guard let host = live[x], host.valueReady != nil, writtenOver[x] == nil else {
        throw SimulationError(eventIndex: i, reason: "alloc of '\(name(t))' over '\(name(x))', which holds no value in the scratchpad")
      }
      guard offset == host.offset, occupied(t) <= host.size else {
        throw SimulationError(
          eventIndex: i, reason: "alloc of '\(name(t))' over '\(name(x))' must lie in its range [\(host.offset), \(host.offset + host.size))")
      }
      try allocInside(t, offset, x, i)
      writtenOver[x] = t

    case .allocWithin(let t, let offset, let y):
      try checkTensor(t, i)
      try checkTensor(y, i)
      let k = p.tensors[t].kind
      guard k == .activation || k == .output, !produced[t] else {
        throw SimulationError(eventIndex: i, reason: "alloc of '\(name(t))' within '\(name(y))': only a tensor not yet produced is placed so")
      }
      // A split's output read in place lies in its input, which holds its value; a concatenation's
      // input lies in its output, not produced yet.
      let splitView = producer[t] >= 0 && p.operators[producer[t]].inputs.contains(y)
      guard let host = live[y], (host.valueReady != nil) == splitView else {
        throw SimulationError(
          eventIndex: i,
          reason: splitView
            ? "alloc of '\(name(t))' within '\(name(y))', which holds no value in the scratchpad"
            : "alloc of '\(name(t))' within '\(name(y))', which is not allocated or already produced")
      }
      // A read-in-place output larger than its input (a fused pad's) is a view of all of it.
      let view = splitView && occupied(t) > host.size
      guard offset >= host.offset, offset - host.offset <= host.size - (view ? host.size : occupied(t)) else {
        throw SimulationError(
          eventIndex: i, reason: "alloc of '\(name(t))' within '\(name(y))' must lie in its range [\(host.offset), \(host.offset + host.size))")
      }
      try allocInside(t, offset, y, i, span: view ? host.size : nil)
      within[t] = y

    case .run(let o):
      guard o >= 0 && o < p.operators.count else {
        throw SimulationError(eventIndex: i, reason: "no operator with index \(o)")
      }
      let op = p.operators[o]
      guard !ran[o] else {
        throw SimulationError(eventIndex: i, reason: "operator '\(op.name)' runs a second time")
      }
      var dataReady = 0
      var spaceReady = 0
      for t in op.inputs {
        try checkTensor(t, i)
        if isExternal(t) { continue }
        guard let l = live[t] else {
          throw SimulationError(eventIndex: i, reason: "operator '\(op.name)' reads '\(name(t))', which is not resident")
        }
        guard let v = l.valueReady else {
          throw SimulationError(
            eventIndex: i, reason: "operator '\(op.name)' reads '\(name(t))', which has not been produced")
        }
        dataReady = max(dataReady, v)
      }
      for t in op.outputs {
        try checkTensor(t, i)
        guard let l = live[t] else {
          throw SimulationError(eventIndex: i, reason: "operator '\(op.name)' writes '\(name(t))', which has no space allocated")
        }
        spaceReady = max(spaceReady, l.rangeReady)
      }
      let start = max(computeFree, dataReady, spaceReady)
      if start > computeFree {
        if dataReady >= spaceReady {
          stalls.computeWaitingForLoad += start - computeFree
        } else {
          stalls.computeWaitingForSpace += start - computeFree
        }
      }
      let cycles: Int
      if op.outputs.count == 1, !op.inputs.isEmpty, op.inputs.allSatisfy({ within[$0] == op.outputs[0] }) {
        // A concatenation whose inputs were written into its output: nothing to move.
        cycles = 0
      } else if Set(op.inputs).count == 1, !op.outputs.isEmpty, op.outputs.allSatisfy({ within[$0] == op.inputs[0] }) {
        // A split whose outputs are read in place, or a pad fused into its readers: nothing to
        // move.
        cycles = 0
      } else if let macs = op.macs {
        cycles = ceilDiv(max(0, macs), m.macsPerCycle)
      } else {
        cycles = ceilDiv(op.outputs.reduce(0) { $0 + p.tensors[$1].elements }, m.vectorElementsPerCycle)
      }
      let end = start + cycles
      computeBusy += cycles
      computeFree = end
      ran[o] = true
      for t in Set(op.inputs) where !isExternal(t) {
        live[t]!.lastUse = max(live[t]!.lastUse, end)
        readersLeft[t] -= 1
      }
      for t in op.outputs {
        live[t]!.lastUse = max(live[t]!.lastUse, end)
        live[t]!.valueReady = end
        produced[t] = true
      }
      // An input written over is gone: nobody may read it again, and an output must be in DRAM.
      for (x, y) in writtenOver where op.outputs.contains(y) && live[x]?.valueReady != nil {
        guard op.inputs.contains(x) else {
          throw SimulationError(eventIndex: i, reason: "operator '\(op.name)' writes '\(name(y))' over '\(name(x))', which it does not read")
        }
        if readersLeft[x] > 0 && !inDRAM[x] {
          throw SimulationError(eventIndex: i, reason: "operator '\(op.name)' overwrites '\(name(x))', which \(readersLeft[x]) reader(s) still need")
        }
        if p.tensors[x].kind == .output && !everStored[x] {
          throw SimulationError(eventIndex: i, reason: "operator '\(op.name)' overwrites output '\(name(x))' before it is stored")
        }
        live[x]!.valueReady = nil
      }
      timeline.append(SimTimelineEntry(
        eventIndex: i, engine: .compute, kind: "run", name: op.name, start: start, end: end, bytes: 0, offset: nil))

    case .store(let t):
      try checkTensor(t, i)
      guard let l = live[t] else {
        throw SimulationError(eventIndex: i, reason: "store of '\(name(t))', which is not resident")
      }
      guard let v = l.valueReady else {
        throw SimulationError(eventIndex: i, reason: "store of '\(name(t))' before it is produced")
      }
      let start = max(dmaFree, v)
      stalls.dmaWaitingForProducer += start - dmaFree
      let bytes = p.tensors[t].bytes
      let end = start + transferCycles(bytes)
      dmaBusy += end - start
      dmaFree = end
      stored += bytes
      inDRAM[t] = true
      everStored[t] = true
      live[t]!.lastUse = max(l.lastUse, end)
      live[t]!.stored = true
      timeline.append(SimTimelineEntry(
        eventIndex: i, engine: .dma, kind: "store", name: name(t), start: start, end: end, bytes: bytes, offset: nil))

    case .free(let t):
      try checkTensor(t, i)
      guard let l = live[t] else {
        throw SimulationError(eventIndex: i, reason: "free of '\(name(t))', which is not resident")
      }
      if let part = within.first(where: { $0.value == t && live[$0.key] != nil && !produced[t] })?.key {
        throw SimulationError(eventIndex: i, reason: "free of '\(name(t))' before '\(name(part))', allocated within it, is concatenated")
      }
      if let part = within.first(where: { $0.value == t && live[$0.key] != nil })?.key {
        throw SimulationError(eventIndex: i, reason: "free of '\(name(t))' while '\(name(part))', which lies within it, is resident")
      }
      if let host = within[t], live[host] != nil {
        // The host's range was read until this part's last use.
        live[host]!.lastUse = max(live[host]!.lastUse, l.lastUse)
      }
      within[t] = nil
      if l.valueReady != nil && !inDRAM[t] {
        if readersLeft[t] > 0 {
          throw SimulationError(
            eventIndex: i, reason: "free of '\(name(t))' loses its value: \(readersLeft[t]) reader(s) left and no DRAM copy")
        }
        if p.tensors[t].kind == .output {
          throw SimulationError(eventIndex: i, reason: "free of output '\(name(t))' before it is stored")
        }
      }
      release(t, l)
      if let y = writtenOver.removeValue(forKey: t), live[y] != nil, live[y]!.counted == 0 {
        // The output written over `t` now holds its range alone.
        live[y]!.counted = live[y]!.size
        occupancy += live[y]!.size
        peak = max(peak, occupancy)
      }
      timeline.append(SimTimelineEntry(
        eventIndex: i, engine: .none, kind: "free", name: name(t), start: l.lastUse, end: l.lastUse, bytes: 0, offset: nil))
    }
  }

  mutating func release(_ t: Int, _ l: Live) {
    // A range inside this one, released no later, can no longer decide any wait: drop it, so the
    // list stays short even when no engine time passes (a long chain of runs and no transfers).
    let (lo, hi) = (l.offset, l.offset + l.size)
    released.removeAll { $0.lo >= lo && $0.hi <= hi && $0.time <= l.lastUse }
    released.append((lo, hi, l.lastUse))
    occupancy -= l.counted
    live[t] = nil
    residencies.append(SimResidency(
      tensor: t, offset: l.offset, size: l.size, start: l.claimed, end: l.lastUse, loaded: l.loaded,
      reload: l.reload, stored: l.stored))
  }

  mutating func finish() throws(SimulationError) -> SimulationResult {
    if let o = ran.firstIndex(of: false) {
      throw SimulationError(eventIndex: nil, reason: "operator '\(p.operators[o].name)' never runs")
    }
    for (t, tensor) in p.tensors.enumerated() where tensor.kind == .output && !everStored[t] {
      throw SimulationError(eventIndex: nil, reason: "output '\(tensor.name)' is never stored")
    }
    for t in live.keys.sorted() { release(t, live[t]!) }
    var compulsory = 0
    var read = Array(repeating: false, count: p.tensors.count)
    for op in p.operators { for t in op.inputs { read[t] = true } }
    for (t, tensor) in p.tensors.enumerated() where !isExternal(t) {
      switch tensor.kind {
      case .input, .weight: if read[t] { compulsory += tensor.bytes }
      case .output: compulsory += tensor.bytes
      case .activation: break
      }
    }
    residencies.sort { ($0.start, $0.offset) < ($1.start, $1.offset) }
    return SimulationResult(
      totalCycles: max(dmaFree, computeFree), computeBusyCycles: computeBusy, dmaBusyCycles: dmaBusy,
      stalls: stalls, loadedBytes: loaded, storedBytes: stored, compulsoryBytes: compulsory,
      peakOccupancyBytes: peak, timeline: timeline, residencies: residencies, clockMHz: m.clockMHz)
  }
}
