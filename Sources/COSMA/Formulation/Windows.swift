/// ASAP/ALAP windows: the steps at which each operator can run in any topological order.
///
/// An operator cannot run before all of its ancestors, nor after all of its descendants, so its
/// step lies in `[|ancestors|, n − 1 − |descendants|]`. Counting ancestors (rather than the
/// longest path) gives the tightest windows that hold for every schedule.
struct ScheduleWindows: Sendable {
  var earliest: [Step]
  var latest: [Step]

  init(graph: Graph, before: [(OperatorID, OperatorID)] = []) {
    let n = graph.operators.count
    func count(_ bits: [UInt64]) -> Int { bits.reduce(0) { $0 + $1.nonzeroBitCount } }
    let reach = Reachability(graph: graph, before: before)
    earliest = reach.ancestors.map(count)
    latest = reach.descendants.map { n - 1 - count($0) }
  }

  /// Windows of a fixed schedule: each operator at its position.
  init(schedule: [OperatorID]) {
    var pos = [Step](repeating: 0, count: schedule.count)
    for (s, o) in schedule.enumerated() { pos[o.rawValue] = s }
    earliest = pos
    latest = pos
  }

  /// Windows of a schedule in which only the operators at steps `free` may move, among those
  /// steps, in any order their dependencies allow: a neighbourhood of divide and conquer.
  init(schedule: [OperatorID], free: ClosedRange<Step>, graph: Graph) {
    self.init(schedule: schedule)
    let members = Array(schedule[free])
    var local = [Int: Int]()
    for (k, o) in members.enumerated() { local[o.rawValue] = k }
    let m = members.count
    let words = (m + 63) / 64
    func count(_ bits: [UInt64]) -> Int { bits.reduce(0) { $0 + $1.nonzeroBitCount } }
    // `members` is in schedule order, a topological order of the window.
    var anc = [[UInt64]](repeating: [UInt64](repeating: 0, count: words), count: m)
    for k in 0..<m {
      for p in graph.predecessors[members[k].rawValue] {
        guard let j = local[p.rawValue] else { continue }
        anc[k][j / 64] |= 1 << UInt64(j % 64)
        for w in 0..<words { anc[k][w] |= anc[j][w] }
      }
    }
    var desc = [[UInt64]](repeating: [UInt64](repeating: 0, count: words), count: m)
    for k in (0..<m).reversed() {
      for s in graph.successors[members[k].rawValue] {
        guard let j = local[s.rawValue] else { continue }
        desc[k][j / 64] |= 1 << UInt64(j % 64)
        for w in 0..<words { desc[k][w] |= desc[j][w] }
      }
    }
    for k in 0..<m {
      earliest[members[k].rawValue] = free.lowerBound + count(anc[k])
      latest[members[k].rawValue] = free.upperBound - count(desc[k])
    }
  }

  func window(_ o: OperatorID) -> ClosedRange<Step> { earliest[o.rawValue]...latest[o.rawValue] }
}
