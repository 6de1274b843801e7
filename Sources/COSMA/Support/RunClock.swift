import Foundation

/// The clock a planner's time limit is measured on, shared by every stage of a run.
///
/// By default it reads wall-clock seconds. In deterministic mode it reads *work seconds*: the
/// work the stages have reported with ``charge(_:)`` (solver nodes and simplex iterations,
/// allocator search nodes, order-search evaluations, converted at fixed rates), so that every
/// decision taken on the clock is the same on any machine and under any load.
final class RunClock: @unchecked Sendable {
  let deterministic: Bool
  private let wall = Stopwatch()
  private let lock = NSLock()
  private var work = 0.0
  private var cuts: [String] = []

  init(deterministic: Bool = false) { self.deterministic = deterministic }

  /// Seconds on this clock: work seconds in deterministic mode, wall-clock seconds otherwise.
  var seconds: Double { deterministic ? lock.withLock { work } : wall.seconds }

  /// Wall-clock seconds since the clock started, whatever the mode.
  var wallSeconds: Double { wall.seconds }

  /// Adds work done, in work seconds (ignored by a wall clock, which measures it by itself).
  func charge(_ workSeconds: Double) {
    guard deterministic, workSeconds > 0 else { return }
    lock.withLock { work += workSeconds }
  }

  /// Records that a wall-clock safety limit stopped some work, and what it was: the run's
  /// result may then depend on the machine.
  func recordWallClockCut(_ what: String) { lock.withLock { cuts.append(what) } }

  /// What the wall-clock safety limits stopped, in order.
  var wallClockCuts: [String] { lock.withLock { cuts } }

  /// Whether every decision of the run was taken on work alone.
  var stayedDeterministic: Bool { deterministic && lock.withLock { cuts.isEmpty } }
}
