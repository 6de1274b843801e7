/// CBC's outcome codes after `Cbc_solve`, and their meaning as a ``Termination``.
///
/// The map is data (``CbcStatus/table``) read by one pure function, so every row is tested
/// without the solver, the way jump-dev/Cbc.jl keeps its status tables.
///
/// `Cbc_status`: −1 not solved, 0 finished, 1 stopped on a limit, 2 abandoned (numerical
/// difficulties), 5 user stop. `Cbc_secondaryStatus`: −1 unset, 0 search completed with a
/// solution, 1 linear relaxation infeasible (or worse than the cutoff), 2 gap reached, 3 node
/// limit, 4 time limit, 5 user event, 6 solution limit, 7 linear relaxation unbounded, 8
/// iteration limit. A gap stop also reports "proven optimal", so the secondary status decides.
public struct CbcStatus: Sendable, Equatable {
  /// `Cbc_status`.
  public var status: Int32
  /// `Cbc_secondaryStatus`.
  public var secondary: Int32
  /// Whether `Cbc_bestSolution` is not null.
  public var hasSolution: Bool
  /// `Cbc_isProvenInfeasible`.
  public var provenInfeasible: Bool

  public init(status: Int32, secondary: Int32, hasSolution: Bool, provenInfeasible: Bool = false) {
    self.status = status
    self.secondary = secondary
    self.hasSolution = hasSolution
    self.provenInfeasible = provenInfeasible
  }

  /// What a row of ``table`` concludes.
  public enum Outcome: Sendable, Equatable {
    /// The search finished: optimal with a solution.
    case optimal
    /// Stopped by `limit`: feasible with a solution, no solution otherwise.
    case stopped(SolveLimit)
    case infeasible
    case unbounded
    case numericalError
  }

  /// One row: `nil` matches any value.
  public struct Rule: Sendable {
    public var status: Int32?
    public var secondary: Int32?
    public var hasSolution: Bool?
    public var outcome: Outcome
  }

  /// The rows, first match wins. Codes no row matches give an incumbent stopped for an
  /// unspecified reason when there is a solution, infeasibility when CBC proved it, and
  /// otherwise a failure naming both codes.
  public static let table: [Rule] = [
    Rule(status: 2, secondary: nil, hasSolution: nil, outcome: .numericalError),
    Rule(status: 5, secondary: nil, hasSolution: nil, outcome: .stopped(.interrupted)),
    Rule(status: nil, secondary: 5, hasSolution: nil, outcome: .stopped(.interrupted)),
    Rule(status: nil, secondary: 2, hasSolution: true, outcome: .stopped(.gap)),
    Rule(status: nil, secondary: 3, hasSolution: nil, outcome: .stopped(.nodes)),
    Rule(status: nil, secondary: 4, hasSolution: nil, outcome: .stopped(.time)),
    Rule(status: nil, secondary: 6, hasSolution: nil, outcome: .stopped(.solutions)),
    Rule(status: nil, secondary: 8, hasSolution: nil, outcome: .stopped(.iterations)),
    Rule(status: 0, secondary: 0, hasSolution: true, outcome: .optimal),
    Rule(status: 0, secondary: 1, hasSolution: false, outcome: .infeasible),
    Rule(status: 0, secondary: 7, hasSolution: false, outcome: .unbounded),
    Rule(status: 1, secondary: nil, hasSolution: nil, outcome: .stopped(.unspecified)),
  ]

  /// The termination these codes mean.
  public var termination: Termination {
    let rule = Self.table.first { r in
      (r.status ?? status) == status && (r.secondary ?? secondary) == secondary
        && (r.hasSolution ?? hasSolution) == hasSolution
    }
    switch rule?.outcome {
    case .optimal: return .optimal
    case .stopped(let limit): return hasSolution ? .feasible(limit: limit) : .noSolution(limit: limit)
    case .infeasible: return .infeasible
    case .unbounded: return .unbounded
    case .numericalError: return .numericalError
    case nil:
      if status == 0 && !hasSolution && provenInfeasible { return .infeasible }
      if hasSolution { return .feasible(limit: .unspecified) }
      return .failed("CBC status \(status)/\(secondary)")
    }
  }
}
