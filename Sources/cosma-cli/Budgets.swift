import ArgumentParser
import COSMA

struct Budgets: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Print the budget tiers M_R, M_H and M_P of a graph, and M_T.",
    discussion: """
      M_R is the smallest scratchpad any plan can use; M_P the minimum peak of live bytes over \
      schedules with no spills; M_H halfway between. M_P comes from a memory-aware list scheduler, \
      then from a minimum-peak ILP on CBC (--time-limit), and is reported as exact when it is \
      proven, otherwise as the best peak found with its proven lower bound. Values on stdout, one per \
      line, in bytes. M_T is the smallest scratchpad in which every operator runs once operators \
      may be split into row or channel tiles or grids of both, and their reductions into partial sums, and video operators (N, C, D, H, W) each of these into blocks of frames (what optimize does below M_R); it is printed fourth. \
      With --in-place on, MI follows: the smallest scratchpad in which every operator runs unsplit \
      when elementwise operators may write over an input that dies there and splits and pads have \
      their outputs read in place.

      Examples:
        cosma budgets Models/resnet50.json
        cosma budgets Models/resnet50.json --weights external --alignment 1
        cosma budgets Models/resnet50.json --weights external --in-place on
      """)

  @Argument(help: ArgumentHelp("A cosma-graph JSON file or an ONNX model.", valueName: "graph"))
  var graphPath: String

  @OptionGroup var acceleratorOptions: AcceleratorOptions
  @OptionGroup var inPlaceOption: InPlaceOption
  @OptionGroup var graphOptions: GraphOptions

  @Option(help: ArgumentHelp("Seconds the minimum-peak ILP may take to prove M_P (0: only the list scheduler).", valueName: "seconds"))
  var timeLimit: Double = 10

  func validate() throws {
    try validateSeconds(timeLimit, zero: true)
  }

  func run() throws {
    try reportingErrors {
      let graph = try loadGraph(graphPath, graphOptions)
      let a = inPlaceOption.applied(to: try acceleratorOptions.accelerator())
      var b = COSMA.Budgets(graph: graph, alignment: a.alignment, weights: a.weights)
      if timeLimit > 0 && !b.mpIsExact {
        let exact = COSMA.Budgets.exactMinimumPeak(
          graph: graph, alignment: a.alignment, weights: a.weights, timeLimit: timeLimit, solver: defaultMILPSolver)
        b.mp = exact.peak
        b.mpLowerBound = exact.lowerBound
        b.mpSchedule = exact.schedule
        b.mh = max(b.mr, roundDown((b.mr + b.mp) / 2, to: a.alignment))
      }
      print("MR \(b.mr)")
      print("MH \(b.mh)")
      print("MP \(b.mp)")
      let mt = graph.smallestTiledScratchpad(weights: a.weights, alignment: a.alignment)
      print("MT \(mt.bytes)")
      let mi = a.inPlace ? graph.smallestInPlaceScratchpad(weights: a.weights, alignment: a.alignment) : nil
      if let mi { print("MI \(mi.bytes)") }
      note("\(graph.name), alignment \(a.alignment), weights \(a.weights.rawValue)")
      note("M_R \(formatBytes(b.mr)) (operator '\(graph[b.mrOperator].name)')")
      note("M_H \(formatBytes(b.mh))")
      if b.mpIsExact {
        note("M_P \(formatBytes(b.mp)) (exact)")
      } else {
        note("M_P \(formatBytes(b.mp)) (best found; proven at least \(formatBytes(b.mpLowerBound)))")
      }
      let split = graph.rowMap(of: mt.operator) != nil || graph.channelMap(of: mt.operator) != nil ? "split into tiles" : "which cannot be split"
      note("M_T \(formatBytes(mt.bytes)) (operator '\(graph[mt.operator].name)', \(split))")
      if let mi { note("M_I \(formatBytes(mi.bytes)) (operator '\(graph[mi.operator].name)', unsplit, with in-place memory)") }
    }
  }
}
