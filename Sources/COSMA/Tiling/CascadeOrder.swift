extension Graph {
  /// The order in which a tiled graph's tiles cascade: band by band through the network, the way
  /// Vela's cascades and MCUNetV2's patches run, rather than operator by operator.
  ///
  /// A list schedule: among the operators whose inputs are ready, it runs the one with the
  /// smallest band, then the earliest in the file. A tile's band is the share of its operator's
  /// tiles done once it has run (`(index + 1) / count`: the rows, or frames, it has produced,
  /// since a tile's index runs along rows first); an operator that was not split reads whole
  /// tensors and takes the largest band of its predecessors. So a producer's first rows go on
  /// through every consumer that can use them before its next rows are made, and the whole of a
  /// tiled tensor is rarely live at once. On a graph without tiles it is the file's order.
  ///
  /// - Complexity: O((n + e) log n) for n operators and e edges.
  public var cascadeSchedule: [OperatorID] { cascadeSchedule(segments: nil) }

  /// The cascade order within segments run one after the other: the operators of the original
  /// graph, in file order, cut into segments whose weights add up to at most `weightBytes` (one
  /// operator at least), each segment's tiles cascaded band by band. A band that passed
  /// through a whole network needs all of its weights at once: where they do not fit, each band
  /// would load them again, while a segment loads its own once for all of its bands.
  ///
  /// The cuts are placed where the fewest activation bytes cross them (a tensor made before a
  /// cut and read after it waits in the scratchpad or goes to DRAM): of all the ways to cut the
  /// file order into segments within the budget, the one whose cuts add up to the fewest
  /// crossing bytes. In a DenseNet this cuts after a transition's pooling, where the block's
  /// whole feature map is dead, and not between its batch norm and its convolution.
  ///
  /// - Complexity: O(n + e + m·l) for m operators of the original graph and segments of at
  ///   most l of them.
  public func cascadeSchedule(segmentWeightBytes weightBytes: ByteCount) -> [OperatorID] {
    // Each tile's operator of the original graph, numbered in file order, with its weights.
    var original = [Int](repeating: 0, count: operators.count)
    var numbers: [String: Int] = [:]
    var weightSets: [Set<TensorID>] = []
    for (i, op) in operators.enumerated() {
      let whole = op.tile?.of ?? op.name
      let n: Int
      if let known = numbers[whole] {
        n = known
      } else {
        n = weightSets.count
        numbers[whole] = n
        weightSets.append([])
      }
      original[i] = n
      for x in op.inputs where tensors[x.rawValue].kind == .weight { weightSets[n].insert(x) }
    }
    let m = weightSets.count
    let weightBytesOf = weightSets.map { $0.reduce(0) { $0 + tensors[$1.rawValue].bytes } }
    // The activation bytes crossing a cut before original operator j: made before j, read at
    // or after it.
    var change = [Int](repeating: 0, count: m + 1)
    for (t, tensor) in tensors.enumerated() where tensor.kind != .weight {
      guard let p = producer[t] else { continue }
      let made = original[p.rawValue]
      guard let last = consumers[t].lazy.map({ original[$0.rawValue] }).max(), last > made else { continue }
      change[made + 1] += tensor.bytes
      change[last + 1] -= tensor.bytes
    }
    var crossing = [Int](repeating: 0, count: m + 1)
    for j in 1...m { crossing[j] = crossing[j - 1] + change[j] }
    // cost[j]: the fewest crossing bytes of cuts segmenting operators 0..<j, the last cut
    // before operator start[j].
    var cost = [Int](repeating: .max, count: m + 1)
    var start = [Int](repeating: 0, count: m + 1)
    cost[0] = 0
    for j in 1...m {
      var weights = 0
      var i = j - 1
      while i >= 0 {
        weights += weightBytesOf[i]
        if i < j - 1 && weights > weightBytes { break }
        if cost[i] != .max, cost[i] + crossing[i] <= cost[j] {
          cost[j] = cost[i] + crossing[i]
          start[j] = i
        }
        i -= 1
      }
    }
    var firsts: [Int] = []
    var j = m
    while j > 0 {
      firsts.append(start[j])
      j = start[j]
    }
    var segmentOf = [Int](repeating: 0, count: m)
    for (s, first) in firsts.reversed().enumerated() where first > 0 {
      for n in first..<m { segmentOf[n] = s }
    }
    return cascadeSchedule(segments: original.map { segmentOf[$0] })
  }

  private func cascadeSchedule(segments: [Int]?) -> [OperatorID] {
    guard operators.contains(where: { $0.tile != nil }) else { return defaultSchedule }
    var band = [Double](repeating: 0, count: operators.count)
    var missing = predecessors.map(\.count)
    var ready = BandQueue()
    func enqueue(_ i: Int) {
      if let tile = operators[i].tile {
        band[i] = Double(tile.index + 1) / Double(tile.count)
      } else {
        // Every predecessor has run, so its band is known.
        band[i] = predecessors[i].lazy.map { band[$0.rawValue] }.max() ?? 0
      }
      ready.insert((segments?[i] ?? 0, band[i], i))
    }
    for i in operators.indices where missing[i] == 0 { enqueue(i) }
    var order: [OperatorID] = []
    order.reserveCapacity(operators.count)
    while let next = ready.popMin() {
      order.append(OperatorID(next))
      for s in successors[next] {
        missing[s.rawValue] -= 1
        if missing[s.rawValue] == 0 { enqueue(s.rawValue) }
      }
    }
    return order
  }
}

/// A binary min-heap of ready operators by segment, band, then position in the file.
private struct BandQueue {
  private var items: [(segment: Int, band: Double, position: Int)] = []

  private func less(_ a: Int, _ b: Int) -> Bool {
    (items[a].segment, items[a].band, items[a].position) < (items[b].segment, items[b].band, items[b].position)
  }

  mutating func insert(_ item: (segment: Int, band: Double, position: Int)) {
    items.append(item)
    var i = items.count - 1
    while i > 0, less(i, (i - 1) / 2) {
      items.swapAt(i, (i - 1) / 2)
      i = (i - 1) / 2
    }
  }

  /// Removes and returns the position of the smallest item.
  mutating func popMin() -> Int? {
    guard let first = items.first else { return nil }
    items.swapAt(0, items.count - 1)
    items.removeLast()
    var i = 0
    while true {
      let l = 2 * i + 1, r = l + 1
      var m = i
      if l < items.count, less(l, m) { m = l }
      if r < items.count, less(r, m) { m = r }
      if m == i { break }
      items.swapAt(i, m)
      i = m
    }
    return first.position
  }
}
