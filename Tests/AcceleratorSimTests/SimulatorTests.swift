import AcceleratorSim
import Foundation
import Testing

/// Hand-computed cycle counts on small programs (SPEC §6). The machine: 32 bytes per DMA cycle
/// plus 64 cycles of setup per transfer, 1,024 MACs or 64 vector elements per compute cycle.
@Suite struct SimulatorTests {
  static let machine = SimMachine(
    scratchpadBytes: 1024, alignment: 64, dmaBytesPerCycle: 32, dmaSetupCycles: 64, macsPerCycle: 1024,
    vectorElementsPerCycle: 64)

  static func tensor(_ name: String, _ kind: SimTensorKind, _ bytes: Int) -> SimTensor {
    SimTensor(name: name, kind: kind, bytes: bytes, elements: bytes)
  }

  @Test func pureCompute() throws {
    // f: 4,096 MACs = 4 cycles; g has no MAC count: 640 output elements / 64 = 10 cycles.
    let p = SimProgram(
      tensors: [Self.tensor("a", .activation, 64), Self.tensor("b", .activation, 640)],
      operators: [
        SimOperator(name: "f", inputs: [], outputs: [0], macs: 4096),
        SimOperator(name: "g", inputs: [0], outputs: [1], macs: nil),
      ],
      machine: Self.machine,
      events: [.alloc(tensor: 0, offset: 0), .run(operator: 0), .alloc(tensor: 1, offset: 64), .run(operator: 1)])
    let r = try Simulator(p).run()
    #expect(r.totalCycles == 14)
    #expect(r.computeBusyCycles == 14)
    #expect(r.dmaBusyCycles == 0)
    #expect(r.stalls == SimStalls())
    #expect(r.totalBytes == 0)
    #expect(r.peakOccupancyBytes == 704)
  }

  @Test func loadOverlapsCompute() throws {
    // Each load: 64 + 320/32 = 74 cycles; each run: 10,240 MACs = 10 cycles.
    // DMA:     x0 [0,74)  x1 [74,148)
    // compute:            f0 [74,84)        f1 [148,158)
    let p = SimProgram(
      tensors: [
        Self.tensor("x0", .input, 320), Self.tensor("x1", .input, 320),
        Self.tensor("a0", .activation, 64), Self.tensor("a1", .activation, 64),
      ],
      operators: [
        SimOperator(name: "f0", inputs: [0], outputs: [2], macs: 10240),
        SimOperator(name: "f1", inputs: [1], outputs: [3], macs: 10240),
      ],
      machine: Self.machine,
      events: [
        .load(tensor: 0, offset: 0), .load(tensor: 1, offset: 320), .alloc(tensor: 2, offset: 640),
        .run(operator: 0), .alloc(tensor: 3, offset: 704), .run(operator: 1),
      ])
    let r = try Simulator(p).run()
    #expect(r.totalCycles == 158)
    #expect(r.computeBusyCycles == 20)
    #expect(r.dmaBusyCycles == 148)
    #expect(r.stalls.computeWaitingForLoad == 74 + 64)
    #expect(r.stalls.dma == 0)
    #expect(r.loadedBytes == 640)
    #expect(r.compulsoryBytes == 640)
    let f0 = try #require(r.timeline.first { $0.name == "f0" })
    #expect((f0.start, f0.end) == (74, 84))
  }

  @Test func loadWaitsForSpace() throws {
    // x1 goes where x0 was; x0 is read by f0 until cycle 174, so the load waits 100 cycles.
    // DMA:     x0 [0,74)                 x1 [174,248)
    // compute:           f0 [74,174)                   f1 [248,249)
    let p = SimProgram(
      tensors: [
        Self.tensor("x0", .input, 320), Self.tensor("x1", .input, 320),
        Self.tensor("a0", .activation, 64), Self.tensor("a1", .activation, 64),
      ],
      operators: [
        SimOperator(name: "f0", inputs: [0], outputs: [2], macs: 102_400),
        SimOperator(name: "f1", inputs: [1], outputs: [3], macs: 1024),
      ],
      machine: Self.machine,
      events: [
        .load(tensor: 0, offset: 0), .alloc(tensor: 2, offset: 320), .run(operator: 0), .free(tensor: 0),
        .load(tensor: 1, offset: 0), .alloc(tensor: 3, offset: 384), .run(operator: 1),
      ])
    let r = try Simulator(p).run()
    #expect(r.totalCycles == 249)
    #expect(r.stalls.dmaWaitingForSpace == 100)
    #expect(r.stalls.computeWaitingForLoad == 74 + 74)
    let x1 = try #require(r.timeline.first { $0.name == "x1" })
    #expect((x1.start, x1.end) == (174, 248))
  }

