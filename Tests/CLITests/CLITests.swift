import Foundation
import Testing

/// End-to-end tests of the built `cosma` binary: stdout, stderr and exit code.
@Suite struct CLITests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// The `cosma` executable next to the test bundle (SwiftPM builds both into one folder).
  static var binary: URL {
    if let override = ProcessInfo.processInfo.environment["COSMA_BIN"] {
      return URL(fileURLWithPath: override)
    }
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
      let candidate = dir.appendingPathComponent("cosma")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
      dir = dir.deletingLastPathComponent()
    }
    return root.appendingPathComponent(".build/debug/cosma")
  }

  struct Output {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  func cosma(_ arguments: String...) throws -> Output { try cosma(arguments) }

  func cosma(_ arguments: [String]) throws -> Output {
    let p = Process()
    p.executableURL = Self.binary
    p.arguments = arguments
    p.currentDirectoryURL = Self.root
    let out = Pipe()
    let err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Output(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
  }

  func temporaryFile(_ name: String, contents: String? = nil) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cosma-cli-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent(name).path
    if let contents { try contents.write(toFile: path, atomically: true, encoding: .utf8) }
    return path
  }

  /// A failure is one `error:` line, never a crash or a stack trace.
  func expectCleanError(_ r: Output, status: Int32, mentioning fragments: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(r.status == status, "exit \(r.status), stderr: \(r.stderr)", sourceLocation: sourceLocation)
    #expect(r.stderr.hasPrefix("error: ") || r.stderr.hasPrefix("Error: "), "\(r.stderr)", sourceLocation: sourceLocation)
    #expect(!r.stderr.contains("Fatal error"), sourceLocation: sourceLocation)
    #expect(!r.stderr.contains("Stack dump"), sourceLocation: sourceLocation)
    for f in fragments { #expect(r.stderr.contains(f), "'\(r.stderr)' should mention '\(f)'", sourceLocation: sourceLocation) }
  }

  @Test func helpListsCommandsAndExitCodes() throws {
    let r = try cosma("--help")
    #expect(r.status == 0)
    for word in ["optimize", "verify", "simulate", "budgets", "bound", "inspect", "Exit codes", "does not fit"] {
      #expect(r.stdout.contains(word), "help should mention \(word)")
    }
    let sub = try cosma("optimize", "--help")
    #expect(sub.stdout.contains("--scratchpad"))
    #expect(sub.stdout.contains("Examples"))
  }

  /// `--dump-lp` writes the free-order model whichever path the planner takes: here the best
  /// baseline moves nothing at M_P, so no solve runs. A baseline planner says in one line that
  /// it builds no model.
  @Test func dumpLpOnEveryPath() throws {
    for planner in ["auto", "ilp", "divide-and-conquer"] {
      let path = try temporaryFile("squeezenet.lp")
      let r = try cosma("optimize", "Models/squeezenet1_1.json", "--scratchpad", "MP", "--planner", planner, "--dump-lp", path)
      #expect(r.status == 0, "\(r.stderr)")
      let text = try String(contentsOfFile: path, encoding: .utf8)
      #expect(text.hasPrefix("\\ COSMA linear model") && text.hasSuffix("End\n"), "\(planner)")
      #expect(r.stderr.contains("LP written to    \(path)"), "\(planner): \(r.stderr)")
    }
    let path = try temporaryFile("baseline.lp")
    let b = try cosma("optimize", "Models/squeezenet1_1.json", "--planner", "minpeak-belady", "--dump-lp", path)
    #expect(b.status == 0)
    #expect(b.stderr.hasPrefix("no LP written: the minpeak-belady planner builds no ILP"))
    #expect(!FileManager.default.fileExists(atPath: path))
  }

  @Test func optimizeThenVerify() throws {
    let planPath = try temporaryFile("resnet18.plan.json")
    let r = try cosma("optimize", "Models/resnet18.json", "--scratchpad", "MR", "-o", planPath)
    #expect(r.status == 0, "\(r.stderr)")
    for word in ["planner", "total traffic", "compulsory", "non-compulsory", "peak occupancy", "time"] {
      #expect(r.stderr.contains(word), "summary should show \(word)")
    }
    let text = try String(contentsOfFile: planPath, encoding: .utf8)
    #expect(text.contains("\"format\": \"cosma-plan\""))
    let v = try cosma("verify", "Models/resnet18.json", planPath)
    #expect(v.status == 0, "\(v.stdout) \(v.stderr)")
    #expect(v.stdout.isEmpty)
    #expect(v.stderr.contains("valid"))
    // The same plan checked against a smaller scratchpad breaks the space rules.
    let small = try cosma("verify", "Models/resnet18.json", planPath, "--scratchpad", "1MiB")
    #expect(small.status == 1)
    #expect(small.stdout.contains("[space]"))
  }

  /// The fuzz targets' corpus (Fuzz/corpus) replays through `cosma-fuzz` without a crash: the
  /// seeds stay valid inputs, and the targets run in every build (`make fuzz` runs libFuzzer).
  @Test func fuzzCorpusReplays() throws {
    let fuzz = Self.binary.deletingLastPathComponent().appendingPathComponent("cosma-fuzz")
    for target in ["graph", "onnx", "accelerator", "plan", "csv"] {
      let p = Process()
      p.executableURL = fuzz
      p.arguments = [target, "Fuzz/corpus/\(target)"]
      p.currentDirectoryURL = Self.root
      let out = Pipe()
      p.standardOutput = out
      p.standardError = out
      try p.run()
      let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      p.waitUntilExit()
      #expect(p.terminationStatus == 0, "\(target): \(text)")
      #expect(text.contains("no crash"), "\(target): \(text)")
    }
  }

  /// `--deterministic`: two runs of divide and conquer on DenseNet-121 that stop on the limit
  /// write the same plan file, which says how it was made; the summary gives work and wall time.
  @Test func deterministicRunsWriteTheSameFile() throws {
    var files: [String] = []
    for k in 0..<2 {
      let path = try temporaryFile("densenet\(k).plan.json")
      let r = try cosma(
        "optimize", "Models/densenet121.json", "--scratchpad", "MR", "--weights", "external", "--planner",
        "divide-and-conquer", "--time-limit", "0.5", "--deterministic", "-o", path)
      #expect(r.status == 0, "\(r.stderr)")
      #expect(r.stderr.contains("of work (deterministic;"), "\(r.stderr)")
      files.append(try String(contentsOfFile: path, encoding: .utf8))
    }
    #expect(files[0].contains("\"deterministic\": true"))
    #expect(files[0] == files[1])
    // The order search's seed is an option; a seed that is not a count fails with one message.
    let bad = try cosma("optimize", "Models/densenet121.json", "--seed", "-3")
    #expect(bad.status != 0 && bad.stderr.contains("--seed"), "\(bad.stderr)")
    #expect(!bad.stderr.contains("Fatal error"))
  }

  /// Every command reads ONNX directly; `convert` writes the graph format, which loads back.
  @Test func readsAndConvertsONNX() throws {
    let model = "Tests/Fixtures/onnx/resnet18.onnx"
    let plan = try temporaryFile("resnet18-onnx.plan.json")
    let o = try cosma("optimize", model, "--element-bytes", "1", "--scratchpad", "MR", "-o", plan)
    #expect(o.status == 0, "\(o.stderr)")
    let v = try cosma("verify", model, plan, "--element-bytes", "1")
    #expect(v.status == 0, "\(v.stderr)")
    let json = try temporaryFile("resnet18-onnx.json")
    let c = try cosma("convert", model, "--element-bytes", "1", "-o", json)
    #expect(c.status == 0, "\(c.stderr)")
    #expect(c.stderr.contains("31 operators"))
    let i = try cosma("inspect", json)
    #expect(i.status == 0, "\(i.stderr)")
    let broken = try temporaryFile("broken.onnx")
    let bytes = try Data(contentsOf: URL(fileURLWithPath: model))
    try bytes.prefix(bytes.count / 3).write(to: URL(fileURLWithPath: broken))
    expectCleanError(try cosma("inspect", broken), status: 2, mentioning: ["broken.onnx"])
  }

  /// `compare` prints one verified row per planner; `bench` runs compare processes and writes
  /// its files.
  @Test func compareAndBench() throws {
    let planDir = try temporaryFile("plans")
    let c = try cosma("compare", "Models/resnet18.json", "--tiers", "MR", "--weights", "scratchpad", "--json", "--plans", planDir)
    #expect(c.status == 0, "\(c.stderr)")
    // The optimizing planner's plan, written where --plans says, verifies on its own.
    let written = try FileManager.default.contentsOfDirectory(atPath: planDir)
    #expect(written == ["resnet18.MR.scratchpad.auto.plan.json"])
    let v = try cosma("verify", "Models/resnet18.json", planDir + "/resnet18.MR.scratchpad.auto.plan.json")
    #expect(v.status == 0, "\(v.stderr)")
    let rows = try JSONSerialization.jsonObject(with: Data(c.stdout.utf8)) as? [[String: Any]]
    #expect(rows?.count == 5)
    #expect(rows?.allSatisfy { $0["verified"] as? Bool == true } == true)
    let auto = rows?.first { $0["planner"] as? String == "auto" }
    #expect(auto?["status"] as? String == "optimal")
    // Where the seconds went: the stages in order, then the time outside them, adding up to the row's.
    let stages = auto?["stages"] as? [[String: Any]] ?? []
    #expect(stages.first?["stage"] as? String == "baselines")
    #expect(stages.last?["stage"] as? String == "outside the stages")
    let inStages = stages.compactMap { $0["seconds"] as? Double }
    #expect(inStages.count == stages.count && inStages.allSatisfy { $0 >= 0 })
    #expect(abs(inStages.reduce(0, +) - (auto?["seconds"] as? Double ?? -1)) < 0.01)
    #expect(rows?.first { $0["planner"] as? String == "default-greedy" }?["stages"] == nil)
    let dir = try temporaryFile("bench")
    let b = try cosma("bench", "Models/squeezenet1_1.json", "Models/resnet18.json", "--tiers", "MR", "--jobs", "2",
                      "--time-limit", "10", "-o", dir)
    #expect(b.status == 0, "\(b.stderr)")
    let md = try String(contentsOfFile: dir + "/bench.md", encoding: .utf8)
    #expect(md.contains("## Summary") && md.contains("squeezenet1_1") && md.contains("resnet18"))
    let csv = try String(contentsOfFile: dir + "/bench.csv", encoding: .utf8)
    #expect(csv.split(separator: "\n").count == 1 + 2 * 2 * 5)
    #expect(csv.split(separator: "\n").first?.hasSuffix(",stage_seconds") == true)
    #expect(csv.split(separator: "\n").contains { $0.contains(",auto,") && $0.contains("; outside the stages ") })
    #expect(try String(contentsOfFile: dir + "/traffic.svg", encoding: .utf8).hasPrefix("<svg"))
    expectCleanError(try cosma("compare", "Models/resnet18.json", "--planners", "magic"), status: 64, mentioning: ["magic"])
  }

  @Test func simulateWritesTraceAndPicture() throws {
    let planPath = try temporaryFile("resnet18.plan.json")
    let o = try cosma("optimize", "Models/resnet18.json", "--scratchpad", "MR", "-o", planPath)
    #expect(o.status == 0, "\(o.stderr)")
    #expect(o.stderr.contains("cycles"))
    let trace = try temporaryFile("trace.json")
    let svg = try temporaryFile("occupancy.svg")
    let r = try cosma("simulate", "Models/resnet18.json", planPath, "--trace", trace, "--svg", svg)
    #expect(r.status == 0, "\(r.stderr)")
    for word in ["cycles", "compute busy", "DMA busy", "stalls", "traffic", "peak occupancy"] {
      #expect(r.stderr.contains(word), "summary should show \(word)")
    }
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: trace))) as? [String: Any]
    #expect((json?["traceEvents"] as? [Any])?.isEmpty == false)
    #expect(try String(contentsOfFile: svg, encoding: .utf8).hasPrefix("<svg"))
    // A preset replaces the timing, not the plan: the traffic line is the same, the cycles not.
    let dc = try cosma("simulate", "Models/resnet18.json", planPath, "--accelerator", "datacenter")
    #expect(dc.status == 0, "\(dc.stderr)")
    #expect(dc.stderr.contains("on datacenter"))
    // A smaller scratchpad makes the simulator refuse the plan at the first event that breaks.
    let small = try cosma("simulate", "Models/resnet18.json", planPath, "--scratchpad", "1MiB")
    expectCleanError(small, status: 1, mentioning: ["simulator rejects", "event"])
  }

  @Test func allocateMiniMallocCSV() throws {
    let instance = try temporaryFile("tiny.csv", contents: "id,lower,upper,size\n0,0,10,600\n1,5,15,500\n2,10,20,600\n")
    let out = try temporaryFile("tiny.out.csv")
    let r = try cosma("allocate", instance, "--capacity", "1100", "-o", out)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.contains("checked"))
    #expect(r.stderr.contains("best-fit         needs 1,100 B (fits)"))
    let written = try String(contentsOfFile: out, encoding: .utf8)
    #expect(written.hasPrefix("id,lower,upper,size,offset"))
    let small = try cosma("allocate", instance, "--capacity", "1000")
    #expect(small.status == 1)
    #expect(small.stderr.contains("infeasible"))
    let minimal = try cosma("allocate", instance, "--minimize-capacity")
    #expect(minimal.status == 0, "\(minimal.stderr)")
    #expect(minimal.stderr.contains("1,100 B (minimal, proven)"))
    let bad = try temporaryFile("bad.csv", contents: "id,lower,upper\n0,0,1\n")
    expectCleanError(try cosma("allocate", bad, "--capacity", "64"), status: 2, mentioning: ["bad.csv", "size"])
    // A MiniMalloc instance best-fit cannot place: one thread or two write the same offsets.
    var files: [String] = []
    for threads in ["1", "2"] {
      let file = try temporaryFile("G.\(threads).csv")
      let run = try cosma("allocate", "benchmarks/minimalloc/G.1048576.csv", "--capacity", "1MiB", "--threads", threads, "-o", file)
      #expect(run.status == 0, "\(run.stderr)")
      #expect(run.stderr.contains("best-fit         needs 1,311,744 B (over the capacity)"), "\(run.stderr)")
      files.append(try String(contentsOfFile: file, encoding: .utf8))
    }
    #expect(files[0] == files[1])
    expectCleanError(try cosma("allocate", instance, "--capacity", "1100", "--threads", "0"), status: 64, mentioning: ["--threads"])
  }

  /// `cosma bound` prints the proven bound on stdout: NASNet-A at M_H reloads its stem's first
  /// activation three times whatever the order (4 × 2,613,600 bytes, proven by one fan region;
  /// a minute, so in the long tests; `regionBoundProvesViTOptimal` runs the command by default).
  @Test func boundProvesTheNASNetStem() throws {
    if ProcessInfo.processInfo.environment["COSMA_LONG_TESTS"] != nil {
      let r = try cosma("bound", "Models/nasnetalarge.json", "--scratchpad", "MH", "--weights", "external", "--time-limit", "60")
      #expect(r.status == 0, "\(r.stderr)")
      #expect(r.stdout == "10454400\n")
      #expect(r.stderr.contains("region bound"))
    }
    expectCleanError(
      try cosma("bound", "Models/resnet18.json", "--region", "conv2d,no_such_op"), status: 2, mentioning: ["no_such_op"])
    expectCleanError(try cosma("bound", "Models/resnet18.json", "--region-size", "1"), status: 64, mentioning: ["--region-size"])
  }

  /// ViT-B/16 with weights external at M_R: the region bound equals the best baseline's plan, so
  /// the ILP planner proves it optimal before any large solve, and the plan file says so.
  @Test func regionBoundProvesViTOptimal() throws {
    let b = try cosma("bound", "Models/vit_b_16.json", "--scratchpad", "MR", "--weights", "external")
    #expect(b.status == 0, "\(b.stderr)")
    #expect(b.stdout == "10893312\n")
    let planPath = try temporaryFile("vit.json")
    let r = try cosma(
      "optimize", "Models/vit_b_16.json", "--scratchpad", "MR", "--weights", "external", "--planner", "ilp",
      "--time-limit", "60", "-o", planPath)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.contains("(optimal)"))
    #expect(r.stderr.contains("verified         yes"))
    #expect(try cosma("verify", "Models/vit_b_16.json", planPath).status == 0)
  }

  @Test func verifyRejectsATamperedPlan() throws {
    let planPath = try temporaryFile("p.json")
    #expect(try cosma("optimize", "Models/squeezenet1_1.json", "--weights", "external", "-o", planPath).status == 0)
    var text = try String(contentsOfFile: planPath, encoding: .utf8)
    text = text.replacingOccurrences(of: "\"nonCompulsoryBytes\": ", with: "\"nonCompulsoryBytes\": 1")
    try text.write(toFile: planPath, atomically: true, encoding: .utf8)
    let r = try cosma("verify", "Models/squeezenet1_1.json", planPath)
    #expect(r.status == 1)
    #expect(r.stdout.contains("[accounting]"))
    #expect(r.stderr.contains("invalid"))
  }

  @Test func everyPlannerByName() throws {
    for planner in ["best-baseline", "default-belady", "default-greedy", "minpeak-belady", "minpeak-greedy"] {
      let r = try cosma("optimize", "Models/mobilenet_v2.json", "--scratchpad", "MH", "--planner", planner)
      #expect(r.status == 0, "\(planner): \(r.stderr)")
      #expect(r.stderr.contains(planner))
    }
  }

  @Test func truncatedGraph() throws {
    let path = try temporaryFile("bad.json", contents: #"{"format": "cosma-graph", "version": 1, "tensors": [{"name": "x""#)
    expectCleanError(try cosma("optimize", path), status: 2, mentioning: ["bad.json", "not valid JSON"])
  }

  @Test func emptyGraph() throws {
    let path = try temporaryFile("empty.json", contents: "")
    expectCleanError(try cosma("inspect", path), status: 2, mentioning: ["empty.json", "empty"])
  }

  @Test func missingFile() throws {
    expectCleanError(try cosma("budgets", "Models/nope.json"), status: 2, mentioning: ["nope.json", "no such file"])
  }

  @Test func budgetBelowMR() throws {
    let r = try cosma("optimize", "Models/resnet18.json", "--scratchpad", "64KiB", "--tiling", "off")
    expectCleanError(r, status: 3, mentioning: ["does not fit", "M_R", "operator '"])
  }

  /// Below M_R the plan is for a tiled graph: verify and simulate accept it with the original
  /// graph (checking the decomposition) and with the emitted tiled graph; with another graph
  /// the decomposition check refuses it.
  @Test func tiledPlanEndToEnd() throws {
    let planPath = try temporaryFile("tiled.plan.json")
    let graphPath = try temporaryFile("tiled.graph.json")
    let r = try cosma(
      "optimize", "Models/resnet18.json", "--scratchpad", "512KiB", "--weights", "external", "--time-limit", "5",
      "-o", planPath, "--emit-graph", graphPath)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.contains("operators split ("))
    for graph in ["Models/resnet18.json", graphPath] {
      let v = try cosma("verify", graph, planPath)
      #expect(v.status == 0 && v.stdout.isEmpty, "\(v.stdout)")
      #expect(try cosma("simulate", graph, planPath).status == 0)
    }
    let wrong = try cosma("verify", "Models/resnet50.json", planPath)
    #expect(wrong.status != 0)
    let i = try cosma("inspect", graphPath)
    #expect(i.stdout.contains("tiles of"))
  }

  /// With tiling (the default), below M_T (10,560 B with weights in the scratchpad: a tile of
  /// a convolution split into rows, channels and partial sums).
  @Test func budgetBelowMT() throws {
    let r = try cosma("optimize", "Models/squeezenet1_1.json", "--scratchpad", "1KiB")
    expectCleanError(r, status: 3, mentioning: ["does not fit", "M_T", "even split into tiles", "operator 'cat'"])
  }

  @Test func badFlags() throws {
    #expect(try cosma("optimize", "Models/resnet18.json", "--scratchpad", "lots").status == 64)
    #expect(try cosma("optimize", "Models/resnet18.json", "--planner", "magic").status == 64)
    #expect(try cosma("optimize", "Models/resnet18.json", "--weights", "nowhere").status == 64)
  }

  @Test func badAcceleratorFile() throws {
    let path = try temporaryFile("npu.json", contents: #"{"format": "cosma-accelerator", "version": 1, "alignment": -4}"#)
    expectCleanError(try cosma("optimize", "Models/resnet18.json", "--accelerator", path), status: 2, mentioning: ["npu.json", "alignment"])
  }

  @Test func acceleratorFileAndOverrides() throws {
    let path = try temporaryFile("npu.json", contents: #"{"format": "cosma-accelerator", "version": 1, "name": "npu", "scratchpadBytes": "4MiB", "alignment": 32, "weights": "external"}"#)
    let planPath = try temporaryFile("p.json")
    let r = try cosma("optimize", "Models/resnet18.json", "--accelerator", path, "--alignment", "128", "-o", planPath)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.contains("4,194,304 B"))
    #expect(r.stderr.contains("alignment 128"))
    #expect(r.stderr.contains("weights external"))
    let text = try String(contentsOfFile: planPath, encoding: .utf8)
    #expect(text.contains("\"scratchpadBytes\": 4194304"))
  }

  @Test func budgetsAndInspect() throws {
    // SqueezeNet 1.1: its tiles are found three times faster than ResNet-18's.
    let b = try cosma("budgets", "Models/squeezenet1_1.json")
    #expect(b.status == 0)
    let lines = b.stdout.split(separator: "\n")
    #expect(lines.count == 4)
    #expect(lines[0].hasPrefix("MR "))
    // M_T below M_R: the largest working set splits into tiles.
    let mr = Int(lines[0].dropFirst(3))!, mt = Int(lines[3].dropFirst(3))!
    #expect(lines[3].hasPrefix("MT ") && mt < mr)
    let i = try cosma("inspect", "Models/squeezenet1_1.json", "--operators")
    #expect(i.status == 0)
    #expect(i.stdout.contains("operators    38"))
    #expect(i.stdout.contains("working set"))
  }
}
