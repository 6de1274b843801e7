/// The best verified plan found so far and the best proven lower bound: the bookkeeping every
/// optimizing planner shares.
///
/// A candidate replaces the plan only when it moves fewer non-compulsory bytes and the verifier
/// accepts it, so the incumbent is valid at every moment and never gets worse. The bound only
/// rises.
struct Incumbent {
  private(set) var plan: Plan
  private(set) var bound: ByteCount
  private let verifier: Verifier

  init(plan: Plan, bound: ByteCount, graph: Graph) {
    self.plan = plan
    self.bound = bound
    self.verifier = Verifier(graph: graph)
  }

  /// Non-compulsory bytes of the plan.
  var bytes: ByteCount { plan.traffic.nonCompulsoryBytes }

  /// Whether no plan can move fewer bytes.
  var isProven: Bool { bytes <= bound }

  /// `(bytes − bound) / bytes`, 0 when proven.
  var relativeGap: Double { isProven ? 0 : Double(bytes - bound) / Double(bytes) }

  /// Keeps `candidate` when it moves fewer bytes and verifies; returns whether it was kept.
  @discardableResult
  mutating func offer(_ candidate: Plan) -> Bool {
    guard candidate.traffic.nonCompulsoryBytes < bytes, verifier.isValid(candidate) else { return false }
    plan = candidate
    return true
  }

  /// Raises the bound to `proven` if that is higher.
  mutating func raiseBound(to proven: ByteCount) {
    bound = max(bound, proven)
  }
}
