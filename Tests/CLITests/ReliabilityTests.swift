import Foundation
import Testing

/// Bad numbers, output destinations and evaluations with a failing instance, end to end.
@Suite struct ReliabilityTests {
  let cli = CLITests()

  /// Non-finite and absurd numbers are rejected when parsed, with one line naming the flag.
  @Test(arguments: [
    ["optimize", "Models/resnet18.json", "--time-limit", "nan"],
    ["optimize", "Models/resnet18.json", "--time-limit", "inf"],
    ["optimize", "Models/resnet18.json", "--time-limit", "1e18"],
    ["optimize", "Models/resnet18.json", "--gap", "nan"],
    ["optimize", "Models/resnet18.json", "--alignment", "4611686018427387904"],
    ["compare", "Models/resnet18.json", "--time-limit", "nan"],
    ["bench", "Models/resnet18.json", "--time-limit", "-1"],
    ["bound", "Models/resnet18.json", "--time-limit", "nan"],
    ["budgets", "Models/resnet18.json", "--time-limit", "inf"],
    ["allocate", "benchmarks/minimalloc/A.1048576.csv", "--capacity", "1MiB", "--time-limit", "1e18"],
    ["allocate", "benchmarks/minimalloc/A.1048576.csv", "--capacity", "1MiB", "--alignment", "4611686018427387904"],
  ])
  func absurdNumbersAreRejected(arguments: [String]) throws {
    let r = try cli.cosma(arguments)
    cli.expectCleanError(r, status: 64, mentioning: [arguments[arguments.count - 2]])
  }

  /// An accelerator file with an alignment beyond the maximum is bad input.
  @Test func hugeAlignmentInAFile() throws {
    let path = try cli.temporaryFile(
      "npu.json", contents: #"{"format": "cosma-accelerator", "version": 1, "alignment": 4611686018427387904}"#)
    cli.expectCleanError(try cli.cosma(["optimize", "Models/resnet18.json", "--accelerator", path]), status: 2, mentioning: ["alignment"])
  }

  /// `-o /dev/null` writes into the device and leaves it a device; a full device is an error; a
  /// symbolic link is followed and stays a link; an unwritable `--dump-lp` fails the command.
  @Test func outputDestinations() throws {
    let null = try cli.cosma(["optimize", "Models/squeezenet1_1.json", "--scratchpad", "MP", "-o", "/dev/null"])
    #expect(null.status == 0, "\(null.stderr)")
    let type = try FileManager.default.attributesOfItem(atPath: "/dev/null")[.type] as? FileAttributeType
    #expect(type == .typeCharacterSpecial)
    if FileManager.default.fileExists(atPath: "/dev/full") {
      // The summary comes first; the failed write is the last line.
      let full = try cli.cosma(["optimize", "Models/squeezenet1_1.json", "--scratchpad", "MP", "-o", "/dev/full"])
      #expect(full.status == 2)
      let last = full.stderr.split(separator: "\n").last ?? ""
      #expect(last.hasPrefix("error: ") && last.contains("/dev/full"), "\(full.stderr)")
    }
    let target = try cli.temporaryFile("real.plan.json", contents: "old")
    let link = URL(fileURLWithPath: target).deletingLastPathComponent().appendingPathComponent("link.plan.json").path
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
    #expect(try cli.cosma(["optimize", "Models/squeezenet1_1.json", "--scratchpad", "MP", "-o", link]).status == 0)
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
    #expect(try String(contentsOfFile: target, encoding: .utf8).contains("cosma-plan"))
    cli.expectCleanError(
      try cli.cosma(["optimize", "Models/squeezenet1_1.json", "--scratchpad", "MP", "--dump-lp", "/no/such/folder/a.lp"]),
      status: 2, mentioning: ["/no/such/folder/a.lp"])
  }

  /// A folder with a broken graph beside a good one: the good one's results are written, the
  /// broken one is recorded as failed, and the command exits 4 after writing.
  @Test func benchKeepsTheOtherResults() throws {
    let dir = URL(fileURLWithPath: try cli.temporaryFile("models")).path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: CLITests.root.appendingPathComponent("Models/squeezenet1_1.json").path, toPath: "\(dir)/squeezenet1_1.json")
    try #"{"format": "cosma-graph", "version": 1, "tensors": ["#.write(toFile: "\(dir)/broken.json", atomically: true, encoding: .utf8)
    let out = "\(dir)/results"
    let r = try cli.cosma(["bench", dir, "--tiers", "MR", "--weights", "external", "--planners", "auto", "--time-limit", "5", "-o", out])
    #expect(r.status == 4, "\(r.stderr)")
    #expect(r.stderr.contains("error: 1 instance(s) failed"))
    let csv = try String(contentsOfFile: "\(out)/bench.csv", encoding: .utf8)
    let lines = csv.split(separator: "\n").dropFirst()
    #expect(lines.filter { $0.hasPrefix("squeezenet1_1,MR,external,") && !$0.contains(",failed,") }.count == 5)
    #expect(lines.filter { $0.hasPrefix("broken,MR,external,") && $0.contains(",failed,") }.count == 5)
    #expect(try String(contentsOfFile: "\(out)/bench.md", encoding: .utf8).contains("failed: "))
  }

