import COSMATestSupport
import Foundation
import Testing

@testable import COSMA

/// The LP text of each formulation on a tiny graph, against a committed golden file, family by
/// family of rows: a change to any constraint family shows as that family's diff. After an
/// intended change, `COSMA_UPDATE_GOLDEN=1 swift test --filter GoldenModelTests` rewrites the
/// files; review them in the diff.
@Suite struct GoldenModelTests {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures/golden")

  func check(_ model: LinearModel, against name: String) throws {
    let text = model.lpText()
    let url = Self.directory.appendingPathComponent(name)
    if ProcessInfo.processInfo.environment["COSMA_UPDATE_GOLDEN"] != nil {
      try text.write(to: url, atomically: true, encoding: .utf8)
    }
    let golden = try String(contentsOf: url, encoding: .utf8)
    // Families are the row names up to their first bracket: `capacity[3]` is in `capacity`.
    var families: [String] = []
    for r in model.rows {
      let f = String(r.name.prefix { $0 != "[" })
      if !families.contains(f) { families.append(f) }
    }
    func rows(_ lp: String, _ family: String) -> [String] {
      lp.components(separatedBy: "\n").filter { $0.hasPrefix(" \(family)_") && $0.contains(":") }
    }
    for f in families {
      #expect(rows(text, f) == rows(golden, f), "\(name): rows of '\(f)' differ from the golden file")
    }
    #expect(!families.isEmpty)
    #expect(text == golden, "\(name): the objective, bounds or integers differ from the golden file")
  }

  /// `diamond` at M_R: the free-order residency model (schedule, residency, loads, spills), where
  /// `left` and `right` may run in either order.
  @Test func freeOrderResidency() throws {
    let problem = try PlanningProblem(graph: Fixtures.diamond(), accelerator: Accelerator(scratchpad: .budget(.mr)))
    var f = ResidencyFormulation(problem: problem)
    f.build()
    try check(f.model, against: "diamond-free-order.lp")
  }

  /// `mustSpill` at M_R, the order fixed to the file's.
  @Test func fixedOrderResidency() throws {
    let problem = try PlanningProblem(graph: Fixtures.mustSpill(), accelerator: Accelerator(scratchpad: .budget(.mr)))
    var f = ResidencyFormulation(problem: problem, schedule: problem.graph.defaultSchedule)
    f.build()
    try check(f.model, against: "mustSpill-fixed-order.lp")
  }

  /// `diamond`: the minimum-peak model.
  @Test func minimumPeak() throws {
    let g = try Fixtures.diamond()
    var f = MinimumPeakFormulation(graph: g, weights: .scratchpad, size: { roundUp(g[$0].bytes, to: 64) })
    f.build()
    try check(f.model, against: "diamond-minimum-peak.lp")
  }
}
