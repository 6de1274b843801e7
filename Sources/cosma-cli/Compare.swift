import ArgumentParser
import COSMA
import Foundation

/// One planner's verified result on one model, tier and weights mode.
struct EvaluationRow: Codable {
  var model: String
  var tier: String
  var weights: String
  var budgetBytes: Int
  var planner: String
  var method: String
  var status: String
  var nonCompulsoryBytes: Int
  var boundBytes: Int?
  var seconds: Double
  var cycles: Int?
  var verified: Bool
  var variables: Int?
  var rows: Int?
  /// Non-compulsory bytes of the best of the four baselines on the same instance.
  var bestBaselineBytes: Int = 0
  /// Why the instance has no result (status `failed`): the error, a crash or a timeout.
  var error: String? = nil
  /// Where the seconds went: the planner's stages in order, then the time outside them (tilings
  /// tried, verification). Work seconds under `--deterministic`, without the time outside.
  var stages: [StageTime]? = nil

  /// A row for an instance that produced no plan.
  static func failed(model: String, tier: String, weights: String, planner: String, error: String) -> EvaluationRow {
    EvaluationRow(
      model: model, tier: tier, weights: weights, budgetBytes: 0, planner: planner, method: "", status: "failed",
      nonCompulsoryBytes: 0, boundBytes: nil, seconds: 0, cycles: nil, verified: false, variables: nil, rows: nil,
      error: error)
  }

  var failed: Bool { error != nil }

  /// Reduction of non-compulsory traffic versus the best baseline, in percent (nil when the
  /// baseline moves nothing).
  var reduction: Double? {
    !failed && bestBaselineBytes > 0 ? 100 * Double(bestBaselineBytes - nonCompulsoryBytes) / Double(bestBaselineBytes) : nil
  }
  var gap: Double? {
    guard let b = boundBytes, !failed else { return nil }
    return nonCompulsoryBytes == 0 ? 0 : Double(nonCompulsoryBytes - b) / Double(nonCompulsoryBytes)
  }
  var proven: Bool { status == PlanStatus.optimal.rawValue }
}

/// One stage's share of an instance's seconds.
struct StageTime: Codable, Equatable {
  var stage: String
  var seconds: Double
}

/// The time outside the planner's stages, in ``EvaluationRow/stages``.
let outsideTheStages = "outside the stages"

/// Plans one instance with each planner; every plan is verified (by `plan(_:with:)`) and
/// simulated.
func evaluate(
  graph: Graph, model: String, tier: ScratchpadSize, weights: WeightsPlacement, planners: [PlannerKind], timeLimit: Double,
  inPlace: Bool = false, deterministic: Bool = false, seed: UInt64 = PlannerOptions.defaultSeed, plansDirectory: String? = nil,
  startPlans: inout [Plan]
) throws -> [EvaluationRow] {
  var accelerator = Accelerator(weights: weights)
  accelerator.inPlace = inPlace
  accelerator.scratchpad = tier
  // Below M_R every planner splits operators into tiles (the baselines as a simple
  // compiler does: the fewest tiles that fit).
  var rows: [EvaluationRow] = []
  for kind in planners {
    let started = Date()
    var options = PlannerOptions(timeLimit: timeLimit)
    options.deterministic = deterministic
    options.seed = seed
    // The optimizing planners' plans at the tiers already run (a plan that fits a smaller
    // scratchpad fits a larger one): a larger tier never gets a worse plan.
    options.startPlans = startPlans
    let tiled = try plan(graph: graph, accelerator: accelerator, planner: kind, options: options, tiling: .auto)
    if kind.isOptimizing, tiled.tiled == nil { startPlans.append(tiled.result.plan) }
    let seconds = Date().timeIntervalSince(started)
    let result = tiled.result
    let p = result.plan
    let cycles = try? p.simulate(graph: tiled.problem.graph).totalCycles
    if let plansDirectory, kind.isOptimizing {
      try p.write(to: "\(plansDirectory)/\(planFileName(model: model, tier: tier, weights: weights, planner: kind))", graph: tiled.problem.graph)
    }
    var stages = result.report.stages.map { StageTime(stage: $0.stage.rawValue, seconds: $0.seconds) }
    if !deterministic, !stages.isEmpty {
      stages.append(StageTime(stage: outsideTheStages, seconds: max(0, seconds - stages.reduce(0) { $0 + $1.seconds })))
    }
    rows.append(
      EvaluationRow(
        model: model, tier: tier.description, weights: weights.rawValue, budgetBytes: tiled.problem.capacity,
        planner: kind.rawValue, method: result.report.method, status: p.planner.status.rawValue,
        nonCompulsoryBytes: p.traffic.nonCompulsoryBytes, boundBytes: p.planner.boundBytes, seconds: seconds,
        cycles: cycles, verified: true,
        variables: p.planner.modelVariables, rows: p.planner.modelRows, stages: stages.isEmpty ? nil : stages))
  }
  let baselines = rows.filter { PlannerKind(name: $0.planner)?.isBaseline == true }.map(\.nonCompulsoryBytes)
  let best = try baselines.min()
    ?? plan(graph: graph, accelerator: accelerator, planner: .bestBaseline, tiling: .auto).result.plan.traffic.nonCompulsoryBytes
  for k in rows.indices { rows[k].bestBaselineBytes = best }
  return rows
}

