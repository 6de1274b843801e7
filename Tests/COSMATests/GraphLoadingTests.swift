import COSMA
import COSMATestSupport
import Foundation
import Testing

/// Every class of bad graph input gets one clear `InputError` naming the file, the element and
/// the rule.
@Suite struct GraphLoadingTests {
  func load(_ text: String) throws -> Graph {
    try Graph(jsonData: Data(text.utf8), origin: "g.json")
  }

  func expectError(_ text: String, _ fragments: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    do {
      _ = try load(text)
      Issue.record("accepted an invalid graph", sourceLocation: sourceLocation)
    } catch let e as InputError {
      let message = e.description
      #expect(message.hasPrefix("g.json"), "message should name the file: \(message)", sourceLocation: sourceLocation)
      for f in fragments {
        #expect(message.contains(f), "'\(message)' should mention '\(f)'", sourceLocation: sourceLocation)
      }
      #expect(!message.contains("\n"), sourceLocation: sourceLocation)
    } catch {
      Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
  }

  static let header = #""format": "cosma-graph", "version": 1, "name": "g""#

  func doc(tensors: String, operators: String) -> String {
    "{\(Self.header), \"tensors\": [\(tensors)], \"operators\": [\(operators)]}"
  }

  let okTensors = #"{"name": "x", "kind": "input", "bytes": 8}, {"name": "y", "kind": "output", "bytes": 8}"#
  let okOp = #"{"name": "f", "type": "relu", "inputs": ["x"], "outputs": ["y"]}"#

  @Test func acceptsAMinimalGraph() throws {
    let g = try load(doc(tensors: okTensors, operators: okOp))
    #expect(g.operators.count == 1)
    #expect(g.consumers[0] == [OperatorID(0)])
  }

  @Test func emptyFile() { expectError("", ["empty"]) }
  @Test func truncatedJSON() { expectError(String(doc(tensors: okTensors, operators: okOp).dropLast(9)), ["not valid JSON"]) }
  @Test func notJSON() { expectError("hello", ["not valid JSON"]) }
  @Test func topLevelArray() { expectError("[1, 2]", ["expected an object"]) }
  @Test func wrongFormat() { expectError(#"{"format": "cosma-plan", "version": 1}"#, ["format", "cosma-graph"]) }
  @Test func wrongVersion() { expectError(#"{"format": "cosma-graph", "version": 2}"#, ["version 2"]) }
  @Test func missingFormat() { expectError(#"{"version": 1}"#, ["missing field 'format'"]) }
  @Test func missingField() {
    expectError(doc(tensors: #"{"name": "x", "kind": "input"}"#, operators: okOp), ["tensors[0]", "missing field 'bytes'"])
  }
  @Test func wrongType() {
    expectError(doc(tensors: #"{"name": "x", "kind": "input", "bytes": "8"}"#, operators: okOp), ["tensors[0].bytes", "expected a number"])
  }
  @Test func nonIntegerSize() {
    expectError(doc(tensors: #"{"name": "x", "kind": "input", "bytes": 1.5}"#, operators: okOp), ["'x'", "integer", "1.5"])
  }
  @Test func hugeNumber() {
    expectError(doc(tensors: #"{"name": "x", "kind": "input", "bytes": 1e300}"#, operators: okOp), ["'x'", "integer"])
  }
  @Test func tooLargeSize() {
    expectError(doc(tensors: #"{"name": "x", "kind": "input", "bytes": 9000000000000000000}, {"name": "y", "kind": "output", "bytes": 8}"#, operators: okOp), ["'x'", "at most"])
  }
  @Test func nonPositiveSize() {
    expectError(doc(tensors: #"{"name": "x", "kind": "input", "bytes": 0}, {"name": "y", "kind": "output", "bytes": 8}"#, operators: okOp), ["'x'", "positive"])
  }
  @Test func unknownKind() {
    expectError(doc(tensors: #"{"name": "x", "kind": "param", "bytes": 8}"#, operators: okOp), ["'x'", "kind", "param"])
  }
  @Test func duplicateTensor() {
    expectError(doc(tensors: okTensors + #", {"name": "x", "kind": "input", "bytes": 8}"#, operators: okOp), ["'x'", "twice"])
  }
  @Test func duplicateOperator() { expectError(doc(tensors: okTensors, operators: okOp + "," + okOp), ["'f'", "twice"]) }
  @Test func danglingName() {
    expectError(doc(tensors: okTensors, operators: #"{"name": "f", "inputs": ["nope"], "outputs": ["y"]}"#), ["'f'", "'nope'", "not a tensor"])
  }
  @Test func twoProducers() {
    expectError(doc(tensors: okTensors, operators: okOp + #", {"name": "g", "inputs": ["x"], "outputs": ["y"]}"#), ["'y'", "two producers"])
  }
  @Test func producedInput() {
    expectError(doc(tensors: okTensors, operators: okOp + #", {"name": "g", "inputs": ["y"], "outputs": ["x"]}"#), ["'g'", "input 'x'"])
  }
  @Test func unproducedActivation() {
    expectError(doc(tensors: okTensors + #", {"name": "a", "kind": "activation", "bytes": 8}"#, operators: okOp), ["'a'", "no operator produces"])
  }
  @Test func cycle() {
    let tensors = #"{"name": "x", "kind": "input", "bytes": 8}, {"name": "a", "kind": "activation", "bytes": 8}, {"name": "b", "kind": "activation", "bytes": 8}"#
    let ops = #"{"name": "f", "inputs": ["x", "b"], "outputs": ["a"]}, {"name": "g", "inputs": ["a"], "outputs": ["b"]}"#
    expectError(doc(tensors: tensors, operators: ops), ["cycle", "'f'", "'g'"])
  }
  @Test func selfLoop() {
    let tensors = #"{"name": "a", "kind": "activation", "bytes": 8}"#
    expectError(doc(tensors: tensors, operators: #"{"name": "f", "inputs": ["a"], "outputs": ["a"]}"#), ["'f'", "cycle"])
  }
  @Test func noOperators() { expectError(doc(tensors: okTensors.components(separatedBy: "}, ")[0] + "}", operators: ""), ["no operators"]) }
  @Test func noOutputs() {
    expectError(doc(tensors: okTensors, operators: okOp + #", {"name": "g", "inputs": ["x"], "outputs": []}"#), ["'g'", "no outputs"])
  }
  @Test func missingFile() throws {
    #expect(throws: InputError.self) { try Graph(contentsOf: "/nonexistent/g.json") }
  }

  @Test func readsEveryBundledModel() throws {
    #expect(Fixtures.modelNames.count >= 16)
    for name in Fixtures.modelNames {
      let g = try Fixtures.model(name)
      #expect(g.isTopologicalOrder(g.defaultSchedule), "\(name): file order is a topological order")
    }
  }

  @Test func writesAndReadsBack() throws {
    let g = try Fixtures.model("resnet18")
    let text = g.jsonValue().serialized()
    let again = try Graph(jsonData: Data(text.utf8), origin: "again")
    #expect(again.tensors == g.tensors)
    #expect(again.operators == g.operators)
  }
}
