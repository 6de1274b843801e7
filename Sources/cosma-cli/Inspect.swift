import ArgumentParser
import COSMA

struct Inspect: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Describe a graph: operators, tensors, sizes and budgets.",
    discussion: """
      Examples:
        cosma inspect Models/resnet18.json
        cosma inspect Models/transformer.json --operators
      """)

  @Argument(help: ArgumentHelp("A cosma-graph JSON file or an ONNX model.", valueName: "graph"))
  var graphPath: String

  @OptionGroup var acceleratorOptions: AcceleratorOptions
  @OptionGroup var graphOptions: GraphOptions

  @Flag(help: "List every operator with its working set.")
  var operators = false

  func run() throws {
    try reportingErrors {
      let graph = try loadGraph(graphPath, graphOptions)
      let a = try acceleratorOptions.accelerator()
      let b = COSMA.Budgets(graph: graph, alignment: a.alignment, weights: a.weights)
      print("graph        \(graph.name)")
      if let s = graph.source { print("source       \(s)") }
      print("operators    \(graph.operators.count)")
      if graph.isTiled {
        let tiles = graph.operators.filter { $0.tile != nil }
        let slices = graph.tensors.filter { $0.slice != nil }
        print(
          "tiled        \(tiles.count) tiles of \(Set(tiles.map { $0.tile!.of }).count) operators, "
            + "\(slices.count) slices of \(Set(slices.map { $0.slice!.of }).count) tensors")
      } else {
        let rows = graph.operatorIDs.filter { graph.rowMap(of: $0) != nil }.count
        let channels = graph.operatorIDs.filter { graph.channelMap(of: $0) != nil }.count
        let reductions = graph.operatorIDs.filter { graph.reductionMap(of: $0) != nil }.count
        let depths = graph.operatorIDs.filter { graph.depthMap(of: $0) != nil }.count
        print(
          "splittable   \(rows) of \(graph.operators.count) operators by rows, \(channels) by channels, "
            + "\(reductions) into partial sums" + (depths > 0 ? ", \(depths) by depth" : ""))
      }
      for kind in TensorKind.allCases {
        let ts = graph.tensors.filter { $0.kind == kind }
        let bytes = ts.reduce(0) { $0 + $1.bytes }
        print("\(kind.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(ts.count) tensors, \(formatBytes(bytes))")
      }
      if let largest = graph.tensors.filter({ $0.kind != .weight }).max(by: { $0.bytes < $1.bytes }) {
        print("largest      '\(largest.name)' \(formatBytes(largest.bytes))")
      }
      print("budgets      alignment \(a.alignment), weights \(a.weights.rawValue)")
      print("  M_R        \(formatBytes(b.mr)) (operator '\(graph[b.mrOperator].name)')")
      print("  M_H        \(formatBytes(b.mh))")
      print("  M_P        \(formatBytes(b.mp))\(b.mpIsExact ? " (exact)" : " (best found, at least \(formatBytes(b.mpLowerBound)))")")
      let mt = graph.smallestTiledScratchpad(weights: a.weights, alignment: a.alignment)
      print("  M_T        \(formatBytes(mt.bytes)) (operator '\(graph[mt.operator].name)')")
      if operators {
        print("")
        for o in graph.operatorIDs {
          let op = graph[o]
          let ws = graph.workingSet(of: o, weights: a.weights).reduce(0) { $0 + roundUp(graph[$1].bytes, to: a.alignment) }
          let ins = op.inputs.map { graph[$0].name }.joined(separator: ", ")
          let outs = op.outputs.map { graph[$0].name }.joined(separator: ", ")
          print("\(op.name) [\(op.type)] (\(ins)) -> (\(outs))  working set \(groupThousands(ws)) B")
        }
      }
    }
  }
}
