import ArgumentParser
import COSMA
import Foundation

struct Convert: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Write a graph (ONNX or cosma-graph JSON) in the cosma-graph JSON format.",
    discussion: """
      Imports an ONNX model (initializers and Constant nodes become weights; Reshape, Flatten, \
      Squeeze, Unsqueeze, Identity and Dropout become aliases; Shape and operators over weights \
      only are constant-folded; batch normalization and unary activations are fused into their \
      producer) and writes it in the graph format every other command reads.

      Example:
        cosma convert resnet18.onnx --element-bytes 1 -o resnet18.json
      """)

  @Argument(help: ArgumentHelp("An ONNX model or a cosma-graph JSON file.", valueName: "model"))
  var graphPath: String

  @OptionGroup var graphOptions: GraphOptions

  @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the JSON graph.", valueName: "file"))
  var output: String

  func run() throws {
    try reportingErrors {
      let graph = try loadGraph(graphPath, graphOptions)
      try writeTextFile(graph.jsonValue().serialized(), to: output)
      let weights = graph.tensors.filter { $0.kind == .weight }.reduce(0) { $0 + $1.bytes }
      note("converted        \(graph.name): \(graph.operators.count) operators, \(graph.tensors.count) tensors (\(groupThousands(weights)) B of weights)")
      note("written to       \(output)")
    }
  }
}
