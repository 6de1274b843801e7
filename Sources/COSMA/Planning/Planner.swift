/// Something that turns a planning problem into a plan.
public protocol Planner: Sendable {
  /// Which planner this is.
  var kind: PlannerKind { get }
  /// Plans `problem`. The plan is not verified yet; ``plan(_:with:)`` verifies it.
  func makePlan(for problem: PlanningProblem) throws -> PlannerOutput
}

extension Planner {
  /// The name used by `--planner` and in plan files.
  public var name: String { kind.rawValue }
}

/// A planner's plan, before verification, with the report of how it was found.
public struct PlannerOutput: Sendable {
  public var plan: Plan
  public var report: PlanningReport

  public init(plan: Plan, report: PlanningReport) {
    self.plan = plan
    self.report = report
  }
}

/// A plan that the verifier accepted, with the figures a user asks about first.
public struct PlanningResult: Sendable {
  public var plan: Plan
  /// How the plan was found: path, termination, bound and stages.
  public var report: PlanningReport
  /// The largest number of scratchpad bytes occupied at once.
  public var peakOccupancy: ByteCount
}

/// A planner produced a plan that the verifier rejected: a bug in COSMA, never a user error.
public struct InvalidPlanError: Error, Sendable, CustomStringConvertible {
  public var planner: String
  public var violations: [Violation]
  public var description: String {
    "internal error: planner '\(planner)' produced a plan with \(violations.count) violation(s); "
      + "first: \(violations.first.map(String.init(describing:)) ?? "-")"
  }
}

/// Plans `problem` with `planner`, then verifies the plan independently.
///
/// - Throws: ``InvalidPlanError`` if the verifier finds any violation, so that no unverified plan
///   ever reaches a user.
public func plan(_ problem: PlanningProblem, with planner: any Planner) throws -> PlanningResult {
  let output = try planner.makePlan(for: problem)
  let violations = Verifier(graph: problem.graph).violations(of: output.plan)
  guard violations.isEmpty else {
    throw InvalidPlanError(planner: planner.name, violations: violations)
  }
  return PlanningResult(
    plan: output.plan, report: output.report,
    peakOccupancy: problem.peakOccupancy(of: output.plan.events))
}
