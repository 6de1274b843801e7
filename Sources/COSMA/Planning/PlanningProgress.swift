/// What an optimizing planner reports while it runs (``PlannerOptions/progress``).
///
/// Each event has a one-line ``description`` for a person; callers that react to progress read
/// the cases.
public enum PlanningProgress: Sendable, Equatable, CustomStringConvertible {
  /// The path the automatic planner took.
  case path(PlanningPath)
  /// A stage begins.
  case stageStarted(PlanningStage)
  /// A stage ended (its time, and the incumbent and bound it left).
  case stageFinished(StageReport)
  /// The best baseline, the first incumbent.
  case baseline(bytes: ByteCount, method: String)
  /// An ILP is handed to the solver.
  case solveStarted(label: String, variables: Int, integers: Int, rows: Int, seconds: Double)
  /// A solve ended; the incumbent and bound after it.
  case solveFinished(label: String, termination: Termination, objectiveBytes: ByteCount, boundBytes: ByteCount)
  /// The step cover bound was computed (``StepCoverBound``).
  case stepCoverBound(StepCoverBound)
  /// A region bound was computed (``RegionBound``).
  case regionBound(kind: String, bytes: ByteCount, regions: Int, exact: Int)
  /// The region bound's own progress.
  case region(RegionBound.Progress)
  /// The order search ended: its estimate before and after, and the incumbent.
  case orderSearch(estimateBefore: ByteCount, estimateAfter: ByteCount, objectiveBytes: ByteCount, runs: Int)
  /// A residency's offsets were not placed: `proven` when the allocator proved they cannot fit.
  case offsetsNotPlaced(intervals: Int, proven: Bool)
  /// A pass of windows of divide and conquer ended.
  case windows(width: Int, objectiveBytes: ByteCount, solved: Int, notPlaced: Int)
  /// A stage stopped early, and why.
  case note(String)
  /// Tiled planning built a tiling (``Graph/tilingToFit(capacity:target:weights:alignment:inPlace:)``)
  /// for operators whose working set is above `targetBytes`, in `seconds`.
  case tiling(targetBytes: ByteCount, splitOperators: Int, operators: Int, rowsAligned: Bool, seconds: Double)
  /// Tiled planning checked a tiling's rewrite and built its problem, in `seconds`, and gives
  /// its planner `share` seconds.
  case tilingPrepared(operators: Int, seconds: Double, share: Double)

  public var description: String {
    switch self {
    case .path(let p):
      return p.words ?? "path: \(p)"
    case .stageStarted(let s): return "\(s.rawValue)…"
    case .stageFinished(let r):
      return "\(r.stage.rawValue) done in \(String(format: "%.2f", r.seconds)) s: \(groupThousands(r.objectiveBytes)) B, bound \(groupThousands(r.boundBytes)) B"
    case .baseline(let bytes, let method):
      return "best baseline: \(groupThousands(bytes)) B non-compulsory (\(method))"
    case .solveStarted(let label, let v, let i, let r, let s):
      return "\(label): \(groupThousands(v)) variables (\(groupThousands(i)) integer), \(groupThousands(r)) rows, up to \(String(format: "%.1f", s)) s"
    case .solveFinished(let label, let t, let o, let b):
      return "\(label): \(groupThousands(o)) B, bound \(groupThousands(b)) B (\(t.summary))"
    case .regionBound(let kind, let bytes, let regions, let exact):
      return "region bound (\(kind)): \(groupThousands(bytes)) B over \(regions) regions (\(exact) solved exactly)"
    case .region(let p): return "  \(p)"
    case .stepCoverBound(let b):
      return "step cover bound: \(groupThousands(b.bytes)) B (\(b.levels) levels, \(groupThousands(b.states)) sets of operators\(b.isExact ? "" : ", stopped"))"
    case .orderSearch(let before, let after, let o, let runs):
      return "order search: \(groupThousands(before)) → \(groupThousands(after)) B estimated (best of \(runs) run\(runs == 1 ? "" : "s")); \(groupThousands(o)) B"
    case .offsetsNotPlaced(let n, let proven):
      return "offsets of the ILP's residency \(proven ? "proven not to fit" : "not placed within the allocator's search limit") (\(n) intervals)"
    case .windows(let width, let o, let solved, let notPlaced):
      return "windows of \(width) operators: \(groupThousands(o)) B (\(solved) windows solved, \(notPlaced) not placed)"
    case .note(let text): return text
    case .tiling(let target, let split, let operators, let aligned, let seconds):
      return "tiling above \(groupThousands(target)) B: \(split) operators split into \(groupThousands(operators))"
        + (aligned ? " (row tiles lined up)" : "") + " in \(String(format: "%.2f", seconds)) s"
    case .tilingPrepared(let operators, let seconds, let share):
      return "tiling of \(groupThousands(operators)) operators checked and its problem built in \(String(format: "%.2f", seconds)) s; "
        + "planned in up to \(String(format: "%.1f", share)) s"
    }
  }
}