  /// Two `--deterministic` benches, one instance at a time and two at once, write the same plan
  /// files byte for byte (`--plans`): the plumbing, on instances proven in milliseconds
  /// (`DeterminismTests` checks a search that runs to its limit, with the cores kept busy).
  @Test func deterministicBenchWritesTheSamePlans() throws {
    var folders: [String] = []
    for jobs in ["1", "2"] {
      let out = try cli.temporaryFile("bench")
      let r = try cli.cosma([
        "bench", "Models/squeezenet1_1.json", "Models/resnet18.json", "--tiers", "MR,MH", "--weights", "external", "--planners", "auto",
        "--time-limit", "2", "--deterministic", "--jobs", jobs, "-o", out, "--plans", "\(out)/plans",
      ])
      #expect(r.status == 0, "\(r.stderr)")
      folders.append("\(out)/plans")
    }
    let names = try FileManager.default.contentsOfDirectory(atPath: folders[0]).sorted()
    #expect(names.count == 4 && names.contains("resnet18.MH.external.auto.plan.json"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folders[1]).sorted() == names)
    for name in names {
      let (a, b) = (try Data(contentsOf: URL(fileURLWithPath: "\(folders[0])/\(name)")), try Data(contentsOf: URL(fileURLWithPath: "\(folders[1])/\(name)")))
      #expect(a == b, "\(name) differs between the two runs")
    }
  }

  /// `compare` at a budget below M_R records that instance as failed and keeps the other tier.
  @Test func compareKeepsTheOtherTier() throws {
    let r = try cli.cosma(["compare", "Models/squeezenet1_1.json", "--tiers", "4096,MP", "--weights", "external", "--csv"])
    #expect(r.status == 4, "\(r.stderr)")
    let lines = r.stdout.split(separator: "\n").dropFirst()
    #expect(lines.filter { $0.contains(",failed,") }.count == 5)
    #expect(lines.filter { $0.hasPrefix("squeezenet1_1,MP,") && !$0.contains(",failed,") }.count == 5)
    #expect(r.stderr.contains("does not fit"))
  }
}

/// Numbers that pass a type check but would overflow COSMA's sums: each is a clean error (or,
/// for a plan's absurd offset, a violation), never a trap.
@Suite struct MagnitudeTests {
  let cli = CLITests()

