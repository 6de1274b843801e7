import Foundation

/// Settings of the optimal planner.
public struct IlpOptions: Sendable {
  /// Wall-clock seconds for the whole planner (baselines and every solve).
  public var timeLimit: Double = 60
  /// Stop when the relative gap between the plan and the bound is at most this.
  public var relativeGap: Double = 0
  /// How many residencies whose offsets do not fit may be excluded before giving up.
  public var maxOffsetCuts: Int = 25
  /// Where to write the first ILP in LP format, if anywhere.
  public var lpPath: String?
  /// Receives progress lines (the library never prints).
  public var progress: (@Sendable (String) -> Void)?

  public init(timeLimit: Double = 60, relativeGap: Double = 0) {
    self.timeLimit = timeLimit
    self.relativeGap = relativeGap
  }
}

/// The optimal planner: an ILP over schedule and residency solved by CBC, with offsets placed by
/// the exact ``OffsetAllocator``.
///
/// 1. The four baselines run first; the best is the incumbent and the ILP's MIP start, so the
///    result is never worse than a baseline. When it moves no non-compulsory byte it is optimal.
/// 2. ``ResidencyFormulation`` is solved: schedule and residency with "live bytes ≤ capacity",
///    a relaxation of the joint problem, so its bound is a lower bound on every plan.
/// 3. The solution's intervals are placed by the exact allocator. If they fit, the plan reaches
///    the relaxation's optimum and is optimal for the joint problem. If not, a no-good cut
///    excludes that residency (and every one containing it) and the ILP is solved again.
///
/// On a time limit the best verified plan is returned with the best bound and its gap.
public struct IlpPlanner: Planner {
  public var options: IlpOptions
  public init(options: IlpOptions = IlpOptions()) { self.options = options }
  public var name: String { "ilp" }

  public func makePlan(for problem: PlanningProblem) throws -> Plan {
    let clock = Stopwatch()
    let say = options.progress ?? { _ in }
    var best = try BestBaselinePlanner().makePlan(for: problem)
    let baselineName = best.planner.method
    say("best baseline: \(groupThousands(best.traffic.nonCompulsoryBytes)) B non-compulsory (\(baselineName))")
    var bound = 0
    var proven = best.traffic.nonCompulsoryBytes == 0
    var iterations = 0
    var lastSize = (0, 0)
    var formulation = ResidencyFormulation(problem: problem)
    while !proven && iterations <= options.maxOffsetCuts {
      let remaining = options.timeLimit - clock.seconds
      if remaining <= 0.05 { break }
      formulation.build()
      let model = formulation.model
      lastSize = (model.variables.count, model.rows.count)
      if iterations == 0, let path = options.lpPath {
        try? model.lpText().write(toFile: path, atomically: true, encoding: .utf8)
      }
      say("solving the ILP: \(model.variables.count) variables (\(model.integerCount) integer), \(model.rows.count) rows, \(String(format: "%.0f", remaining)) s left")
      var solve = SolveOptions(timeLimit: remaining, relativeGap: options.relativeGap > 0 ? options.relativeGap : nil)
      solve.mipStart = formulation.assignment(for: best)
      let result = CbcSolver().solve(model, options: solve)
      iterations += 1
      if let b = result.bound { bound = max(bound, Int((b - 1e-6).rounded(.up))) }
      if result.termination == .infeasible { break }
      guard let values = result.values else { break }
      let residency = formulation.decode(values)
      guard let events = problem.realize(residency) else {
        say("offsets do not fit the ILP's residency; excluding it and solving again")
        formulation.excluded.append(ResidencyFormulation.cutSupport(residency))
        continue
      }
      let candidate = problem.makePlan(events: events, info: PlannerInfo(method: name, status: .feasible))
      if Verifier(graph: problem.graph).isValid(candidate),
        candidate.traffic.nonCompulsoryBytes < best.traffic.nonCompulsoryBytes
      {
        best = candidate
      }
      say("ILP \(result.termination == .optimal ? "optimal" : "stopped"): \(groupThousands(best.traffic.nonCompulsoryBytes)) B, bound \(groupThousands(bound)) B, \(String(format: "%.2f", result.seconds)) s")
      if result.termination == .optimal {
        bound = max(bound, Int((result.objective! - 1e-6).rounded(.up)))
      }
      break
    }
    let value = best.traffic.nonCompulsoryBytes
    proven = proven || value <= bound
    var info = PlannerInfo(
      method: name, status: proven ? .optimal : .feasible, objectiveBytes: value,
      boundBytes: proven ? value : bound, seconds: clock.seconds)
    if best.planner.method != name { info.method = "\(name) (kept \(best.planner.method))" }
    if iterations > 0 {
      info.modelVariables = lastSize.0
      info.modelRows = lastSize.1
      info.solves = iterations
    }
    best.planner = info
    return best
  }
}
