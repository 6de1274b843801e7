import COSMA
import COSMATestSupport
import Foundation
import Testing

/// Hand-made plans, valid and broken, for every violation class of SPEC §5.
@Suite struct VerifierTests {
  let g: Graph
  let accelerator: Accelerator

  init() throws {
    g = try Fixtures.chain()  // sizes with alignment 64: x 128, w 64, a 256, b 128, y 64
    var a = Accelerator(scratchpad: .bytes(512), alignment: 64)
    a.name = "test"
    accelerator = a
  }

  func t(_ name: String) -> TensorID { g.tensor(named: name)! }
  func o(_ name: String) -> OperatorID { g.operator(named: name)! }

  var validEvents: [PlanEvent] {
    [
      .load(t("x"), offset: 0), .load(t("w"), offset: 128), .alloc(t("a"), offset: 192),
      .run(o("op1")), .free(t("x")), .free(t("w")), .alloc(t("b"), offset: 0), .run(o("op2")),
      .free(t("a")), .alloc(t("y"), offset: 128), .run(o("op3")), .store(t("y")), .free(t("b")),
      .free(t("y")),
    ]
  }

  func plan(_ events: [PlanEvent], total: Int? = nil, graph: String = "chain", accelerator: Accelerator? = nil) -> Plan {
    Fixtures.handPlan(
      events, graph: g, graphName: graph, accelerator: accelerator ?? self.accelerator, compulsoryBytes: 160, totalBytes: total)
  }

  func violations(_ p: Plan) -> [Violation] { Verifier(graph: g).violations(of: p) }

  func expectOnly(_ category: Violation.Category, _ events: [PlanEvent], mentioning text: String,
                  sourceLocation: SourceLocation = #_sourceLocation) {
    let found = violations(plan(events))
    #expect(!found.isEmpty, "expected a \(category) violation", sourceLocation: sourceLocation)
    #expect(found.contains { $0.category == category && $0.message.contains(text) },
            "\(found) should hold a \(category) violation mentioning '\(text)'", sourceLocation: sourceLocation)
  }

  @Test func acceptsAValidPlan() {
    #expect(violations(plan(validEvents)) == [])
  }

  @Test func scheduleDependency() {
    var e = validEvents
    e.swapAt(3, 7)  // op2 runs before op1
    expectOnly(.schedule, e, mentioning: "runs before 'op1'")
  }

  @Test func scheduleTwice() {
    expectOnly(.schedule, validEvents + [.run(o("op3"))], mentioning: "second time")
  }

  @Test func scheduleMissing() {
    let e = validEvents.filter { $0 != .run(o("op3")) }
    expectOnly(.schedule, e, mentioning: "never runs")
  }

  @Test func residencyInputMissing() {
    let e = validEvents.filter { $0 != .load(t("w"), offset: 128) && $0 != .free(t("w")) }
    expectOnly(.residency, e, mentioning: "input 'w' is not resident")
  }

  @Test func residencyOutputMissing() {
    let e = validEvents.filter { $0 != .alloc(t("y"), offset: 128) }
    expectOnly(.residency, e, mentioning: "output 'y' has no space")
  }

  @Test func residencyFreeOfNonResident() {
    expectOnly(.residency, validEvents + [.free(t("x"))], mentioning: "not resident")
  }

  @Test func residencyDoubleLoad() {
    var e = validEvents
    e.insert(.load(t("x"), offset: 384), at: 1)
    expectOnly(.residency, e, mentioning: "already resident")
  }

  @Test func spaceUnaligned() {
    var e = validEvents
    e[0] = .load(t("x"), offset: 320 + 8)
    expectOnly(.space, e, mentioning: "alignment")
  }

  @Test func spaceOutsideCapacity() {
    var e = validEvents
    e[0] = .load(t("x"), offset: 448)
    expectOnly(.space, e, mentioning: "exceeds the scratchpad")
  }

  @Test func spaceOverlap() {
    var e = validEvents
    e[1] = .load(t("w"), offset: 64)
    expectOnly(.space, e, mentioning: "overlaps resident 'x'")
  }

  @Test func dataLoadWithoutStore() {
    // a is freed after op1 with a store, then reloaded: valid. Without the store: two violations.
    var e = validEvents
    e.insert(contentsOf: [.store(t("a")), .free(t("a")), .load(t("a"), offset: 192)], at: 6)
    #expect(violations(plan(e)) == [])
    e.remove(at: 6)
    let found = violations(plan(e))
    #expect(found.contains { $0.category == .data && $0.message.contains("loses data") })
    #expect(found.contains { $0.category == .data && $0.message.contains("no valid copy") })
  }

  @Test func dataOutputNeverStored() {
    let e = validEvents.filter { $0 != .store(t("y")) }
    expectOnly(.data, e, mentioning: "output 'y'")
  }

  @Test func dataStoreBeforeProduced() {
    var e = validEvents
    e.insert(.store(t("a")), at: 3)
    expectOnly(.data, e, mentioning: "before it is produced")
  }

  @Test func dataAllocOfProducedTensor() {
    var e = validEvents
    e.insert(contentsOf: [.store(t("a")), .free(t("a")), .alloc(t("a"), offset: 192)], at: 6)
    expectOnly(.data, e, mentioning: "after it was produced")
  }

  @Test func accounting() {
    let found = violations(plan(validEvents, total: 999))
    #expect(found.count == 2)
    #expect(found.allSatisfy { $0.category == .accounting })
  }

  @Test func header() {
    #expect(violations(plan(validEvents, graph: "other")).map(\.category) == [.header])
  }

  @Test func externalWeightsAreNeverLoaded() {
    var external = accelerator
    external.weights = .external
    let withWeight = violations(plan(validEvents, accelerator: external))
    #expect(withWeight.contains { $0.category == .residency && $0.message.contains("external") })
    let without = validEvents.filter { $0 != .load(t("w"), offset: 128) && $0 != .free(t("w")) }
    #expect(violations(plan(without, total: 160 - 50, accelerator: external))
      .allSatisfy { $0.category == .accounting })
  }

  @Test func listsEveryViolation() {
    var e = validEvents
    e[0] = .load(t("x"), offset: 8)  // unaligned, overlaps nothing
    e[1] = .load(t("w"), offset: 900)  // outside
    let found = violations(plan(e.filter { $0 != .store(t("y")) }))
    #expect(Set(found.map(\.category)) == [.space, .data])
    #expect(found.count == 4, "\(found)")  // w at 900 is both unaligned and outside
  }

  @Test func planFileRoundTrip() throws {
    let p = plan(validEvents)
    let text = p.jsonValue(graph: g).serialized()
    let back = try Plan(jsonData: Data(text.utf8), graph: g, origin: "p.json")
    #expect(back == p)
  }

  @Test func planFileWithUnknownNames() {
    let text = #"{"format": "cosma-plan", "version": 1, "events": [{"event": "load", "tensor": "zz", "offset": 0}]}"#
    #expect(throws: InputError.self) { try Plan(jsonData: Data(text.utf8), graph: g) }
    let bad = #"{"format": "cosma-plan", "version": 1, "events": [{"event": "jump"}]}"#
    #expect(throws: InputError.self) { try Plan(jsonData: Data(bad.utf8), graph: g) }
  }
}
