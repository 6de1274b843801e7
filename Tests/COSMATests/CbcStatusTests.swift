import COSMA
import Testing

/// CBC's status codes mapped by ``CbcStatus``, row by row, without the solver.
@Suite struct CbcStatusTests {
  struct Case: Sendable, CustomStringConvertible {
    var status: Int32
    var secondary: Int32
    var hasSolution: Bool
    var provenInfeasible = false
    var expected: Termination
    var description: String { "\(status)/\(secondary)\(hasSolution ? " with a solution" : "")" }
  }

  static let cases: [Case] = [
    Case(status: 0, secondary: 0, hasSolution: true, expected: .optimal),
    Case(status: 0, secondary: 1, hasSolution: false, expected: .infeasible),
    Case(status: 0, secondary: 7, hasSolution: false, expected: .unbounded),
    // A gap stop reports "finished"; the secondary status says it was the gap.
    Case(status: 0, secondary: 2, hasSolution: true, expected: .feasible(limit: .gap)),
    Case(status: 1, secondary: 2, hasSolution: true, expected: .feasible(limit: .gap)),
    Case(status: 1, secondary: 3, hasSolution: true, expected: .feasible(limit: .nodes)),
    Case(status: 1, secondary: 3, hasSolution: false, expected: .noSolution(limit: .nodes)),
    Case(status: 1, secondary: 4, hasSolution: true, expected: .feasible(limit: .time)),
    Case(status: 1, secondary: 4, hasSolution: false, expected: .noSolution(limit: .time)),
    Case(status: 0, secondary: 4, hasSolution: false, expected: .noSolution(limit: .time)),
    Case(status: 1, secondary: 6, hasSolution: true, expected: .feasible(limit: .solutions)),
    Case(status: 1, secondary: 8, hasSolution: false, expected: .noSolution(limit: .iterations)),
    Case(status: 5, secondary: 5, hasSolution: true, expected: .feasible(limit: .interrupted)),
    Case(status: 5, secondary: 0, hasSolution: false, expected: .noSolution(limit: .interrupted)),
    Case(status: 1, secondary: 5, hasSolution: false, expected: .noSolution(limit: .interrupted)),
    Case(status: 2, secondary: 0, hasSolution: false, expected: .numericalError),
    Case(status: 2, secondary: 4, hasSolution: true, expected: .numericalError),
    Case(status: 1, secondary: -1, hasSolution: true, expected: .feasible(limit: .unspecified)),
    Case(status: 0, secondary: -1, hasSolution: false, provenInfeasible: true, expected: .infeasible),
    Case(status: 0, secondary: -1, hasSolution: false, expected: .failed("CBC status 0/-1")),
    Case(status: -1, secondary: -1, hasSolution: false, expected: .failed("CBC status -1/-1")),
    Case(status: 0, secondary: 1, hasSolution: true, expected: .feasible(limit: .unspecified)),
  ]

  @Test(arguments: cases)
  func mapsTheCodes(_ c: Case) {
    let s = CbcStatus(status: c.status, secondary: c.secondary, hasSolution: c.hasSolution, provenInfeasible: c.provenInfeasible)
    #expect(s.termination == c.expected, "\(c)")
    #expect(s.termination.hasSolution == c.hasSolution || s.termination == .numericalError, "\(c)")
  }

  /// Every row of the table is reached by some case above.
  @Test func everyRowIsExercised() {
    for (k, rule) in CbcStatus.table.enumerated() {
      let reached = Self.cases.contains { c in
        let first = CbcStatus.table.firstIndex { r in
          (r.status ?? c.status) == c.status && (r.secondary ?? c.secondary) == c.secondary
            && (r.hasSolution ?? c.hasSolution) == c.hasSolution
        }
        return first == k
      }
      #expect(reached, "row \(k) (\(rule.outcome)) is not exercised")
    }
  }
}