  func graph(tensors: String, operators: String) throws -> String {
    try cli.temporaryFile(
      "g.json", contents: #"{"format": "cosma-graph", "version": 1, "name": "g", "tensors": ["# + tensors + #"], "operators": ["# + operators + "]}")
  }

  @Test func graphMagnitudes() throws {
    let io = #"{"name": "x", "kind": "input", "bytes": 64}, {"name": "y", "kind": "output", "bytes": 64}"#
    let macs = try graph(tensors: io, operators: #"{"name": "op", "inputs": ["x"], "outputs": ["y"], "macs": 9223372036854775807}"#)
    let shape = try graph(
      tensors: #"{"name": "x", "kind": "input", "bytes": 64, "shape": [1099511627776, 1099511627776]}, {"name": "y", "kind": "output", "bytes": 64}"#,
      operators: #"{"name": "op", "inputs": ["x"], "outputs": ["y"]}"#)
    let negative = try graph(
      tensors: #"{"name": "x", "kind": "input", "bytes": 64, "shape": [-4, -16]}, {"name": "y", "kind": "output", "bytes": 64}"#,
      operators: #"{"name": "op", "inputs": ["x"], "outputs": ["y"]}"#)
    let weights = (0..<2000).map { #"{"name": "w\#($0)", "kind": "weight", "bytes": 1125899906842624}"# }.joined(separator: ", ")
    let sum = try graph(
      tensors: io + ", " + weights,
      operators: #"{"name": "op", "inputs": ["x", "# + (0..<2000).map { "\"w\($0)\"" }.joined(separator: ", ") + #"], "outputs": ["y"]}"#)
    for (path, words) in [(macs, "macs"), (shape, "shape"), (negative, "shape"), (sum, "add up")] {
      for command in ["inspect", "budgets", "optimize"] {
        cli.expectCleanError(try cli.cosma([command, path]), status: 2, mentioning: [words])
      }
    }
  }

  @Test func acceleratorMagnitudes() throws {
    for (key, value) in [("dmaSetupCycles", "4611686018427387904"), ("clockMHz", "1e308"), ("dmaBytesPerCycle", "4611686018427387904")] {
      let path = try cli.temporaryFile("npu.json", contents: #"{"format": "cosma-accelerator", "version": 1, ""# + key + #"": "# + value + "}")
      cli.expectCleanError(try cli.cosma(["optimize", "Models/resnet18.json", "--accelerator", path]), status: 2, mentioning: [key])
    }
  }

  @Test func csvMagnitudes() throws {
    let path = try cli.temporaryFile("a.csv", contents: "id,lower,upper,size\n0,0,9223372036854775807,64\n")
    cli.expectCleanError(try cli.cosma(["allocate", path, "--capacity", "1KiB"]), status: 2, mentioning: ["line 2"])
  }

  /// A plan whose offset is near 2^63: `verify` reports a violation, `simulate` rejects it.
  @Test func planOffsets() throws {
    let plan = try cli.temporaryFile("p.json")
    #expect(try cli.cosma(["optimize", "Models/squeezenet1_1.json", "--scratchpad", "MP", "-o", plan]).status == 0)
    var text = try String(contentsOfFile: plan, encoding: .utf8)
    let range = try #require(text.range(of: #""offset": 0"#))
    text.replaceSubrange(range, with: #""offset": 9223372036854775744"#)
    try text.write(toFile: plan, atomically: true, encoding: .utf8)
    let v = try cli.cosma(["verify", "Models/squeezenet1_1.json", plan])
    #expect(v.status == 1 && (v.stdout + v.stderr).contains("exceeds the scratchpad"), "\(v.stdout) \(v.stderr)")
    #expect(!v.stderr.contains("Fatal error"))
    let s = try cli.cosma(["simulate", "Models/squeezenet1_1.json", plan])
    #expect(s.status == 1 && s.stderr.hasPrefix("error: "), "\(s.stderr)")
  }
}

/// Messages for inputs that are valid JSON but wrong, names in Unicode, and encodings.
@Suite struct InputMessageTests {
  let cli = CLITests()

  @Test func wrongValuesNameTheirElement() throws {
    let version = try cli.temporaryFile("v.json", contents: #"{"format": "cosma-graph", "version": 1.5, "tensors": [], "operators": []}"#)
    cli.expectCleanError(try cli.cosma(["inspect", version]), status: 2, mentioning: ["version", "1.5"])
    let size = try cli.temporaryFile("a.json", contents: #"{"format": "cosma-accelerator", "version": 1, "scratchpadBytes": 1.5}"#)
    cli.expectCleanError(try cli.cosma(["optimize", "Models/resnet18.json", "--accelerator", size]), status: 2, mentioning: ["scratchpadBytes", "1.5"])
    cli.expectCleanError(
      try cli.cosma(["optimize", "Models/resnet18.json", "--accelerator", "no-such-npu"]), status: 2, mentioning: ["edge-npu", "datacenter"])
    let plan = try cli.temporaryFile("p.json")
    #expect(try cli.cosma(["optimize", "Models/squeezenet1_1.json", "--scratchpad", "MP", "-o", plan]).status == 0)
    var text = try String(contentsOfFile: plan, encoding: .utf8)
    text.replaceSubrange(try #require(text.range(of: #""offset": 0"#)), with: #""offset": 2048.5"#)
    try text.write(toFile: plan, atomically: true, encoding: .utf8)
    cli.expectCleanError(try cli.cosma(["verify", "Models/squeezenet1_1.json", plan]), status: 2, mentioning: ["events[", "2048.5"])
    let bare = try cli.temporaryFile("bare.json", contents: #"{"format": "cosma-plan", "version": 1, "events": []}"#)
    cli.expectCleanError(try cli.cosma(["verify", "Models/squeezenet1_1.json", bare]), status: 2, mentioning: ["accelerator"])
    let long = String(repeating: "n", count: 100_000)
    let g = try cli.temporaryFile(
      "long.json",
      contents: #"{"format": "cosma-graph", "version": 1, "tensors": [{"name": "x", "kind": "input", "bytes": 1}], "operators": [{"name": "op", "inputs": [""# + long + #""], "outputs": ["x"]}]}"#)
    let r = try cli.cosma(["inspect", g])
    cli.expectCleanError(r, status: 2, mentioning: ["characters)"])
    #expect(r.stderr.count < 2_000)
  }

  /// "é" as one scalar and as "e" + U+0301 are two names: both may exist, and neither resolves to
  /// the other.
  @Test func namesAreExactScalars() throws {
    let nfc = "caf\u{E9}"
    let nfd = "cafe\u{301}"
    let two = try cli.temporaryFile(
      "two.json",
      contents: #"{"format": "cosma-graph", "version": 1, "tensors": [{"name": "x", "kind": "input", "bytes": 64}, {"name": ""# + nfc
        + #"", "kind": "output", "bytes": 64}, {"name": ""# + nfd + #"", "kind": "output", "bytes": 64}], "operators": [{"name": "a", "inputs": ["x"], "outputs": [""#
        + nfc + #""]}, {"name": "b", "inputs": ["x"], "outputs": [""# + nfd + #""]}]}"#)
    #expect(try cli.cosma(["inspect", two]).status == 0)
    let dangling = try cli.temporaryFile(
      "dangling.json",
      contents: #"{"format": "cosma-graph", "version": 1, "tensors": [{"name": "x", "kind": "input", "bytes": 64}, {"name": ""# + nfc
        + #"", "kind": "output", "bytes": 64}], "operators": [{"name": "a", "inputs": ["x"], "outputs": [""# + nfd + #""]}]}"#)
    cli.expectCleanError(try cli.cosma(["inspect", dangling]), status: 2, mentioning: ["is not a tensor of the graph"])
  }

  @Test func onlyUTF8() throws {
    let json = #"{"format": "cosma-graph", "version": 1, "tensors": [], "operators": []}"#
    let bom = try cli.temporaryFile("bom.json")
    try (Data([0xEF, 0xBB, 0xBF]) + Data(json.utf8)).write(to: URL(fileURLWithPath: bom))
    cli.expectCleanError(try cli.cosma(["inspect", bom]), status: 2, mentioning: ["byte-order mark"])
    let utf16 = try cli.temporaryFile("utf16.json")
    try json.data(using: .utf16LittleEndian)!.write(to: URL(fileURLWithPath: utf16))
    cli.expectCleanError(try cli.cosma(["inspect", utf16]), status: 2, mentioning: ["UTF-8"])
  }
}
