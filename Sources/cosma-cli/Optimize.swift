import ArgumentParser
import COSMA
import Foundation

struct Optimize: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Plan a graph for an accelerator and write the verified plan.",
    discussion: """
      Prints a summary on stderr: planner, total / compulsory / non-compulsory bytes, peak \
      scratchpad occupancy, planning time and the simulator's figures. The plan is written only \
      after the verifier accepted it and the simulator replayed it.

      Planners:
      \(PlannerKind.allCases.map { "  \($0.rawValue.padding(toLength: 20, withPad: " ", startingAt: 0))\($0.summary)" }.joined(separator: "\n"))

      Examples:
        cosma optimize Models/resnet50.json --scratchpad MR -o resnet50.plan.json
        cosma optimize Models/mobilenet_v2.json --scratchpad 512KiB --weights external
        cosma optimize Models/vit_b_16.json --accelerator npu.json --planner minpeak-greedy
      """)

  @Argument(help: ArgumentHelp("A cosma-graph JSON file or an ONNX model.", valueName: "graph"))
  var graphPath: String

  @OptionGroup var acceleratorOptions: AcceleratorOptions
  @OptionGroup var inPlaceOption: InPlaceOption
  @OptionGroup var graphOptions: GraphOptions

  @Option(help: ArgumentHelp("The planner (see below).", valueName: "name"))
  var planner: PlannerKind = .auto

  @Option(help: ArgumentHelp("Seconds the optimal planner may take; on the limit it returns its best verified plan with a bound.", valueName: "seconds"))
  var timeLimit: Double = 60

  @Option(help: ArgumentHelp("Stop the optimal planner once its plan is within this relative gap of the bound (0 proves optimality).", valueName: "fraction"))
  var gap: Double = 0

  @Flag(help: "Count --time-limit in work (solver nodes and iterations, search nodes, moves) instead of seconds: the same plan, byte for byte, on any machine and under any load; the wall-clock time varies.")
  var deterministic = false

  @Option(help: ArgumentHelp("Seed of the order search's random moves (divide and conquer, on large graphs): with --deterministic the same seed gives the same plan; another seed is another draw of the search.", valueName: "n"))
  var seed: UInt64 = PlannerOptions.defaultSeed

  @Option(
    help: ArgumentHelp(
      "Below M_R, split operators into row or channel tiles, grids of both, and partial sums (auto) or refuse (off); always: also try tiles at or above M_R with the time left, keeping them only when they move less.",
      valueName: "mode"))
  var tiling: TilingMode = .auto

  @Option(help: ArgumentHelp("Write the graph the plan is for (the tiled graph when operators were split) to this file.", valueName: "file"))
  var emitGraph: String?

  @Option(help: ArgumentHelp("Write the free-order ILP in LP format to this file, whichever path the planner takes.", valueName: "file"))
  var dumpLp: String?

  @Flag(name: .shortAndLong, help: "Print the optimal planner's progress on stderr.")
  var verbose = false

  @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the plan.", valueName: "plan"))
  var output: String?

  func validate() throws {
    try validateSeconds(timeLimit)
    if !(gap >= 0 && gap < 1) { throw ValidationError("--gap must be in [0, 1)") }
  }

  func run() throws {
    try reportingErrors {
      let original = try loadGraph(graphPath, graphOptions)
      var options = PlannerOptions(timeLimit: timeLimit, relativeGap: gap)
      options.deterministic = deterministic
      options.seed = seed
      options.lpPath = dumpLp
      let wall = Date()
      if verbose {
        let started = Date()
        options.progress = { event in
          note(String(format: "[%6.1f s] ", Date().timeIntervalSince(started)) + event.description)
        }
      }
      if dumpLp != nil && !planner.isOptimizing {
        note("no LP written: the \(planner.rawValue) planner builds no ILP (use --planner auto, ilp or divide-and-conquer)")
      }
      let tiledResult = try COSMA.plan(
        graph: original, accelerator: inPlaceOption.applied(to: acceleratorOptions.accelerator()), planner: planner, options: options, tiling: tiling)
      let result = tiledResult.result
      let problem = tiledResult.problem
      let graph = problem.graph
      let plan = result.plan
      let report = result.report
      if let dumpLp, planner.isOptimizing, report.modelFile == nil {
        throw InputError(file: dumpLp, element: "--dump-lp", rule: "the model cannot be written there")
      }
      let simulation = try plan.simulate(graph: graph)
      note("planner          \(report.method) (\(plan.planner.status.rawValue))")
      note("graph            \(original.name): \(original.operators.count) operators, \(original.tensors.count) tensors")
      if let tiled = tiledResult.tiled {
        note(
          "tiling           \(tiled.tiling.summary)"
            + (tiled.dissolvedConcatenations > 0 ? ", \(tiled.dissolvedConcatenations) concatenations dissolved" : "")
            + ": \(graph.operators.count) operators, "
            + "\(graph.tensors.count) tensors (M_R = \(formatBytes(COSMA.Budgets(graph: original, alignment: problem.alignment, weights: problem.weights).mr)))")
        for c in tiledResult.candidates {
          let outcome = c.nonCompulsoryBytes.map { "non-compulsory \(formatBytes($0))" } ?? "failed: \(c.failure ?? "-")"
          let aligned = c.rowsAligned ? ", row tiles lined up" : ""
          note(
            "  tried          \(c.splitOperators) split into \(c.operators) operators (working sets above "
              + "\(formatBytes(c.targetBytes))\(aligned)): \(outcome)")
        }
      }
      note("scratchpad       \(formatBytes(problem.capacity)), alignment \(problem.alignment), weights \(problem.weights.rawValue)\(problem.accelerator.inPlace ? ", in place" : "")")
      note("total traffic    \(formatBytes(plan.traffic.totalBytes))")
      note("compulsory       \(formatBytes(plan.traffic.compulsoryBytes))")
      note("non-compulsory   \(formatBytes(plan.traffic.nonCompulsoryBytes))")
      if problem.weights == .scratchpad, plan.traffic.nonCompulsoryBytes > 0 {
        let w = plan.nonCompulsoryWeightBytes(graph: graph)
        note("  activations    \(formatBytes(plan.traffic.nonCompulsoryBytes - w))")
        note("  weights        \(formatBytes(w))")
      }
      if let b = report.boundBytes, report.termination != .optimal, report.termination != .heuristic {
        let gap = report.relativeGap.map { String(format: "%.1f%%", $0 * 100) } ?? "-"
        note("lower bound      \(formatBytes(b)) (gap \(gap); \(report.termination.rawValue))")
      }
      if let v = report.modelVariables, let r = report.modelRows {
        note("ILP              \(groupThousands(v)) variables, \(groupThousands(r)) rows, \(report.solves) solve(s)")
      }
      note("peak occupancy   \(formatBytes(result.peakOccupancy))")
      if report.deterministic {
        note("time             \(formatSeconds(report.seconds)) of work (deterministic; \(formatSeconds(Date().timeIntervalSince(wall))) wall-clock)")
      } else {
        note("time             \(formatSeconds(report.seconds))")
      }
      for n in report.notes { note("note             \(n)") }
      note("verified         yes (\(plan.events.count) events)")
      reportSimulation(simulation)
      if let output {
        try plan.write(to: output, graph: graph)
        note("plan written to  \(output)")
      }
      if let emitGraph {
        try writeTextFile(graph.jsonValue().serialized(), to: emitGraph)
        note("graph written to \(emitGraph)")
      }
      if let file = report.modelFile { note("LP written to    \(file)") }
    }
  }
}
