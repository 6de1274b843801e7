import ArgumentParser
import COSMA
import Foundation

struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run the evaluation: every model × tier × weights mode × planner, verified and simulated.",
    discussion: """
      Each model × tier × weights instance runs as its own `cosma compare` process (CBC cannot \
      solve concurrently in one process), up to --jobs at a time, with a progress line on stderr. \
      Writes bench.json, bench.csv, bench.md (the table and the per-planner summary) and two \
      figures, traffic.svg (non-compulsory bytes per model, log scale) and solve-time.svg.

      Examples:
        cosma bench Models --tiers MR,MH,MP --jobs 2 -o bench
        cosma bench Models/resnet18.json Models/squeezenet1_1.json --tiers MR --time-limit 10
      """)

  @Argument(help: ArgumentHelp("Model files or folders of them (default: Models).", valueName: "models"))
  var inputs: [String] = ["Models"]

  @Option(help: ArgumentHelp("Budget tiers (MR, MH, MP) or sizes, comma-separated.", valueName: "list"))
  var tiers = CommaSeparated<ScratchpadSize>(BudgetTier.allCases.map { .budget($0) })

  @Option(help: ArgumentHelp("Weights modes, comma-separated.", valueName: "list"))
  var weights = CommaSeparated<WeightsPlacement>(WeightsPlacement.allCases)

  @Option(help: ArgumentHelp("Planners besides the four baselines, comma-separated.", valueName: "list"))
  var planners = CommaSeparated<PlannerKind>([.auto])

  @Option(help: ArgumentHelp("Seconds each optimizing planner may take per instance.", valueName: "seconds"))
  var timeLimit: Double = 60

  @Option(
    name: .customLong("in-place"),
    help: ArgumentHelp(
      "Whether operators may use in-place memory (on) or not (off): elementwise writes over a dying input, concatenations and splits in place.",
      valueName: "mode"))
  var inPlace = InPlaceMode.off

  @Flag(help: "Count --time-limit in work instead of seconds: the same results on any machine, under any load and with any --jobs (see optimize --help).")
  var deterministic = false

  @Option(help: ArgumentHelp("Seed of the order search's random moves (see optimize --help).", valueName: "n"))
  var seed: UInt64 = PlannerOptions.defaultSeed

  @Option(help: ArgumentHelp("Instances solved at once, each in its own process.", valueName: "n"))
  var jobs: Int = 1

  @Option(name: .shortAndLong, help: ArgumentHelp("Folder for the results.", valueName: "dir"))
  var output: String = "bench"

  @Option(help: ArgumentHelp("Folder to write each optimizing planner's verified plan into, as MODEL.TIER.WEIGHTS.PLANNER.plan.json (two --deterministic runs give the same files).", valueName: "dir"))
  var plans: String?

  @Option(help: ArgumentHelp("Models to leave out, comma-separated names.", valueName: "list"))
  var exclude: String = ""

  func validate() throws {
    if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    try validateSeconds(timeLimit)
  }

  func modelFiles() throws -> [String] {
    var files: [String] = []
    let skip = Set(exclude.split(separator: ",").map(String.init))
    for input in inputs {
      var isDir: ObjCBool = false
      guard FileManager.default.fileExists(atPath: input, isDirectory: &isDir) else {
        throw InputError(file: input, element: "file", rule: "does not exist")
      }
      if isDir.boolValue {
        let names = try FileManager.default.contentsOfDirectory(atPath: input).sorted()
        files += names.filter { $0.hasSuffix(".json") || $0.hasSuffix(".onnx") }.map { "\(input)/\($0)" }
      } else {
        files.append(input)
      }
    }
    return files.filter { !skip.contains(URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent) }
  }

  func run() throws {
    try reportingErrors {
      let files = try modelFiles()
      var tasks: [[String]] = []
      // One process per model and weights mode runs every tier in the order given, so that each
      // tier starts from the plans of the earlier ones (see compare --help).
      for f in files {
        for w in weights.values {
          tasks.append([
            "compare", f, "--tiers", tiers.defaultValueDescription, "--weights", w.rawValue, "--planners",
            planners.defaultValueDescription, "--time-limit", "\(timeLimit)", "--in-place", inPlace.rawValue, "--json",
          ] + (deterministic ? ["--deterministic"] : []) + (seed != PlannerOptions.defaultSeed ? ["--seed", "\(seed)"] : [])
            + (plans.map { ["--plans", $0] } ?? []))
        }
      }
      // The folder first: an evaluation whose results cannot be written is not started.
      try createFolder(output, option: "-o")
      if let plans { try createFolder(plans, option: "--plans") }
      let started = Date()
      // Rows by model, tier, weights mode, as the tables read (the processes ran by model and mode).
      let unordered = try runAll(tasks, started: started)
      let tierOrder = tiers.values.map(\.description)
      let weightsOrder = weights.values.map(\.rawValue)
      var modelOrder: [String: Int] = [:]
      for r in unordered where modelOrder[r.model] == nil { modelOrder[r.model] = modelOrder.count }
      let rows = unordered.enumerated().sorted { a, b in
        func key(_ e: (offset: Int, element: EvaluationRow)) -> [Int] {
          [modelOrder[e.element.model] ?? 0, tierOrder.firstIndex(of: e.element.tier) ?? 0,
           weightsOrder.firstIndex(of: e.element.weights) ?? 0, e.offset]
        }
        return key(a).lexicographicallyPrecedes(key(b))
      }.map(\.element)
      try writeTextFile(try render(rows, as: .json), to: "\(output)/bench.json")
      try writeTextFile(try render(rows, as: .csv), to: "\(output)/bench.csv")
      let seconds = Date().timeIntervalSince(started)
      try writeTextFile(report(rows, seconds: seconds), to: "\(output)/bench.md")
      try writeTextFile(trafficFigure(rows), to: "\(output)/traffic.svg")
      try writeTextFile(timeFigure(rows), to: "\(output)/solve-time.svg")
      note("")
      note(summary(rows))
      note("written to       \(output)/bench.{json,csv,md}, traffic.svg, solve-time.svg (\(formatSeconds(seconds)))")
      try reportFailures(rows)
    }
  }

  /// Runs the `compare` processes, `jobs` at a time.
  func runAll(_ tasks: [[String]], started: Date) throws -> [EvaluationRow] {
    let executable = URL(fileURLWithPath: CommandLine.arguments[0]).path
    var results = [[EvaluationRow]?](repeating: nil, count: tasks.count)
    var running: [(Int, Process, Pipe, Pipe)] = []
    var startedAt: [Int: Date] = [:]
    // An instance runs its optimizing planners one after the other, each within the limit; one
    // that takes three times as long (plus two minutes for loading and simulating) is stopped.
    let optimizing = planners.values.filter(\.isOptimizing).count
    // A work second may take longer than a wall-clock second (README "Deterministic mode").
    let watchdog = (deterministic ? 6 : 3) * timeLimit * Double(max(1, optimizing) * tiers.values.count) + 120
    var next = 0
    var done = 0
    func progress() {
      let elapsed = Date().timeIntervalSince(started)
      let eta = done > 0 ? elapsed / Double(done) * Double(tasks.count - done) : 0
      let width = 30
      let filled = tasks.isEmpty ? width : width * done / tasks.count
      let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
      FileHandle.standardError.write(Data(String(format: "\r[%@] %d/%d  %.0f s elapsed, ~%.0f s left ", bar, done, tasks.count, elapsed, eta).utf8))
    }
    progress()
    while done < tasks.count {
      while running.count < jobs && next < tasks.count {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = tasks[next]
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        startedAt[next] = Date()
        running.append((next, p, out, err))
        next += 1
      }
      // Read each finished process's output (small: one JSON table).
      var stillRunning: [(Int, Process, Pipe, Pipe)] = []
      for (k, p, out, err) in running {
        var timedOut = false
        if p.isRunning {
          guard Date().timeIntervalSince(startedAt[k]!) > watchdog else {
            stillRunning.append((k, p, out, err))
            continue
          }
          p.terminate()
          p.waitUntilExit()
          timedOut = true
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        // Exit 4: some of its instances failed, and its table says which.
        if !timedOut, [0, 4].contains(p.terminationStatus), let rows = try? JSONDecoder().decode([EvaluationRow].self, from: data) {
          results[k] = rows
        } else {
          let why =
            timedOut
            ? "timed out after \(Int(watchdog)) s"
            : "exit \(p.terminationStatus): \(message.split(separator: "\n").first { $0.hasPrefix("error") } ?? message.split(separator: "\n").last ?? "")"
          let task = tasks[k]
          let model = URL(fileURLWithPath: task[1]).deletingPathExtension().lastPathComponent
          results[k] = task[3].split(separator: ",").flatMap { tier in
            (PlannerKind.baselines + planners.values.filter { !$0.isBaseline }).map {
              .failed(model: model, tier: String(tier), weights: task[5], planner: $0.rawValue, error: why)
            }
          }
        }
        done += 1
        progress()
      }
      running = stillRunning
      if done < tasks.count { Thread.sleep(forTimeInterval: 0.05) }
    }
    FileHandle.standardError.write(Data("\n".utf8))
    return results.flatMap { $0! }
  }

  /// Per planner: average reduction versus the best baseline, instances proven optimal, median
  /// and maximum solve time.
  func summary(_ rows: [EvaluationRow]) -> String {
    var out = "| planner | instances | failed | average reduction vs best baseline (where it moves bytes) | at MR | proven optimal | median s | max s |\n"
    out += "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
    var names: [String] = []
    for r in rows where !names.contains(r.planner) { names.append(r.planner) }
    for name in names {
      let mine = rows.filter { $0.planner == name && !$0.failed }
      let reductions = mine.compactMap(\.reduction)
      let atMR = mine.filter { $0.tier == "MR" }.compactMap(\.reduction)
      let times = mine.map(\.seconds).sorted()
      func avg(_ xs: [Double]) -> String { xs.isEmpty ? "–" : String(format: "%.1f%% (%d)", xs.reduce(0, +) / Double(xs.count), xs.count) }
      out += "| \(name) | \(mine.count) | \(rows.filter { $0.planner == name && $0.failed }.count) | \(avg(reductions)) | \(avg(atMR)) | \(mine.filter(\.proven).count) | "
      out += String(format: "%.3f | %.2f |\n", times.isEmpty ? 0 : times[times.count / 2], times.last ?? 0)
    }
    return out
  }

  func report(_ rows: [EvaluationRow], seconds: Double) -> String {
    var out = "# COSMA benchmark\n\n"
    out += "Command: `cosma bench \(inputs.joined(separator: " ")) --tiers \(tiers.defaultValueDescription) --weights \(weights.defaultValueDescription) --planners \(planners.defaultValueDescription) --time-limit \(timeLimit)\(inPlace == .on ? " --in-place on" : "")\(deterministic ? " --deterministic" : "") --jobs \(jobs)`"
    if !exclude.isEmpty { out += " `--exclude \(exclude)`" }
    out += "\n\n\(rows.count) rows, every plan verified and simulated; \(String(format: "%.0f", seconds)) s in all.\n\n"
    out += "## Summary\n\n" + summary(rows) + "\n"
    out += "Reduction: of non-compulsory traffic versus the best of the four baselines on the same instance, "
    out += "averaged over the instances where that baseline moves any byte (their number in brackets).\n\n"
    out += overruns(rows)
    out += "## Every instance\n\n" + markdownTable(rows)
    return out
  }

  /// The optimizing rows that took longer than the limit plus 5% plus 1 s, with where their
  /// seconds went; the CSV and JSON have every row's stages.
  func overruns(_ rows: [EvaluationRow]) -> String {
    let over = rows.filter { PlannerKind(name: $0.planner)?.isBaseline != true && !$0.failed && $0.seconds > timeLimit * 1.05 + 1 }
    guard !deterministic, !over.isEmpty else { return "" }
    var out = "## Over the time limit\n\n\(over.count) instance(s) took longer than \(formatSeconds(timeLimit)) plus 5% plus 1 s:\n\n"
    for r in over {
      let stages = (r.stages ?? []).map { "\($0.stage) \(String(format: "%.2f", $0.seconds)) s" }.joined(separator: ", ")
      out += "- \(r.model) \(r.tier) \(r.weights) \(r.planner): \(String(format: "%.2f", r.seconds)) s (\(stages.isEmpty ? "no stages recorded" : stages))\n"
    }
    return out + "\n"
  }

  /// Non-compulsory bytes per model at each tier and weights mode, one bar per planner, log scale.
  func trafficFigure(_ rows: [EvaluationRow]) -> String {
    var groups: [String] = []
    for r in rows where !groups.contains("\(r.model) \(r.tier) \(r.weights)") { groups.append("\(r.model) \(r.tier) \(r.weights)") }
    var planners: [String] = []
    for r in rows where !planners.contains(r.planner) { planners.append(r.planner) }
    let rows = rows.filter { !$0.failed }
    let values = rows.map { max(1, $0.nonCompulsoryBytes) }
    let top = log10(Double(values.max() ?? 10)).rounded(.up)
    return barChart(
      title: "Non-compulsory traffic (bytes, log scale; 0 drawn as 1)", groups: groups, series: planners,
      value: { g, p in rows.first { "\($0.model) \($0.tier) \($0.weights)" == g && $0.planner == p }.map { Double(max(1, $0.nonCompulsoryBytes)) } },
      logTop: max(1, top))
  }

  func timeFigure(_ rows: [EvaluationRow]) -> String {
    let optimizing = rows.filter { PlannerKind(name: $0.planner)?.isBaseline != true && !$0.failed }
    var groups: [String] = []
    for r in optimizing where !groups.contains("\(r.model) \(r.tier) \(r.weights)") { groups.append("\(r.model) \(r.tier) \(r.weights)") }
    var planners: [String] = []
    for r in optimizing where !planners.contains(r.planner) { planners.append(r.planner) }
    return barChart(
      title: "Solve time (milliseconds, log scale)", groups: groups, series: planners,
      value: { g, p in optimizing.first { "\($0.model) \($0.tier) \($0.weights)" == g && $0.planner == p }.map { max(1, $0.seconds * 1000) } },
      logTop: max(1, log10(max(1, (optimizing.map(\.seconds).max() ?? 1) * 1000)).rounded(.up)))
  }
}

