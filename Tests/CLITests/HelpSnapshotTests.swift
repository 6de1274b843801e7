import Foundation
import Testing

/// Every command's `--help`, against a committed snapshot in `Tests/Fixtures/help`: a changed
/// flag, default or value list shows in review. After an intended change,
/// `COSMA_UPDATE_SNAPSHOTS=1 swift test --filter HelpSnapshotTests` rewrites them.
@Suite struct HelpSnapshotTests {
  static let directory = CLITests.root.appendingPathComponent("Tests/Fixtures/help")
  static let commands = [
    "", "optimize", "compare", "bench", "verify", "simulate", "allocate", "bound", "budgets", "inspect", "convert",
  ]

  @Test(arguments: commands)
  func helpMatchesItsSnapshot(command: String) throws {
    let arguments = command.isEmpty ? ["--help"] : [command, "--help"]
    let p = Process()
    p.executableURL = CLITests.binary
    p.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    environment["COLUMNS"] = "100"
    p.environment = environment
    let out = Pipe()
    p.standardOutput = out
    p.standardError = Pipe()
    try p.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(p.terminationStatus == 0)
    let file = Self.directory.appendingPathComponent("\(command.isEmpty ? "cosma" : command).txt")
    if ProcessInfo.processInfo.environment["COSMA_UPDATE_SNAPSHOTS"] != nil {
      try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
      try text.write(to: file, atomically: true, encoding: .utf8)
    }
    let snapshot = try String(contentsOf: file, encoding: .utf8)
    #expect(text == snapshot, "cosma \(arguments.joined(separator: " ")) differs from \(file.lastPathComponent)")
  }
}
