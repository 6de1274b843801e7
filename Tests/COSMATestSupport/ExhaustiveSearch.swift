import COSMA

/// The minimum non-compulsory traffic of any plan, by exhaustive search: every topological
/// order, every choice of what to evict before each step, every offset of every (re)load.
///
/// Written from SPEC §1 alone, sharing nothing with the planners, for graphs of a handful of
/// operators. Dominance rules that lose nothing: a tensor is loaded right before a step that uses
/// it, stored only when evicted with a later use and no DRAM copy, and freed after its last use.
/// Branch and bound prunes a state when its traffic plus the traffic any completion must still
/// pay (loads of inputs and weights not resident, stores of outputs not produced) reaches the
/// best plan found; states reached by different orders share one memo entry.
public struct ExhaustiveSearch {
  let graph: Graph
  let slots: Int
  /// Tensors that occupy the scratchpad (weights leave with external weights).
  let planned: [Bool]
  let units: [Int]
  let bytes: [Int]
  let kind: [TensorKind]
  /// Per operator: the distinct planned tensors it reads or writes, and those it produces.
  let working: [[Int]]
  let produces: [[Int]]
  /// Per tensor: a bit per operator that reads or writes it; the producer's index or -1.
  let userMask: [Int]
  let producer: [Int]
  /// Per operator: a bit per operator it depends on.
  let dependsOn: [Int]

  public init(graph: Graph, capacity: Int, alignment: Int, weights: WeightsPlacement) {
    self.graph = graph
    slots = capacity / alignment
    planned = graph.tensors.map { weights == .scratchpad || $0.kind != .weight }
    units = graph.tensors.map { ($0.bytes + alignment - 1) / alignment }
    bytes = graph.tensors.map(\.bytes)
    kind = graph.tensors.map(\.kind)
    var producer = Array(repeating: -1, count: graph.tensors.count)
    var userMask = Array(repeating: 0, count: graph.tensors.count)
    var working: [[Int]] = []
    for (o, op) in graph.operators.enumerated() {
      var seen: [Int] = []
      for t in op.inputs + op.outputs where planned[t.rawValue] && !seen.contains(t.rawValue) {
        seen.append(t.rawValue)
        userMask[t.rawValue] |= 1 << o
      }
      working.append(seen)
      for t in op.outputs { producer[t.rawValue] = o }
    }
    self.producer = producer
    self.userMask = userMask
    self.working = working
    produces = graph.operators.map { $0.outputs.map(\.rawValue) }
    dependsOn = graph.operators.map { op in
      op.inputs.reduce(0) { mask, t in producer[t.rawValue] >= 0 ? mask | (1 << producer[t.rawValue]) : mask }
    }
  }

  /// Total traffic minus compulsory traffic of the best plan, or nil if there is none.
  ///
  /// With `atMost`, the search looks only for plans whose non-compulsory traffic is at most that
  /// figure (a known plan's, to prune with): it returns the best such plan's, or nil if every
  /// plan costs more. The answer is exact either way.
  public func minimumNonCompulsory(atMost limit: Int? = nil) -> Int? {
    var compulsory = 0
    for t in graph.tensors.indices where planned[t] {
      let read = graph.operators.contains { $0.inputs.contains(TensorID(t)) }
      if kind[t] == .output || (kind[t] != .activation && read) { compulsory += bytes[t] }
    }
    var best = limit.map { $0 + compulsory + 1 } ?? Int.max
    let initial = best
    var memo: [[Int]: Int] = [:]
    let resident = Array(repeating: -1, count: graph.tensors.count)
    search(done: 0, resident: resident, dram: 0, cost: 0, best: &best, memo: &memo)
    return best == initial ? nil : best - compulsory
  }

  func usedLater(_ t: Int, _ done: Int) -> Bool { userMask[t] & ~done != 0 }

  /// Traffic every completion of a state must still pay: a load of each input or weight that a
  /// pending operator reads and that is not resident, and the store of each output not produced.
  func unavoidable(done: Int, resident: [Int]) -> Int {
    var total = 0
    for t in bytes.indices where planned[t] {
      switch kind[t] {
      case .input, .weight:
        if resident[t] < 0 && usedLater(t, done) { total += bytes[t] }
      case .output:
        if done & (1 << producer[t]) == 0 { total += bytes[t] }
      case .activation:
        break
      }
    }
    return total
  }

  /// Explores every next operator from a state: which operators ran, what is resident where
  /// (offset in alignment units, -1 if not), and which activations have a DRAM copy (a bit per
  /// tensor). The future depends on nothing else.
  func search(done: Int, resident: [Int], dram: Int, cost: Int, best: inout Int, memo: inout [[Int]: Int]) {
    if cost + unavoidable(done: done, resident: resident) >= best { return }
    if done == (1 << graph.operators.count) - 1 { best = cost; return }
    let key = [done, dram] + resident
    if let seen = memo[key], seen <= cost { return }
    memo[key] = cost
    let current = resident.indices.filter { resident[$0] >= 0 }
    for o in graph.operators.indices where done & (1 << o) == 0 && dependsOn[o] & ~done == 0 {
      // Every subset of the resident tensors to keep, keeping more first.
      for mask in (0..<(1 << current.count)).reversed() {
        var kept = resident
        var c = cost
        var d = dram
        for (i, t) in current.enumerated() where mask & (1 << i) == 0 {
          kept[t] = -1
          if d & (1 << t) == 0 && kind[t] != .input && kind[t] != .weight {
            c += bytes[t]  // spill store: resident tensors all have a later use
            d |= 1 << t
          }
        }
        let missing = working[o].filter { kept[$0] < 0 }
        place(o, missing, 0, kept, c, d, done, &best, &memo)
      }
    }
  }

  func place(_ o: Int, _ missing: [Int], _ i: Int, _ resident: [Int], _ cost: Int, _ dram: Int, _ done: Int,
             _ best: inout Int, _ memo: inout [[Int]: Int]) {
    if cost >= best { return }
    if i == missing.count {
      // Run, store produced outputs, free what has no later use.
      var r = resident
      var c = cost
      var d = dram
      for t in produces[o] where kind[t] == .output {
        c += bytes[t]
        d |= 1 << t
      }
      let after = done | (1 << o)
      for t in r.indices where r[t] >= 0 && !usedLater(t, after) { r[t] = -1 }
      search(done: after, resident: r, dram: d, cost: c, best: &best, memo: &memo)
      return
    }
    let t = missing[i]
    var c = cost
    if producer[t] != o {
      let available = kind[t] == .input || kind[t] == .weight || dram & (1 << t) != 0
      if !available { return }
      c += bytes[t]
    }
    let u = units[t]
    var p = 0
    while p + u <= slots {
      var free = true
      for other in resident.indices where resident[other] >= 0 {
        let q = resident[other]
        if p < q + units[other] && q < p + u { free = false; break }
      }
      if free {
        var r = resident
        r[t] = p
        place(o, missing, i + 1, r, c, dram, done, &best, &memo)
      }
      p += 1
    }
  }
}