/// A horizontal grouped bar chart with a log₁₀ axis from 1 to 10^logTop.
func barChart(title: String, groups: [String], series: [String], value: (String, String) -> Double?, logTop: Double) -> String {
  let colors = ["#8c8c8c", "#b5b5b5", "#6b8fb3", "#9cb8d6", "#d9534f", "#f0ad4e", "#5cb85c", "#7a5195"]
  let bar = 7.0
  let groupHeight = bar * Double(series.count) + 6
  let left = 250.0
  let plot = 560.0
  let top = 50.0
  let height = top + groupHeight * Double(groups.count) + 40
  func x(_ v: Double) -> Double { left + plot * min(1, max(0, log10(max(1, v)) / logTop)) }
  var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(left + plot + 30))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"10\">\n"
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
  svg += "<text x=\"10\" y=\"18\" font-size=\"13\">\(xmlEscape(title))</text>\n"
  for (k, s) in series.enumerated() {
    svg += "<rect x=\"\(10 + 130 * k)\" y=\"28\" width=\"10\" height=\"10\" fill=\"\(colors[k % colors.count])\"/>"
    svg += "<text x=\"\(24 + 130 * k)\" y=\"37\">\(xmlEscape(s))</text>\n"
  }
  for d in 0...Int(logTop) {
    let gx = x(pow(10, Double(d)))
    svg += "<line x1=\"\(gx)\" y1=\"\(top)\" x2=\"\(gx)\" y2=\"\(height - 30)\" stroke=\"#ddd\"/>"
    svg += "<text x=\"\(gx)\" y=\"\(height - 18)\" text-anchor=\"middle\">1e\(d)</text>\n"
  }
  for (gi, g) in groups.enumerated() {
    let y0 = top + groupHeight * Double(gi)
    svg += "<text x=\"\(left - 6)\" y=\"\(y0 + groupHeight / 2 + 3)\" text-anchor=\"end\">\(xmlEscape(g))</text>\n"
    for (si, s) in series.enumerated() {
      guard let v = value(g, s) else { continue }
      svg += "<rect x=\"\(left)\" y=\"\(y0 + bar * Double(si))\" width=\"\(max(0.5, x(v) - left))\" height=\"\(bar - 1)\" fill=\"\(colors[si % colors.count])\"><title>\(xmlEscape(s)): \(Int(v))</title></rect>\n"
    }
  }
  svg += "</svg>\n"
  return svg
}

func xmlEscape(_ s: String) -> String {
  s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
}
