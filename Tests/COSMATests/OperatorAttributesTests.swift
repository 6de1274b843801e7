import COSMA
import COSMATestSupport
import Foundation
import Testing

@testable import COSMA

/// Operator attributes (SPEC §2): read, written, validated, imported from ONNX, and windows
/// derived from shapes only where the shapes leave no choice.
@Suite struct OperatorAttributesTests {
  static let onnxModels = ["resnet18", "mobilenet_v2", "squeezenet1_1"]

  /// Every convolution and pooling of the ONNX exports gets its window, and the window gives
  /// exactly the output shapes ONNX's shape inference recorded (strides, pads, dilations, groups
  /// and ceil mode included).
  @Test(arguments: onnxModels)
  func onnxWindowsAgreeWithTheShapes(model: String) throws {
    let g = try ONNXImportTests.importModel(model)
    var windows = 0
    for o in g.operatorIDs where ["Conv", "MaxPool", "AveragePool"].contains(g[o].type) {
      #expect(g[o].attributes?.kernel != nil, "\(model) \(g[o].name)")
      let w = try #require(g.slidingWindow(of: o), "\(model) \(g[o].name): the declared window does not give the output shape")
      if g[o].type == "Conv", let weight = g[g[o].inputs[1]].shape { #expect(w.kernel == Array(weight[2...])) }
      windows += 1
    }
    #expect(windows > 10)
    for o in g.operatorIDs where g[o].type == "Gemm" { #expect(g[o].attributes?.contract == [1, 1], "\(g[o].name)") }
  }

  /// Without attributes, a window derived from shapes is never a wrong one: on the ONNX exports
  /// with their attributes removed, every derived window equals the recorded one, every 1×1
  /// convolution is derived, and a 3×3 convolution that keeps its size is not (padding 1 with
  /// dilation 1 and padding 2 with dilation 2 both fit).
  @Test(arguments: onnxModels)
  func derivedWindowsAreNeverWrong(model: String) throws {
    let g = try ONNXImportTests.importModel(model)
    let stripped = try Graph(
      name: g.name, tensors: g.tensors,
      operators: g.operators.map { var o = $0; o.attributes = nil; return o })
    var derived = 0
    for o in g.operatorIDs where g[o].type == "Conv" {
      let truth = try #require(g.slidingWindow(of: o))
      if let w = stripped.slidingWindow(of: o) {
        #expect(w == truth, "\(model) \(g[o].name): derived \(w), recorded \(truth)")
        derived += 1
      }
      if truth.kernel.allSatisfy({ $0 == 1 }) { #expect(stripped.slidingWindow(of: o) != nil, "\(g[o].name)") }
      if truth.kernel == [3, 3], truth.strides == [1, 1] { #expect(stripped.slidingWindow(of: o) == nil, "\(g[o].name)") }
    }
    #expect(derived > 0)
  }

  /// `onlyWindow` against brute force: every stride and dilation up to the input size, every
  /// pair of paddings up to the dilated extent; a window is derived exactly when one fits.
  @Test func onlyWindowAgreesWithBruteForce() {
    var unique = 0
    for k in 1...4 {
      for input in 1...9 {
        var outputs: [Int: [(Int, Int, Int, Int)]] = [:]
        for d in 1...(k == 1 ? 1 : input) {
          let extent = d * (k - 1)
          for s in 1...input {
            for start in 0...extent {
              for end in 0...extent {
                let span = input + start + end - extent - 1
                guard span >= 0 else { continue }
                outputs[span / s + 1, default: []].append((s, d, start, end))
              }
            }
          }
        }
        for (output, fits) in outputs {
          let found = Graph.onlyWindow(kernel: k, input: input, output: output)
          if fits.count == 1 {
            unique += 1
            #expect(found.map { [$0.0, $0.1, $0.2, $0.3] } == [fits[0].0, fits[0].1, fits[0].2, fits[0].3], "k \(k) in \(input) out \(output)")
          } else {
            #expect(found == nil, "k \(k) in \(input) out \(output): \(fits.count) windows fit")
          }
        }
        // Sizes no window reaches get none.
        for output in 1...(outputs.keys.max()! + 2) where outputs[output] == nil {
          #expect(Graph.onlyWindow(kernel: k, input: input, output: output) == nil, "k \(k) in \(input) out \(output)")
        }
      }
    }
    #expect(unique > 10)
  }

  /// A declared window that does not give the output's shape is not trusted.
  @Test func aWindowThatContradictsTheShapesIsIgnored() throws {
    let g = try Fixtures.graph(
      "conv", tensors: ["x:input:1024", "w:weight:9", "y:output:1024"], operators: ["c: x,w -> y"])
    func with(_ a: OperatorAttributes, x: [Int], y: [Int]) throws -> Graph {
      var t = g.tensors
      t[0].shape = x
      t[1].shape = [1, 1, 3, 3]
      t[2].shape = y
      var o = g.operators
      o[0].attributes = a
      return try Graph(name: "conv", tensors: t, operators: o)
    }
    let same = try with(OperatorAttributes(kernel: [3, 3], pads: [1, 1, 1, 1]), x: [1, 1, 32, 32], y: [1, 1, 32, 32])
    #expect(same.slidingWindow(of: OperatorID(0))?.pads == [1, 1, 1, 1])
    #expect(same.slidingWindow(of: OperatorID(0))?.inputRange(outputs: 0...7, dimension: 0) == -1...8)
    let wrong = try with(OperatorAttributes(kernel: [3, 3], strides: [2, 2]), x: [1, 1, 32, 32], y: [1, 1, 32, 32])
    #expect(wrong.slidingWindow(of: OperatorID(0)) == nil)
  }

  /// A softmax's `axis` comes from ONNX as its meaning in the model's opset gives it: from opset
  /// 13 one axis (negative counted from the end, the last by default); before, only when it is
  /// the last, where both meanings agree. It survives a write and a read.
  @Test func softmaxAxisFromONNX() throws {
    func imported(opset: Int64, axis: Int64?) throws -> OperatorAttributes? {
      var model = try Onnx_ModelProto(serializedBytes: Data(contentsOf: URL(fileURLWithPath: ONNXImportTests.path("resnet18"))))
      for k in model.opsetImport.indices where model.opsetImport[k].domain.isEmpty { model.opsetImport[k].version = opset }
      var output = model.graph.output[0]
      var node = Onnx_NodeProto()
      node.opType = "Softmax"
      node.name = "softmax"
      node.input = [output.name]
      node.output = ["probabilities"]
      if let axis {
        var a = Onnx_AttributeProto()
        a.name = "axis"
        a.type = .int
        a.i = axis
        node.attribute = [a]
      }
      model.graph.node.append(node)
      model.graph.valueInfo.append(output)
      output.name = "probabilities"
      model.graph.output = [output]
      let g = try Graph(onnx: try model.serializedData(), options: ONNXImportOptions(elementBytes: 1))
      let back = try Graph(jsonData: Data(g.jsonValue().serialized().utf8), origin: "back.json")
      #expect(back.operators == g.operators)
      return try #require(g.operators.last { $0.type == "Softmax" }).attributes
    }
    #expect(try imported(opset: 17, axis: nil)?.axis == 1)
    #expect(try imported(opset: 17, axis: -1)?.axis == 1)
    #expect(try imported(opset: 17, axis: 0)?.axis == 0)
    #expect(try imported(opset: 11, axis: nil)?.axis == 1)
    #expect(try imported(opset: 11, axis: 0) == nil)
  }

  /// Attributes survive a write and a read; broken ones are rejected with one message naming
  /// the operator and the rule.
  @Test func fileRoundTripAndValidation() throws {
    let g = try ONNXImportTests.importModel("resnet18")
    let text = g.jsonValue().serialized()
    let back = try Graph(jsonData: Data(text.utf8), origin: "resnet18.json")
    #expect(back.operators == g.operators)
    let llama = try Fixtures.model("llama_block_s2048")
    let attention = try #require(llama.operators.first { $0.type == "scaled_dot_product_attention" })
    #expect(attention.attributes == OperatorAttributes(heads: 32, kvHeads: 4))
    #expect(try Graph(jsonData: Data(llama.jsonValue().serialized().utf8), origin: "llama.json").operators == llama.operators)
    let bad: [(String, String)] = [
      (#""attributes": {"kernel": [3, 3], "strides": [1]}"#, "strides has 1 values"),
      (#""attributes": {"kernel": [3, 3], "pads": [1, 1, -1, 1]}"#, "pads must be between"),
      (#""attributes": {"kernel": [0, 3]}"#, "kernel must be between"),
      (#""attributes": {"groups": 0}"#, "groups must be between"),
      (#""attributes": {"contract": [4, 0]}"#, "contract[0] is axis 4"),
      (#""attributes": {"axis": 4}"#, "axis 4 is beyond an input of rank 4"),
      (#""attributes": {"axis": -1}"#, "axis must not be negative"),
      (#""attributes": {"heads": 0}"#, "heads must be between"),
      (#""attributes": {"kvHeads": 2}"#, "kvHeads needs heads"),
      (#""attributes": {"heads": 6, "kvHeads": 4}"#, "heads (6) must be a multiple of kvHeads (4)"),
    ]
    for (attributes, rule) in bad {
      let doc = """
        {"format": "cosma-graph", "version": 1, "name": "bad", "tensors": [
          {"name": "x", "kind": "input", "bytes": 16, "shape": [1, 1, 4, 4]},
          {"name": "w", "kind": "weight", "bytes": 9, "shape": [1, 1, 3, 3]},
          {"name": "y", "kind": "output", "bytes": 16, "shape": [1, 1, 4, 4]}],
         "operators": [{"name": "c", "type": "conv", "inputs": ["x", "w"], "outputs": ["y"], \(attributes)}]}
        """
      #expect {
        _ = try Graph(jsonData: Data(doc.utf8), origin: "bad.json")
      } throws: { e in
        "\(e)".contains("operator 'c' attributes") && "\(e)".contains(rule)
      }
    }
  }
}