  @Test func spillAndReload() throws {
    // f: x -> a; g: x -> b; h: a, b -> y. `a` is spilled so `b` can take its place, then
    // reloaded higher up. Transfers: 64 B = 66 cycles, 320 B = 74 cycles; every run 1 cycle.
    // DMA:     x [0,66)  store a [67,141)  load a [141,215)  store y [216,282)
    // compute: f [66,67)   g [141,142) (waits for a's range)   h [215,216)
    let p = SimProgram(
      tensors: [
        Self.tensor("x", .input, 64), Self.tensor("a", .activation, 320), Self.tensor("b", .activation, 64),
        Self.tensor("y", .output, 64),
      ],
      operators: [
        SimOperator(name: "f", inputs: [0], outputs: [1], macs: 1024),
        SimOperator(name: "g", inputs: [0], outputs: [2], macs: 1024),
        SimOperator(name: "h", inputs: [1, 2], outputs: [3], macs: 1024),
      ],
      machine: SimMachine(scratchpadBytes: 512, alignment: 64),
      events: [
        .load(tensor: 0, offset: 0), .alloc(tensor: 1, offset: 64), .run(operator: 0), .store(tensor: 1),
        .free(tensor: 1), .alloc(tensor: 2, offset: 64), .run(operator: 1), .free(tensor: 0),
        .load(tensor: 1, offset: 128), .alloc(tensor: 3, offset: 0), .run(operator: 2), .store(tensor: 3),
      ])
    let r = try Simulator(p).run()
    #expect(r.totalCycles == 282)
    #expect(r.dmaBusyCycles == 66 + 74 + 74 + 66)
    #expect(r.computeBusyCycles == 3)
    #expect(r.stalls.computeWaitingForSpace == 74)
    #expect(r.stalls.computeWaitingForLoad == 66 + 73)
    #expect(r.stalls.dmaWaitingForProducer == 2)
    #expect(r.stalls.dmaWaitingForSpace == 0)
    #expect(r.loadedBytes == 384)
    #expect(r.storedBytes == 384)
    #expect(r.compulsoryBytes == 128)
    #expect(r.nonCompulsoryBytes == 640)
    #expect(r.residencies.filter(\.reload).map(\.tensor) == [1])
    #expect(r.residencies.filter { $0.stored && $0.tensor == 1 }.count == 1)
  }

  @Test func storeWaitsForItsProducer() throws {
    // f takes 100 cycles; the store of y cannot start before it ends.
    let p = SimProgram(
      tensors: [Self.tensor("x", .input, 64), Self.tensor("y", .output, 64)],
      operators: [SimOperator(name: "f", inputs: [0], outputs: [1], macs: 102_400)],
      machine: Self.machine,
      events: [.load(tensor: 0, offset: 0), .alloc(tensor: 1, offset: 64), .run(operator: 0), .store(tensor: 1)])
    let r = try Simulator(p).run()
    #expect(r.totalCycles == 66 + 100 + 66)
    #expect(r.stalls.dmaWaitingForProducer == 100)
    let store = try #require(r.timeline.last)
    #expect((store.kind, store.start, store.end) == ("store", 166, 232))
  }

