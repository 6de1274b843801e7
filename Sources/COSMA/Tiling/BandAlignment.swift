extension Graph {
  /// `tiling` with the row tiles of neighbouring operators lined up: every operator split along
  /// rows alone gets the most row tiles of any such operator it is connected to through tensors
  /// of the same number of rows (a chain of operators at one resolution, such as a DenseNet
  /// block). Tile `j` of `k` covers `[j·n/k, (j+1)·n/k)`, so with equal counts a producer's
  /// tiles write exactly the rows its readers' tiles read, halos aside: a concatenation's
  /// tiles then read one slice per input and write one, and can be done in place, and a band
  /// of rows can pass through the whole chain. nil when it changes nothing.
  func bandAligned(_ tiling: Tiling) -> Tiling? {
    // Operators split along rows alone, with their output rows.
    var rows: [OperatorID: Int] = [:]
    for (o, k) in tiling.counts where k > 1 && tiling.axis(of: o) == .rows && tiling.columns(of: o) == 1
      && tiling.steps(of: o) == 1 && tiling.depth(of: o) == 1
    {
      if let extent = rowMap(of: o)?.extent { rows[o] = extent }
    }
    guard rows.count > 1 else { return nil }
    // Union-find over producer–reader pairs of equal row counts.
    var parent = Dictionary(uniqueKeysWithValues: rows.keys.map { ($0, $0) })
    func find(_ o: OperatorID) -> OperatorID {
      var r = o
      while parent[r]! != r { r = parent[r]! }
      var x = o
      while parent[x]! != r {
        let next = parent[x]!
        parent[x] = r
        x = next
      }
      return r
    }
    // A dissolved concatenation joins its readers to its inputs' producers.
    let dissolved = tiling.dissolvesConcatenations ? dissolvableConcatenations() : [:]
    func producers(of t: TensorID) -> [OperatorID] {
      guard let p = producer[t.rawValue] else { return [] }
      guard let d = dissolved[p] else { return [p] }
      return d.parts.flatMap { producers(of: $0.input) }
    }
    for o in rows.keys.sorted() {
      for t in self[o].inputs {
        for p in producers(of: t) {
          guard let n = rows[p], n == rows[o] else { continue }
          let (a, b) = (find(o), find(p))
          if a != b { parent[max(a, b)] = min(a, b) }
        }
      }
    }
    var most: [OperatorID: Int] = [:]
    for o in rows.keys { most[find(o), default: 1] = max(most[find(o), default: 1], tiling[o]) }
    var aligned = tiling
    for (o, n) in rows { aligned[o] = min(n, most[find(o)]!) }
    return aligned == tiling ? nil : aligned
  }
}
