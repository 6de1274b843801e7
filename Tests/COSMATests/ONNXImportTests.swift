import Foundation
import COSMATestSupport
import SwiftProtobuf
import Testing

@testable import COSMA

/// The ONNX importer on the PyTorch exports in `Tests/Fixtures/onnx`, and on broken files.
@Suite struct ONNXImportTests {
  static let directory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/onnx")
  static let names = ["mobilenet_v2", "resnet18", "squeezenet1_1"]

  static func path(_ name: String) -> String { directory.appendingPathComponent("\(name).onnx").path }

  static func importModel(_ name: String, elementBytes: Int? = 1) throws -> Graph {
    try Graph(contentsOf: path(name), onnx: ONNXImportOptions(elementBytes: elementBytes))
  }

  /// Every fixture imports, and every planner's plan for it verifies (`plan(_:with:)` runs the
  /// verifier), the ILP included.
  @Test(arguments: names)
  func importsPlansAndVerifies(name: String) throws {
    let graph = try Self.importModel(name)
    #expect(graph.operators.count > 20)
    for weights in WeightsPlacement.allCases {
      let problem = try PlanningProblem(graph: graph, accelerator: Accelerator(scratchpad: .budget(.mr), weights: weights))
      let best = try plan(problem, with: BestBaselinePlanner())
      let ilp = try plan(problem, with: IlpPlanner(options: PlannerOptions(timeLimit: 20)))
      #expect(ilp.plan.traffic.nonCompulsoryBytes <= best.plan.traffic.nonCompulsoryBytes, "\(name) \(weights)")
    }
  }

  /// resnet18: the same operators in the same order, each writing the same bytes, and the same
  /// weights, inputs and outputs as `Models/resnet18.json` (whose int8 graph came from
  /// torch.export rather than ONNX); only names and operator type spellings differ.
  @Test func resnet18MatchesTheBundledGraph() throws {
    let onnx = try Self.importModel("resnet18")
    let json = try Fixtures.model("resnet18")
    #expect(onnx.operators.count == json.operators.count)
    func outputBytes(_ g: Graph) -> [Int] {
      g.operators.map { $0.outputs.reduce(0) { $0 + g.tensors[$1.rawValue].bytes } }
    }
    func inputBytes(_ g: Graph) -> [[Int]] {
      g.operators.map { $0.inputs.map { g.tensors[$0.rawValue].bytes }.sorted() }
    }
    #expect(outputBytes(onnx) == outputBytes(json))
    #expect(inputBytes(onnx) == inputBytes(json))
    for kind in TensorKind.allCases {
      #expect(bytes(onnx, kind) == bytes(json, kind), "\(kind)")
    }
    var types: [String: Set<String>] = [:]
    for (a, b) in zip(onnx.operators, json.operators) { types[a.type, default: []].insert(b.type) }
    let mapping: [String: String] = types.mapValues { $0.sorted().joined(separator: ",") }
    let expected: [String: String] = [
      "Conv": "conv2d", "MaxPool": "max_pool2d", "Add": "add", "ReduceMean": "adaptive_avg_pool2d", "Gemm": "linear",
    ]
    #expect(mapping == expected)
  }

  /// mobilenet_v2 and squeezenet1_1: the exported files carry no bias for their convolutions and
  /// classifier (the exporter dropped them), so they differ from the bundled graphs by exactly
  /// the bundled graphs' bias tensors and by nothing else.
  @Test(arguments: ["mobilenet_v2", "squeezenet1_1"])
  func othersDifferOnlyByTheBiasesTheExportLacks(name: String) throws {
    let onnx = try Self.importModel(name)
    let json = try Fixtures.model(name)
    #expect(onnx.operators.count == json.operators.count)
    func outputBytes(_ g: Graph) -> [Int] {
      g.operators.map { $0.outputs.reduce(0) { $0 + g.tensors[$1.rawValue].bytes } }
    }
    #expect(outputBytes(onnx) == outputBytes(json))
    let biases = json.tensors.filter { $0.kind == .weight && $0.name.hasSuffix("bias") }.map(\.bytes)
    #expect(!biases.isEmpty)
    let onnxTotal: Int = bytes(onnx, .weight).reduce(0, +)
    let biasTotal: Int = biases.reduce(0, +)
    let jsonTotal: Int = bytes(json, .weight).reduce(0, +)
    #expect(onnxTotal + biasTotal == jsonTotal)
    let onnxWeights = onnx.tensors.filter { $0.kind == .weight }.map(\.bytes).sorted()
    let jsonWeights = json.tensors.filter { $0.kind == .weight && !$0.name.hasSuffix("bias") }.map(\.bytes).sorted()
    #expect(onnxWeights == jsonWeights)
    for kind in [TensorKind.input, .activation, .output] {
      #expect(bytes(onnx, kind) == bytes(json, kind), "\(kind)")
    }
  }

