import Foundation

/// A handle that stops a planning run, for callers outside Swift concurrency (a compiler's
/// thread, a signal handler's flag).
///
/// The planner checks it between stages and between the solves of a stage; a solve that has
/// started runs to its own limit. The run then returns its best verified plan with the bound it
/// has, and its report says it was cancelled. Cancelling the Swift `Task` that runs the planner
/// has the same effect.
public final class PlanningCancellation: @unchecked Sendable {
  private let lock = NSLock()
  private var cancelled = false

  public init() {}

  /// Asks the run to stop at its next check. Safe from any thread.
  public func cancel() {
    lock.lock()
    cancelled = true
    lock.unlock()
  }

  /// Whether ``cancel()`` was called.
  public var isCancelled: Bool {
    lock.lock()
    defer { lock.unlock() }
    return cancelled
  }
}
