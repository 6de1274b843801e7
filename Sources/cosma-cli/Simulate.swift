import ArgumentParser
import AcceleratorSim
import COSMA
import Foundation

struct Simulate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Replay a plan on the cycle-approximate accelerator model.",
    discussion: """
      Runs the plan's events on two concurrent engines, DMA and compute, with the hazards of \
      SPEC §6, and prints cycles, engine utilisation, stalls by cause, traffic and peak \
      occupancy on stderr. The simulator checks the plan independently of `cosma verify` and \
      exits 1 at the first event that breaks a rule.

      By default the machine is the one the plan records; --accelerator (a file or a preset: \
      edge-npu, datacenter) replaces its timing figures, while the scratchpad, alignment and \
      weights placement stay the plan's unless given explicitly.

      Examples:
        cosma simulate Models/resnet50.json resnet50.plan.json
        cosma simulate Models/resnet50.json resnet50.plan.json --trace trace.json --svg occupancy.svg
        cosma simulate Models/resnet50.json resnet50.plan.json --accelerator datacenter

      Open the trace in https://ui.perfetto.dev or chrome://tracing; the SVG in a browser.
      """)

  @Argument(help: ArgumentHelp("A cosma-graph JSON file or an ONNX model.", valueName: "graph"))
  var graphPath: String

  @Argument(help: ArgumentHelp("A cosma-plan JSON file.", valueName: "plan"))
  var planPath: String

  @OptionGroup var acceleratorOptions: AcceleratorOptions
  @OptionGroup var graphOptions: GraphOptions

  @Option(help: ArgumentHelp("Write a Chrome trace (DMA and compute tracks) here.", valueName: "file"))
  var trace: String?

  @Option(help: ArgumentHelp("Write an SVG picture of scratchpad occupancy over time here.", valueName: "file"))
  var svg: String?

  func run() throws {
    try reportingErrors {
      let given = try loadGraph(graphPath, graphOptions)
      let data = try Plan.fileData(planPath)
      // A plan made below M_R is for the tiled graph it carries; the verifier checks that graph
      // against the one given before anything is replayed.
      var graph = given
      if let tiled = try Plan.embeddedGraph(in: data, origin: planPath), !given.isTiled {
        if let wrong = Verifier(graph: tiled).decompositionViolations(original: given).first {
          throw InputError(file: planPath, element: "tiledGraph", rule: "not a decomposition of '\(given.name)': \(wrong.message)")
        }
        graph = tiled
      }
      let plan = try Plan(jsonData: data, graph: graph, origin: planPath)
      var machine = plan.accelerator
      let o = acceleratorOptions
      if o.acceleratorFile != nil {
        let chosen = try o.accelerator()
        machine.name = chosen.name
        machine.dmaBytesPerCycle = chosen.dmaBytesPerCycle
        machine.dmaSetupCycles = chosen.dmaSetupCycles
        machine.macsPerCycle = chosen.macsPerCycle
        machine.vectorElementsPerCycle = chosen.vectorElementsPerCycle
        machine.clockMHz = chosen.clockMHz
      }
      if o.scratchpad != nil || o.alignment != nil || o.weights != nil {
        var overridden = try o.accelerator()
        if o.scratchpad == nil { overridden.scratchpad = machine.scratchpad }
        if o.alignment == nil { overridden.alignment = machine.alignment }
        if o.weights == nil { overridden.weights = machine.weights }
        if case .budget = overridden.scratchpad {
          overridden = try PlanningProblem(graph: graph, accelerator: overridden).accelerator
        }
        machine.scratchpad = overridden.scratchpad
        machine.alignment = overridden.alignment
        machine.weights = overridden.weights
      }
      let started = Date()
      let program = try plan.simulationProgram(graph: graph, accelerator: machine)
      let result = try Simulator(program).run()
      let elapsed = Date().timeIntervalSince(started)
      note("graph            \(graph.name): \(plan.events.count) events on \(machine.name)")
      reportSimulation(result)
      note("traffic          \(formatBytes(result.totalBytes)) (compulsory \(formatBytes(result.compulsoryBytes)), non-compulsory \(formatBytes(result.nonCompulsoryBytes)))")
      note("peak occupancy   \(formatBytes(result.peakOccupancyBytes)) of \(formatBytes(program.machine.scratchpadBytes))")
      note("simulated in     \(formatSeconds(elapsed))")
      let title = "\(graph.name) · \(plan.planner.method) · \(formatBytes(program.machine.scratchpadBytes)) scratchpad"
      if let trace {
        try writeTextFile(result.chromeTrace(title: title), to: trace)
        note("trace written to \(trace)")
      }
      if let svg {
        try writeTextFile(result.occupancySVG(program: program, title: title), to: svg)
        note("SVG written to   \(svg)")
      }
    }
  }
}

