import ArgumentParser
import COSMA

struct Verify: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check a plan against a graph and list every violation.",
    discussion: """
      Replays the plan's events on an abstract scratchpad and reports every violation of the \
      schedule, residency, space, data and accounting rules, one per line on stdout. By default \
      the plan is checked against the accelerator settings it records; the options below check \
      it against other settings. Exits 0 when the plan is valid, 1 when it is not.

      Examples:
        cosma verify Models/resnet50.json resnet50.plan.json
        cosma verify Models/resnet50.json resnet50.plan.json --scratchpad 1MiB

      A plan made below M_R is for a tiled graph, which the plan file carries: given the \
      original graph, verify also checks that the tiled graph is a faithful decomposition of it \
      (slices partition tensors, tiles partition operators and read their halos, MACs add up); \
      given the tiled graph (optimize --emit-graph), it checks the decomposition on its own.
      """)

  @Argument(help: ArgumentHelp("A cosma-graph JSON file or an ONNX model.", valueName: "graph"))
  var graphPath: String

  @Argument(help: ArgumentHelp("A cosma-plan JSON file.", valueName: "plan"))
  var planPath: String

  @OptionGroup var acceleratorOptions: AcceleratorOptions
  @OptionGroup var graphOptions: GraphOptions

  func run() throws {
    var valid = true
    try reportingErrors {
      let given = try loadGraph(graphPath, graphOptions)
      let data = try Plan.fileData(planPath)
      // A plan for a tiled graph carries it: checked against the original given here, or the
      // tiled graph given directly is checked on its own.
      var graph = given
      var decomposition: [Violation] = []
      if let tiled = try Plan.embeddedGraph(in: data, origin: planPath), !given.isTiled {
        decomposition = Verifier(graph: tiled).decompositionViolations(original: given)
        graph = tiled
      } else if given.isTiled {
        decomposition = Verifier(graph: given).decompositionViolations()
      }
      let plan = try Plan(jsonData: data, graph: graph, origin: planPath)
      var accelerator = plan.accelerator
      let o = acceleratorOptions
      if o.acceleratorFile != nil || o.scratchpad != nil || o.alignment != nil || o.weights != nil {
        var overridden = try o.accelerator()
        if o.acceleratorFile == nil && o.scratchpad == nil { overridden.scratchpad = accelerator.scratchpad }
        if case .budget = overridden.scratchpad {
          let problem = try PlanningProblem(graph: graph, accelerator: overridden)
          overridden = problem.accelerator
        }
        accelerator = overridden
      }
      let violations = decomposition + Verifier(graph: graph).violations(of: plan, accelerator: accelerator)
      for v in violations { print(v) }
      if violations.isEmpty {
        note("valid: \(plan.events.count) events, non-compulsory traffic \(formatBytes(plan.traffic.nonCompulsoryBytes))")
      } else {
        note("invalid: \(violations.count) violation(s)")
        valid = false
      }
    }
    if !valid { throw Exit.invalidPlan }
  }
}
