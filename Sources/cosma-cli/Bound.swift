import ArgumentParser
import Foundation
import COSMA

struct Bound: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Prove a lower bound on the non-compulsory traffic of every plan.",
    discussion: """
      Three bounds, whatever the order. The order-free bound, the best of three arguments: \
      activations live across an operator in every order, with its working set, beyond the \
      capacity must be spilled; an activation read by several operators, each of whose \
      outputs goes to an operator that leaves no room for it and fits beside no other reader, is \
      reloaded between two reads (or that output spilled), and stored once; and of operators \
      that leave no room for anything written below one another (a transformer's weight \
      splits), each but the last finds a tensor written since the one before live, which is \
      stored and reloaded, and a tensor read beside their outputs (the encoder's output) is \
      reloaded between two reads and before the first. The step cover bound: at each step of \
      an order, the live tensors beyond the capacity must be out, and the cheapest set of them \
      to move is a lower bound; a depth-first search over the orders finds, level by level, a \
      cost that no order avoids at some step (it stops on --time-limit with the levels proven); \
      searched again with the tensors the fan reload bound counts free, it adds to that bound. \
      The waiting bound: in every order of the few operators that leave the least room, each \
      finds a tensor of every branch begun before it and joined after it live, and stored and \
      reloaded when it has no room; the least set of tensors meeting every such demand, each \
      paid once, over the orders (searched again with the fans' reloads between their readers \
      as demands too). The region bound: \
      the operators are split into disjoint regions, each solved exactly (CBC) keeping the order \
      its operators have through the rest of the graph, and the regions' optima (or CBC's bounds \
      on them) add up. A tensor crossing regions is charged by one of them (the one with most of \
      its readers): there its first load stands for its arrival and a reload costs a load and, \
      for an activation, a store; elsewhere it moves for free. Two splits are tried and the \
      better kept: the fans of the activations read by several operators (the producer, the \
      readers, and the readers' successors that leave no room for the activation) with windows \
      of at most --region-size consecutive operators of the minimum-peak schedule over the rest, \
      and windows alone. A region on which CBC proves nothing in its share of the time is split \
      in two (a region it bounds without solving keeps that bound). Regions identical but for \
      their names (a transformer's repeated layers) are solved once. \
      --region replaces the automatic regions with your own. Prints the largest bound in bytes on \
      stdout.

      Examples:
        cosma bound Models/nasnetalarge.json --scratchpad MR --weights external
        cosma bound Models/vit_b_16.json --scratchpad MR --weights external -v
        cosma bound Models/pnasnet5large.json --scratchpad MH --region-size 24 --time-limit 300
        cosma bound Models/nasnetalarge.json --scratchpad MR --region conv2d,relu,relu_2,pad_1
      """)

  @Argument(help: ArgumentHelp("A cosma-graph JSON file or an ONNX model.", valueName: "graph"))
  var graphPath: String

  @OptionGroup var acceleratorOptions: AcceleratorOptions
  @OptionGroup var inPlaceOption: InPlaceOption
  @OptionGroup var graphOptions: GraphOptions

  @Option(help: ArgumentHelp("Operators per region.", valueName: "n"))
  var regionSize: Int = 32

  @Option(help: ArgumentHelp("Seconds for the step cover search, and again for all the regions' ILPs together.", valueName: "seconds"))
  var timeLimit: Double = 120

  @Option(name: .customLong("region"), help: ArgumentHelp("A region of your own: operator names separated by commas (repeatable); replaces the automatic regions.", valueName: "ops"))
  var regions: [String] = []

  @Flag(help: "Count --time-limit in work (solver nodes and iterations) instead of seconds: the same bound on any machine and under any load.")
  var deterministic = false

  @Flag(name: .shortAndLong, help: "Print every region's bound on stderr.")
  var verbose = false

  func validate() throws {
    if regionSize < 2 { throw ValidationError("--region-size must be at least 2") }
    try validateSeconds(timeLimit)
  }

  func run() throws {
    try reportingErrors {
      let graph = try loadGraph(graphPath, graphOptions)
      let problem = try PlanningProblem(graph: graph, accelerator: inPlaceOption.applied(to: try acceleratorOptions.accelerator()))
      let start = Date()
      let (spill, fans, full) = (problem.spillLowerBound, problem.fanReloadBound, problem.fullOperatorBound)
      let chained = problem.fanReloadsWithFullOperators
      let orderFree = max(spill, chained, full)
      let stepStart = Date()
      let limit = timeLimit
      let steps =
        deterministic
        ? problem.stepCoverBound(
          maxSteps: Int(min(limit * WorkRates().stepCoverStepsPerSecond, Double(Int.max / 2))), orders: [problem.budgets.mpSchedule])
        : problem.stepCoverBound(orders: [problem.budgets.mpSchedule], shouldStop: { Date().timeIntervalSince(stepStart) > limit })
      let stepSeconds = Date().timeIntervalSince(stepStart)
      let fanStart = Date()
      let fanSteps =
        deterministic
        ? problem.fanReloadsWithStepCover(
          maxSteps: Int(min(limit * WorkRates().stepCoverStepsPerSecond, Double(Int.max / 2))), orders: [problem.budgets.mpSchedule])
        : problem.fanReloadsWithStepCover(
          orders: [problem.budgets.mpSchedule], shouldStop: { Date().timeIntervalSince(fanStart) > limit })
      let fanSeconds = Date().timeIntervalSince(fanStart)
      let waitStart = Date()
      let waitStop = { Date().timeIntervalSince(waitStart) > limit }
      let waiting = deterministic ? problem.waitingBound() : problem.waitingBound(maxNodes: .max, shouldStop: waitStop)
      let fanWaiting = deterministic ? problem.fanReloadsWithWaiting() : problem.fanReloadsWithWaiting(maxNodes: .max, shouldStop: waitStop)
      let waitSeconds = Date().timeIntervalSince(waitStart)
      let progress: (@Sendable (RegionBound.Progress) -> Void)? = verbose ? { @Sendable event in note(event.description) } : nil
      let regions: RegionBound
      if self.regions.isEmpty {
        regions = problem.regionLowerBound(
          regionSize: regionSize, timeLimit: timeLimit, solver: defaultMILPSolver, deterministic: deterministic,
          progress: progress)
      } else {
        let sets = try self.regions.map { list in
          try list.split(separator: ",").map { name in
            guard let o = graph.operator(named: String(name)) else {
              throw InputError(file: "--region", element: "operator '\(name)'", rule: "the graph has no such operator")
            }
            return o
          }
        }
        regions = problem.regionLowerBound(
          regions: sets, timeLimit: timeLimit, solver: defaultMILPSolver, deterministic: deterministic, progress: progress)
      }
      let seconds = Date().timeIntervalSince(start)
      print(max(orderFree, steps.bytes, fanSteps?.bytes ?? 0, waiting.bytes, fanWaiting?.bytes ?? 0, regions.bytes))
      note("\(graph.name), capacity \(formatBytes(problem.capacity)), weights \(problem.weights.rawValue)\(problem.accelerator.inPlace ? ", in place" : "")")
      note("order-free bound  \(groupThousands(orderFree)) B (spill \(groupThousands(spill)) B, fan reload \(groupThousands(fans)) B\(chained > fans ? " (\(groupThousands(chained)) B with full operators)" : ""), full operators \(groupThousands(full)) B)")
      note("step cover bound  \(groupThousands(steps.bytes)) B (\(steps.levels) levels, \(groupThousands(steps.states)) sets of operators, \(groupThousands(steps.steps)) steps, \(String(format: "%.2f", stepSeconds)) s\(steps.isExact ? "" : ", stopped"))")
      if let f = fanSteps {
        note("fans with steps   \(groupThousands(f.bytes)) B (fan reload \(groupThousands(f.bytes - f.steps.bytes)) B, step cover with the fans' tensors free \(groupThousands(f.steps.bytes)) B: \(f.steps.levels) levels, \(groupThousands(f.steps.states)) sets of operators, \(String(format: "%.2f", fanSeconds)) s\(f.steps.isExact ? "" : ", stopped"))")
      }
      func searched(_ w: WaitingBound) -> String {
        "\(w.operators) operators, \(groupThousands(w.nodes)) orders\(w.isComplete ? "" : ", stopped")"
      }
      note("waiting bound     \(groupThousands(waiting.bytes)) B (\(searched(waiting)); \(String(format: "%.2f", waitSeconds)) s with the next)")
      if let f = fanWaiting {
        note("fans with waiting \(groupThousands(f.bytes)) B (the fans' reloads and what waits across the full operators, in one search: \(searched(f.waiting)))")
      }
      let exact = regions.regions.filter(\.isExact).count
      note("region bound      \(groupThousands(regions.bytes)) B (\(regions.regions.count) regions, \(exact) solved exactly\(regions.isComplete ? "" : ", stopped by the time limit"))")
      note("time              \(String(format: "%.1f", seconds)) s")
    }
  }
}