/// Creates `path` (and its parents) for an option's files, or says why it cannot.
func createFolder(_ path: String, option: String) throws {
  do {
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  } catch {
    throw InputError(file: path, element: option, rule: "the folder cannot be created (a file is in the way, or no permission)")
  }
}

/// Where `--plans` writes an optimizing planner's plan: `MODEL.TIER.WEIGHTS.PLANNER.plan.json`.
func planFileName(model: String, tier: ScratchpadSize, weights: WeightsPlacement, planner: PlannerKind) -> String {
  "\(model).\(tier.description).\(weights.rawValue).\(planner.rawValue).plan.json"
}

/// The output formats of `compare` and `bench`.
enum TableFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json, csv, markdown
}

let csvHeader =
  "model,tier,weights,budget_bytes,planner,status,non_compulsory_bytes,bound_bytes,best_baseline_bytes,reduction_percent,gap_percent,seconds,cycles,verified,variables,rows,stage_seconds"

func csvLine(_ r: EvaluationRow) -> String {
  func opt<T>(_ v: T?) -> String { v.map { "\($0)" } ?? "" }
  return [
    r.model, r.tier, r.weights, "\(r.budgetBytes)", r.planner, r.status, r.failed ? "" : "\(r.nonCompulsoryBytes)", opt(r.boundBytes),
    "\(r.bestBaselineBytes)", opt(r.reduction.map { String(format: "%.1f", $0) }),
    opt(r.gap.map { String(format: "%.1f", $0 * 100) }), String(format: "%.3f", r.seconds), opt(r.cycles),
    "\(r.verified)", opt(r.variables), opt(r.rows),
    (r.stages ?? []).map { "\($0.stage) \(String(format: "%.2f", $0.seconds))" }.joined(separator: "; "),
  ].joined(separator: ",")
}

func markdownTable(_ rows: [EvaluationRow]) -> String {
  var out = "| model | tier | weights | budget B | planner | non-compulsory B | reduction vs best baseline | bound B | gap | status | s | cycles |\n"
  out += "| --- | --- | --- | ---: | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |\n"
  for r in rows {
    out += "| \(r.model) | \(r.tier) | \(r.weights) | \(groupThousands(r.budgetBytes)) | \(r.planner) | "
    out += "\(r.failed ? "–" : groupThousands(r.nonCompulsoryBytes)) | \(r.reduction.map { String(format: "%.1f%%", $0) } ?? "–") | "
    out += "\(r.boundBytes.map(groupThousands) ?? "–") | \(r.gap.map { String(format: "%.1f%%", $0 * 100) } ?? "–") | "
    out += "\(r.error.map { "failed: \(markdownCell($0))" } ?? r.status) | \(String(format: "%.2f", r.seconds)) | \(r.cycles.map(groupThousands) ?? "–") |\n"
  }
  return out
}

/// Text safe inside a Markdown table cell.
func markdownCell(_ s: String) -> String {
  String(s.prefix(200)).replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
}

/// The exit code of `compare` and `bench` when some instances failed (after writing the rest).
let someInstancesFailed = ExitCode(4)

/// Says on stderr which instances failed, after the results are out, and fails the command.
func reportFailures(_ rows: [EvaluationRow]) throws {
  var seen = Set<String>()
  let failures = rows.filter { $0.failed && seen.insert("\($0.model) \($0.tier) \($0.weights)").inserted }
  guard !failures.isEmpty else { return }
  note("error: \(failures.count) instance(s) failed; the other results are written")
  for f in failures.prefix(20) { note("  \(f.model) \(f.tier) \(f.weights): \(f.error ?? "")") }
  throw someInstancesFailed
}

func textTable(_ rows: [EvaluationRow]) -> String {
  let header = ["model", "tier", "weights", "planner", "non-compulsory B", "vs best", "bound B", "gap", "seconds", "cycles"]
  let cells = rows.map { r in
    [r.model, r.tier, r.weights, r.planner, r.failed ? "failed" : groupThousands(r.nonCompulsoryBytes),
     r.reduction.map { String(format: "%.1f%%", $0) } ?? "–", r.boundBytes.map(groupThousands) ?? "–",
     r.gap.map { String(format: "%.1f%%", $0 * 100) } ?? "–", String(format: "%.2f", r.seconds), r.cycles.map(groupThousands) ?? "–"]
  }
  let widths = header.indices.map { c in ([header] + cells).map { $0[c].count }.max()! }
  func line(_ row: [String]) -> String {
    row.enumerated().map { c, v in
      let pad = String(repeating: " ", count: widths[c] - v.count)
      return c < 4 ? v + pad : pad + v  // names left, numbers right
    }.joined(separator: "  ") + "\n"
  }
  return ([header] + cells).map(line).joined()
}

