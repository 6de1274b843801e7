import Foundation
import Testing

/// The layering of the library (README "Layout"), checked by ``LayerLint``.
@Suite struct LayeringTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  @Test func theTreeFollowsTheLayers() throws {
    let found = try LayerLint(sources: Self.root.appendingPathComponent("Sources")).violations()
    #expect(found.isEmpty, "\(found.map(\.description).joined(separator: "\n"))")
  }

  /// A copy of the sources with planted back edges: the lint names each one.
  @Test func aPlantedBackEdgeFails() throws {
    let copy = FileManager.default.temporaryDirectory.appendingPathComponent("cosma-layers-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: copy) }
    try FileManager.default.copyItem(at: Self.root.appendingPathComponent("Sources"), to: copy)
    // A type of the planners used by Support, a member the bounds add used by Graph, and the C
    // shim imported outside the CBC folder.
    let plants: [(String, String)] = [
      ("COSMA/Support/ByteSize.swift", "\nfunc plantedKind() -> PlannerKind { .auto }\n"),
      ("COSMA/Graph/Graph.swift", "\nfunc plantedBound(_ p: PlanningProblem) -> Int { p.spillLowerBound }\n"),
      ("COSMA/Problem/Plan.swift", "\nimport CCbc\n"),
    ]
    for (path, text) in plants {
      let handle = try FileHandle(forWritingTo: copy.appendingPathComponent(path))
      handle.seekToEndOfFile()
      handle.write(Data(text.utf8))
      try handle.close()
    }
    let found = try LayerLint(sources: copy).violations()
    #expect(found.contains { $0.from == "Support" && $0.to == "Planning" && $0.name == "PlannerKind" }, "\(found)")
    #expect(found.contains { $0.from == "Graph" && $0.to == "Problem" && $0.name == "PlanningProblem" }, "\(found)")
    #expect(found.contains { $0.from == "Graph" && $0.to == "Bounds" && $0.name == "spillLowerBound" }, "\(found)")
    #expect(found.contains { $0.name == "import CCbc" && $0.file.hasSuffix("Problem/Plan.swift") }, "\(found)")
    #expect(found.count == 4, "\(found)")
  }

  /// Comments and strings are not code.
  @Test func commentsAndStringsAreIgnored() {
    let text = "let a = 1 // PlannerKind\n/* IlpPlanner\n */ let s = \"AutoPlanner\"\nlet t = \"\"\"\nX\n\"\"\"\n"
    let code = LayerLint.code(text)
    #expect(!code.contains("PlannerKind") && !code.contains("IlpPlanner") && !code.contains("AutoPlanner"))
    #expect(code.components(separatedBy: "\n").count == text.components(separatedBy: "\n").count)
  }

  /// Every folder of the library is in a layer and in the README's Layout.
  @Test func theReadmeNamesEveryFolder() throws {
    let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
    let folders = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Sources/COSMA").path)
      .filter { !$0.hasPrefix(".") && !$0.hasSuffix(".docc") }
    for f in folders {
      #expect(LayerLint.layers.joined().contains(f), "\(f) has no layer")
      let named = readme.contains("\(f)/")
      #expect(named, "README Layout does not name \(f)/")
    }
  }
}
