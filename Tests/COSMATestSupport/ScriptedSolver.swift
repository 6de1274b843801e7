import COSMA
import Foundation

/// A ``MILPSolver`` that answers from a script instead of solving, so that planner logic is
/// tested without CBC: every model and option it is given is recorded, and `reply` decides what
/// each solve returns.
public final class ScriptedSolver: MILPSolver, @unchecked Sendable {
  /// One solve as the planner asked for it.
  public struct Call: Sendable {
    public var model: LinearModel
    public var options: SolveOptions
    /// Whether the model chooses the order: some `run[op@step]` variable is not fixed.
    public var isFreeOrder: Bool { model.variables.contains { $0.name.hasPrefix("run[") && $0.lower < $0.upper } }
  }

  private let lock = NSLock()
  private var recorded: [Call] = []
  private let reply: @Sendable (Call) -> SolveResult

  public init(reply: @escaping @Sendable (Call) -> SolveResult) { self.reply = reply }

  /// A solver whose every solve ends with `termination`, no values and `bound`.
  public convenience init(always termination: Termination, bound: Double? = nil) {
    self.init { _ in
      SolveResult(termination: termination, objective: nil, bound: bound, values: nil, seconds: 0, nodes: 0)
    }
  }

  /// The solves so far, in order.
  public var calls: [Call] {
    lock.lock()
    defer { lock.unlock() }
    return recorded
  }

  public func solve(_ model: LinearModel, options: SolveOptions) -> SolveResult {
    let call = Call(model: model, options: options)
    lock.lock()
    recorded.append(call)
    lock.unlock()
    return reply(call)
  }
}