func jsonText(_ rows: [EvaluationRow]) throws -> String {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
  return String(decoding: try encoder.encode(rows), as: UTF8.self) + "\n"
}

func render(_ rows: [EvaluationRow], as format: TableFormat) throws -> String {
  switch format {
  case .text: return textTable(rows)
  case .json: return try jsonText(rows)
  case .csv: return ([csvHeader] + rows.map(csvLine)).joined(separator: "\n") + "\n"
  case .markdown: return markdownTable(rows)
  }
}


struct Compare: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run the baselines and COSMA's planners side by side on one graph.",
    discussion: """
      For each budget tier and weights mode, runs every planner, verifies and simulates each \
      plan, and prints one table: non-compulsory bytes, reduction versus the best of the four \
      baselines, the proven bound and gap, seconds and simulated cycles. Tiers run in the order \
      given, and each optimizing planner starts from the plans made at the earlier tiers of the \
      same weights mode (a plan that fits a smaller scratchpad fits a larger one): listed from \
      small to large (MR,MH,MP), the traffic never grows with the scratchpad.

      Examples:
        cosma compare Models/resnet50.json
        cosma compare Models/nasnetalarge.json --tiers MR,MH --planners auto --markdown
      """)

  @Argument(help: ArgumentHelp("A cosma-graph JSON file or an ONNX model.", valueName: "graph"))
  var graphPath: String

  @OptionGroup var graphOptions: GraphOptions

  @Option(help: ArgumentHelp("Budget tiers (MR, MH, MP) or sizes, comma-separated.", valueName: "list"))
  var tiers = CommaSeparated<ScratchpadSize>([.budget(.mr)])

  @Option(help: ArgumentHelp("Weights modes, comma-separated.", valueName: "list"))
  var weights = CommaSeparated<WeightsPlacement>(WeightsPlacement.allCases)

  @Option(help: ArgumentHelp("Planners, comma-separated (the four baselines are always run).", valueName: "list"))
  var planners = CommaSeparated<PlannerKind>([.auto])

  @Option(help: ArgumentHelp("Seconds each optimizing planner may take.", valueName: "seconds"))
  var timeLimit: Double = 60

  @Option(
    name: .customLong("in-place"),
    help: ArgumentHelp("Whether elementwise operators may write over a dying input (on) or not (off).", valueName: "mode"))
  var inPlace = InPlaceMode.off

  @Flag(help: "Count --time-limit in work instead of seconds: the same plans on any machine and under any load (see optimize --help).")
  var deterministic = false

  @Option(help: ArgumentHelp("Seed of the order search's random moves (see optimize --help).", valueName: "n"))
  var seed: UInt64 = PlannerOptions.defaultSeed

  @Option(help: ArgumentHelp("Output format.", valueName: "format"))
  var format: TableFormat = .text

  @Option(help: ArgumentHelp("Folder to write each optimizing planner's verified plan into, as MODEL.TIER.WEIGHTS.PLANNER.plan.json.", valueName: "dir"))
  var plans: String?

  @Flag(help: "Same as --format json.") var json = false
  @Flag(help: "Same as --format csv.") var csv = false
  @Flag(help: "Same as --format markdown.") var markdown = false

  func validate() throws {
    try validateSeconds(timeLimit)
  }

  var chosenFormat: TableFormat { json ? .json : csv ? .csv : markdown ? .markdown : format }

  /// The baselines first, then the requested planners.
  var plannerList: [PlannerKind] {
    var list = PlannerKind.baselines
    for p in planners.values where !list.contains(p) { list.append(p) }
    return list
  }

  func run() throws {
    try reportingErrors {
      let graph = try loadGraph(graphPath, graphOptions)
      if let plans { try createFolder(plans, option: "--plans") }
      var rows: [EvaluationRow] = []
      var startPlans: [WeightsPlacement: [Plan]] = [:]
      for t in tiers.values {
        for w in weights.values {
          do {
            rows += try evaluate(
              graph: graph, model: graph.name, tier: t, weights: w, planners: plannerList, timeLimit: timeLimit,
              inPlace: inPlace == .on, deterministic: deterministic, seed: seed, plansDirectory: plans, startPlans: &startPlans[w, default: []])
          } catch {
            // One instance that fails (a budget below M_R, a planner bug) loses only itself.
            rows += plannerList.map {
              .failed(model: graph.name, tier: t.description, weights: w.rawValue, planner: $0.rawValue, error: "\(error)")
            }
          }
        }
      }
      print(try render(rows, as: chosenFormat), terminator: "")
      try reportFailures(rows)
    }
  }
}
