/// The ancestors and descendants of every operator, as bit sets over operator indices: what
/// must run before and after each operator in every topological order.
struct Reachability: Sendable {
  var ancestors: [[UInt64]]
  var descendants: [[UInt64]]

  /// The most operators whose bit sets are built: two sets of n² bits, 900 MB at this size (a
  /// 200,000-operator graph would need 10 GB). The bounds that need them give nothing beyond it.
  static let maximumOperators = 60_000

  /// Over the graph's edges and the extra `before` pairs (`a` runs before `b`), which must not
  /// close a cycle.
  init(graph: Graph, before: [(OperatorID, OperatorID)] = []) {
    let n = graph.operators.count
    let words = (n + 63) / 64
    var predecessors = graph.predecessors
    var successors = graph.successors
    for (a, b) in before {
      predecessors[b.rawValue].append(a)
      successors[a.rawValue].append(b)
    }
    // File order need not be topological; compute an order.
    var order: [Int] = []
    var missing = predecessors.map(\.count)
    var ready = (0..<n).filter { missing[$0] == 0 }
    while let o = ready.popLast() {
      order.append(o)
      for s in successors[o] {
        missing[s.rawValue] -= 1
        if missing[s.rawValue] == 0 { ready.append(s.rawValue) }
      }
    }
    var anc = [[UInt64]](repeating: [UInt64](repeating: 0, count: words), count: n)
    for o in order {
      for p in predecessors[o] {
        anc[o][p.rawValue / 64] |= 1 << UInt64(p.rawValue % 64)
        for w in 0..<words { anc[o][w] |= anc[p.rawValue][w] }
      }
    }
    var desc = [[UInt64]](repeating: [UInt64](repeating: 0, count: words), count: n)
    for o in order.reversed() {
      for s in successors[o] {
        desc[o][s.rawValue / 64] |= 1 << UInt64(s.rawValue % 64)
        for w in 0..<words { desc[o][w] |= desc[s.rawValue][w] }
      }
    }
    ancestors = anc
    descendants = desc
  }

  /// Whether operator `a` is an ancestor of operator `b`.
  func isAncestor(_ a: Int, of b: Int) -> Bool { ancestors[b][a / 64] & (1 << UInt64(a % 64)) != 0 }

  /// Whether operator `d` is a descendant of operator `b`.
  func isDescendant(_ d: Int, of b: Int) -> Bool { descendants[b][d / 64] & (1 << UInt64(d % 64)) != 0 }
}
