import Foundation

/// Something that turns a planning problem into a plan.
public protocol Planner: Sendable {
  /// The name used by `--planner` and in plan files.
  var name: String { get }
  /// Plans `problem`. The result is not verified; ``plan(_:with:)`` verifies it.
  func makePlan(for problem: PlanningProblem) throws -> Plan
}

/// A plan that the verifier accepted, with the figures a user asks about first.
public struct PlanningResult: Sendable {
  public var plan: Plan
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
  let plan = try planner.makePlan(for: problem)
  let violations = Verifier(graph: problem.graph).violations(of: plan)
  guard violations.isEmpty else {
    throw InvalidPlanError(planner: planner.name, violations: violations)
  }
  return PlanningResult(plan: plan, peakOccupancy: peakOccupancy(of: plan.events, problem: problem))
}

/// The largest sum of resident sizes over a plan's events.
public func peakOccupancy(of events: [PlanEvent], problem: PlanningProblem) -> ByteCount {
  var resident = 0
  var peak = 0
  for e in events {
    switch e {
    case .load(let t, _), .alloc(let t, _):
      resident += problem.size(t)
      peak = max(peak, resident)
    case .free(let t):
      resident -= problem.size(t)
    case .run, .store:
      break
    }
  }
  return peak
}

extension PlanningProblem {
  /// The traffic of a list of events, measured the planners' way (the verifier has its own).
  func traffic(of events: [PlanEvent]) -> Traffic {
    var total = 0
    for e in events {
      switch e {
      case .load(let t, _), .store(let t): total += graph[t].bytes
      case .alloc, .run, .free: break
      }
    }
    return Traffic(totalBytes: total, compulsoryBytes: compulsoryBytes)
  }

  /// Wraps events into a plan with its measured traffic.
  func makePlan(events: [PlanEvent], info: PlannerInfo) -> Plan {
    let traffic = traffic(of: events)
    var info = info
    info.objectiveBytes = traffic.nonCompulsoryBytes
    return Plan(
      graphName: graph.name, accelerator: accelerator, planner: info, traffic: traffic,
      events: events)
  }
}

/// Measures wall-clock seconds.
struct Stopwatch {
  private let start = DispatchTime.now()
  var seconds: Double { Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9 }
}