  /// Without `--element-bytes`, sizes follow the data type: fp32 is four bytes an element.
  @Test func elementSizeComesFromTheDataType() throws {
    let fp32 = try Self.importModel("resnet18", elementBytes: nil)
    let int8 = try Self.importModel("resnet18", elementBytes: 1)
    #expect(fp32.tensors.map(\.bytes) == int8.tensors.map { $0.bytes * 4 })
    #expect(fp32.tensors.first?.dtype == "float")
  }

  /// Views are aliases, integer parameters vanish, activations are fused.
  @Test func foldsViewsConstantsAndActivations() throws {
    let g = try Self.importModel("resnet18")
    let types = Set(g.operators.map(\.type))
    #expect(types.isDisjoint(with: Graph.onnxAliasOperators))
    #expect(!types.contains("Relu") && !types.contains("Constant") && !types.contains("Flatten"))
    #expect(!g.tensors.contains { $0.kind == .weight && $0.dtype?.contains("int64") == true })
    let unfused = try Graph(contentsOf: Self.path("resnet18"), onnx: ONNXImportOptions(elementBytes: 1, fuseActivations: false))
    #expect(unfused.operators.filter { $0.type == "Relu" }.count == 17)
    #expect(unfused.operators.count == g.operators.count + 17)
  }

  // MARK: - Broken files

  static func expectError(_ data: Data, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
      _ = try Graph(onnx: data, origin: "bad.onnx")
      Issue.record("accepted", sourceLocation: sourceLocation)
    } catch let e as InputError {
      #expect(e.description.hasPrefix("bad.onnx"), sourceLocation: sourceLocation)
      #expect(e.description.contains(fragment), "\(e)", sourceLocation: sourceLocation)
    } catch {
      Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
    }
  }

  @Test func rejectsTruncatedFiles() throws {
    let data = try Data(contentsOf: URL(fileURLWithPath: Self.path("resnet18")))
    for fraction in [0.1, 0.5, 0.9, 0.999] {
      let cut = data.prefix(Int(Double(data.count) * fraction))
      do {
        _ = try Graph(onnx: cut, origin: "bad.onnx")
        Issue.record("a file cut at \(fraction) was accepted")
      } catch let e as InputError {
        #expect(e.description.hasPrefix("bad.onnx"))
      }
    }
  }

  @Test func rejectsOtherFormats() {
    Self.expectError(Data(), "no graph")
    Self.expectError(Data("{\"format\": \"cosma-graph\"}".utf8), "not an ONNX model")
    var rng = SplitMix64(seed: 11)
    Self.expectError(Data((0..<4096).map { _ in UInt8(truncatingIfNeeded: rng.next()) }), "not an ONNX model")
  }

  /// A model that was not shape-inferred, or has a symbolic batch dimension, is refused with the
  /// tensor's name.
  @Test func rejectsMissingAndSymbolicShapes() throws {
    var model = try Onnx_ModelProto(serializedBytes: Data(contentsOf: URL(fileURLWithPath: Self.path("resnet18"))))
    let victim = model.graph.node[0].output[0]
    model.graph.valueInfo.removeAll { $0.name == victim }
    Self.expectError(try model.serializedData(), "tensor '\(victim)': has no type or shape")

    model = try Onnx_ModelProto(serializedBytes: Data(contentsOf: URL(fileURLWithPath: Self.path("resnet18"))))
    var dim = Onnx_TensorShapeProto.Dimension()
    dim.dimParam = "batch"
    model.graph.input[0].type.tensorType.shape.dim[0] = dim
    Self.expectError(try model.serializedData(), "no static shape")

    model = try Onnx_ModelProto(serializedBytes: Data(contentsOf: URL(fileURLWithPath: Self.path("resnet18"))))
    model.graph.node[5].input[0] = "nowhere"
    Self.expectError(try model.serializedData(), "reads 'nowhere'")
  }

  /// A reader naming a tensor "café" with a combining accent does not read the tensor named
  /// "café" with a precomposed é: ONNX names are exact strings.
  @Test func namesAreExactScalars() throws {
    var model = try Onnx_ModelProto(serializedBytes: Data(contentsOf: URL(fileURLWithPath: Self.path("resnet18"))))
    let victim = model.graph.node[0].output[0]
    let (nfc, nfd) = ("caf\u{E9}", "cafe\u{301}")
    model.graph.node[0].output[0] = nfc
    for k in model.graph.valueInfo.indices where model.graph.valueInfo[k].name == victim { model.graph.valueInfo[k].name = nfc }
    for n in model.graph.node.indices {
      for i in model.graph.node[n].input.indices where model.graph.node[n].input[i] == victim { model.graph.node[n].input[i] = nfd }
    }
    Self.expectError(try model.serializedData(), "reads '\(nfd)'")
    // Spelled the same way, the model imports.
    for n in model.graph.node.indices {
      for i in model.graph.node[n].input.indices where model.graph.node[n].input[i] == nfd { model.graph.node[n].input[i] = nfc }
    }
    let g = try Graph(onnx: model.serializedData())
    #expect(g.operators.count == (try Self.importModel("resnet18")).operators.count)
  }

  func bytes(_ g: Graph, _ kind: TensorKind) -> [Int] {
    g.tensors.filter { $0.kind == kind }.map(\.bytes).sorted()
  }
}
