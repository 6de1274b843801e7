import ArgumentParser
import COSMA
import Foundation

struct Optimize: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Plan a graph for an accelerator and write the verified plan.",
    discussion: """
      Prints a summary on stderr: planner, total / compulsory / non-compulsory bytes, peak \
      scratchpad occupancy and planning time. The plan is written only after the verifier \
      accepted it.

      Planners: \(PlannerRegistry.names.joined(separator: ", ")).

      Examples:
        cosma optimize Models/resnet50.json --scratchpad MR -o resnet50.plan.json
        cosma optimize Models/mobilenet_v2.json --scratchpad 512KiB --weights external
        cosma optimize Models/vit_b_16.json --accelerator npu.json --planner minpeak-greedy
      """)

  @Argument(help: ArgumentHelp("A cosma-graph JSON file or an ONNX model.", valueName: "graph"))
  var graphPath: String

  @OptionGroup var acceleratorOptions: AcceleratorOptions
  @OptionGroup var graphOptions: GraphOptions

  @Option(help: ArgumentHelp("The planner: auto (the joint ILP when the model is small enough, divide and conquer otherwise), ilp, divide-and-conquer, best-baseline, or one baseline.", valueName: "name"))
  var planner: String = "auto"

  @Option(help: ArgumentHelp("Seconds the optimal planner may take; on the limit it returns its best verified plan with a bound.", valueName: "seconds"))
  var timeLimit: Double = 60

  @Option(help: ArgumentHelp("Stop the optimal planner once its plan is within this relative gap of the bound (0 proves optimality).", valueName: "fraction"))
  var gap: Double = 0

  @Option(help: ArgumentHelp("Write the optimal planner's ILP in LP format to this file.", valueName: "file"))
  var dumpLp: String?

  @Flag(name: .shortAndLong, help: "Print the optimal planner's progress on stderr.")
  var verbose = false

  @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the plan.", valueName: "plan"))
  var output: String?

  func validate() throws {
    if timeLimit <= 0 { throw ValidationError("--time-limit must be positive") }
    if gap < 0 || gap >= 1 { throw ValidationError("--gap must be in [0, 1)") }
    guard PlannerRegistry.planner(named: planner) != nil else {
      throw ValidationError(
        "unknown planner '\(planner)'; choose one of \(PlannerRegistry.names.joined(separator: ", "))")
    }
  }

  func run() throws {
    try reportingErrors {
      let graph = try loadGraph(graphPath, graphOptions)
      let problem = try PlanningProblem(graph: graph, accelerator: acceleratorOptions.accelerator())
      var ilp = IlpOptions(timeLimit: timeLimit, relativeGap: gap)
      ilp.lpPath = dumpLp
      if verbose || timeLimit > 10 {
        let started = Date()
        let verbose = verbose
        ilp.progress = { line in
          if verbose { note(String(format: "[%6.1f s] ", Date().timeIntervalSince(started)) + line) }
        }
      }
      let result = try COSMA.plan(problem, with: PlannerRegistry.planner(named: planner, ilp: ilp)!)
      let plan = result.plan
      if let output { try plan.write(to: output, graph: graph) }
      note("planner          \(plan.planner.method) (\(plan.planner.status.rawValue))")
      note("graph            \(graph.name): \(graph.operators.count) operators, \(graph.tensors.count) tensors")
      note("scratchpad       \(formatBytes(problem.capacity)), alignment \(problem.alignment), weights \(problem.weights.rawValue)")
      note("total traffic    \(formatBytes(plan.traffic.totalBytes))")
      note("compulsory       \(formatBytes(plan.traffic.compulsoryBytes))")
      note("non-compulsory   \(formatBytes(plan.traffic.nonCompulsoryBytes))")
      if let b = plan.planner.boundBytes, plan.planner.status != .optimal {
        let gap = plan.planner.relativeGap.map { String(format: "%.1f%%", $0 * 100) } ?? "-"
        note("lower bound      \(formatBytes(b)) (gap \(gap))")
      }
      if let v = plan.planner.modelVariables, let r = plan.planner.modelRows {
        note("ILP              \(groupThousands(v)) variables, \(groupThousands(r)) rows, \(plan.planner.solves ?? 1) solve(s)")
      }
      note("peak occupancy   \(formatBytes(result.peakOccupancy))")
      note("time             \(formatSeconds(plan.planner.seconds))")
      note("verified         yes (\(plan.events.count) events)")
      reportSimulation(try plan.simulate(graph: graph))
      if let output { note("plan written to  \(output)") }
    }
  }
}
