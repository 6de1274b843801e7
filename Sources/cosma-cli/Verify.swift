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
      let graph = try loadGraph(planPathGraph(), graphOptions)
      let plan = try Plan(contentsOf: planPath, graph: graph)
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
      let violations = Verifier(graph: graph).violations(of: plan, accelerator: accelerator)
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

  private func planPathGraph() -> String { graphPath }
}
