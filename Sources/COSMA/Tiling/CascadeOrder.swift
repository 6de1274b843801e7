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
  public var cascadeSchedule: [OperatorID] {
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
      ready.insert((band[i], i))
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

/// A binary min-heap of ready operators by band, then position in the file.
private struct BandQueue {
  private var items: [(band: Double, position: Int)] = []

  private func less(_ a: Int, _ b: Int) -> Bool {
    (items[a].band, items[a].position) < (items[b].band, items[b].position)
  }

  mutating func insert(_ item: (band: Double, position: Int)) {
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