  @Test func externalWeightsTakeNoSpaceOrTime() throws {
    let p = SimProgram(
      tensors: [Self.tensor("x", .input, 64), Self.tensor("w", .weight, 4096), Self.tensor("y", .output, 64)],
      operators: [SimOperator(name: "f", inputs: [0, 1], outputs: [2], macs: 1024)],
      machine: SimMachine(scratchpadBytes: 128, alignment: 64, externalWeights: true),
      events: [.load(tensor: 0, offset: 0), .alloc(tensor: 2, offset: 64), .run(operator: 0), .store(tensor: 2)])
    let r = try Simulator(p).run()
    #expect(r.totalBytes == 128)
    #expect(r.compulsoryBytes == 128)
    #expect(r.totalCycles == 66 + 1 + 66)
  }

  /// Each broken program is refused at the event to blame.
  @Test(arguments: [
    ([SimEvent.load(tensor: 0, offset: 0), .load(tensor: 1, offset: 0)], 1, "overlaps"),
    ([.load(tensor: 0, offset: 32)], 0, "alignment"),
    ([.load(tensor: 0, offset: 960)], 0, "past the scratchpad"),
    ([.load(tensor: 2, offset: 0)], 0, "no valid copy"),
    ([.load(tensor: 0, offset: 0), .run(operator: 0)], 1, "no space allocated"),
    ([.alloc(tensor: 2, offset: 0), .run(operator: 0)], 1, "not resident"),
    ([.load(tensor: 0, offset: 0), .alloc(tensor: 2, offset: 128), .run(operator: 0), .free(tensor: 2)], 3, "loses its value"),
    ([.load(tensor: 0, offset: 0), .alloc(tensor: 2, offset: 128), .run(operator: 0), .run(operator: 0)], 3, "second time"),
    ([.store(tensor: 2)], 0, "not resident"),
  ] as [([SimEvent], Int, String)])
  func rejectsBrokenPlans(events: [SimEvent], index: Int, reason: String) {
    let p = SimProgram(
      tensors: [Self.tensor("x", .input, 128), Self.tensor("z", .input, 64), Self.tensor("a", .activation, 64),
                Self.tensor("y", .output, 64)],
      operators: [
        SimOperator(name: "f", inputs: [0], outputs: [2], macs: 1024),
        SimOperator(name: "g", inputs: [2, 1], outputs: [3], macs: 1024),
      ],
      machine: Self.machine, events: events)
    do {
      _ = try Simulator(p).run()
      Issue.record("accepted a broken plan")
    } catch {
      #expect(error.eventIndex == index)
      #expect(error.reason.contains(reason), "\(error)")
    }
  }

  @Test func incompletePlansAreRefusedAtTheEnd() {
    let p = SimProgram(
      tensors: [Self.tensor("x", .input, 64), Self.tensor("y", .output, 64)],
      operators: [SimOperator(name: "f", inputs: [0], outputs: [1], macs: 1024)],
      machine: Self.machine,
      events: [.load(tensor: 0, offset: 0), .alloc(tensor: 1, offset: 64), .run(operator: 0)])
    #expect(throws: SimulationError(eventIndex: nil, reason: "output 'y' is never stored")) {
      try Simulator(p).run()
    }
  }

  @Test func traceAndPictureAreWellFormed() throws {
    let p = SimProgram(
      tensors: [Self.tensor("x \"in\"", .input, 64), Self.tensor("y<out>", .output, 64)],
      operators: [SimOperator(name: "f", inputs: [0], outputs: [1], macs: 102_400)],
      machine: Self.machine,
      events: [.load(tensor: 0, offset: 0), .alloc(tensor: 1, offset: 64), .run(operator: 0), .store(tensor: 1)])
    let r = try Simulator(p).run()
    let trace = r.chromeTrace(title: "tiny")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(trace.utf8)) as? [String: Any])
    let events = try #require(json["traceEvents"] as? [[String: Any]])
    let complete = events.filter { $0["ph"] as? String == "X" }
    #expect(complete.count == 3)
    #expect(Set(complete.compactMap { $0["tid"] as? Int }) == [1, 2])
    let svg = r.occupancySVG(program: p, title: "tiny & small")
    #expect(svg.hasPrefix("<svg"))
    #expect(svg.contains("y&lt;out&gt;"))
    #expect(svg.components(separatedBy: "<g>").count - 1 == r.residencies.count)
  }
}
