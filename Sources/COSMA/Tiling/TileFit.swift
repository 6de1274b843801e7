extension Graph {
  /// The scratchpad bytes the largest tile of operator `o` needs when `o` alone is split into
  /// `k` tiles along `axis` (its inputs cut where its tiles' needs start and end, its output
  /// where its tiles start, each slice rounded up to `alignment`), or its whole working set for
  /// `k == 1` or an operator that cannot be split so.
  ///
  /// In a tiled graph where neighbours are split too, tensors may be cut further, and a tile
  /// may then need up to `alignment − 1` bytes more per extra slice.
  public func largestTile(
    of o: OperatorID, tiles k: Int, along axis: TileAxis = .rows, weights: WeightsPlacement, alignment: Int
  ) -> ByteCount {
    let whole = workingSet(of: o, weights: weights).reduce(0) { $0 + roundUp(self[$1].bytes, to: alignment) }
    guard k > 1, let map = tileMap(of: o, along: axis), k <= map.extent else { return whole }
    let op = self[o]
    let outputParts = (0..<k).map { j in (j * map.extent / k)..<((j + 1) * map.extent / k) }
    // Each distinct input once, with the part of each tile, or nil for the whole tensor.
    var seen = Set<TensorID>()
    var parts: [(bytes: Int, extent: Int, needs: [Range<Int>]?, bands: [[Range<Int>]])] = []
    for (m, x) in op.inputs.enumerated() where seen.insert(x).inserted && isPlanned(x, weights: weights) {
      guard let a = map.inputAxes[m], let n = extent(of: x, along: a) else {
        parts.append((self[x].bytes, 1, nil, []))
        continue
      }
      // What each tile needs: its bands, and their hull for the scan.
      let bands = outputParts.map { map.inputRanges(m, outputs: $0, inputExtent: n) ?? [0..<n] }
      let hulls = bands.map { b in (b.first?.lowerBound ?? 0)..<(b.last?.upperBound ?? 0) }
      parts.append((self[x].bytes, n, hulls, bands))
    }
    let y = op.outputs[0]
    parts.append((self[y].bytes, map.extent, outputParts, outputParts.map { [$0] }))
    // The slices of each tensor: cut at every band's start and end.
    let slices = parts.map { part in
      part.needs.map { _ in
        Set(part.bands.flatMap { $0.flatMap { [$0.lowerBound, $0.upperBound] } } + [0, part.extent]).sorted()
      }
    }
    var largest = 0
    for j in 0..<k {
      var bytes = 0
      for (p, part) in parts.enumerated() {
        guard let needs = part.needs, let cuts = slices[p] else {
          bytes += roundUp(part.bytes, to: alignment)
          continue
        }
        let partBytes = part.bytes / part.extent
        // The first slice ending after the need starts (the cuts are sorted).
        var lo = 0, hi = cuts.count - 1
        while lo < hi {
          let mid = (lo + hi) / 2
          if cuts[mid + 1] <= needs[j].lowerBound { lo = mid + 1 } else { hi = mid }
        }
        var s = lo
        while s + 1 < cuts.count, cuts[s] < needs[j].upperBound {
          let slice = cuts[s]..<cuts[s + 1]
          if part.bands[j].contains(where: { slice.overlaps($0) }) {
            bytes += roundUp(partBytes * slice.count, to: alignment)
          }
          s += 1
        }
      }
      largest = max(largest, bytes)
    }
    return largest
  }

  /// The tile counts tried for an output of `extent` parts, smallest first: every count to 32,
  /// then steps of a quarter up to `extent` (so that wide channel axes stay cheap to search).
  static func tileCounts(_ extent: Int) -> [Int] {
    guard extent >= 2 else { return [] }
    var counts = Array(2...min(extent, 32))
    var k = 32
    while k < extent {
      k = min(extent, k + max(1, k / 4))
      counts.append(k)
    }
    return counts
  }

  /// The fewest tiles of operator `o`, by rows first and then by channels, whose largest fits
  /// in `capacity` bytes, or nil when no number of tiles along either axis does.
  public func fewestTiles(
    of o: OperatorID, capacity: ByteCount, weights: WeightsPlacement, alignment: Int, axes: [TileAxis] = [.rows, .channels]
  ) -> (tiles: Int, axis: TileAxis)? {
    for axis in axes {
      if largestTile(of: o, tiles: 1, weights: weights, alignment: alignment) <= capacity { return (1, .rows) }
      for k in Graph.tileCounts(tileMap(of: o, along: axis)?.extent ?? 1)
      where largestTile(of: o, tiles: k, along: axis, weights: weights, alignment: alignment) <= capacity {
        return (k, axis)
      }
    }
    return nil
  }

  /// `M_T`: the smallest scratchpad in which every operator runs, split into row or channel
  /// tiles where that helps (the largest over operators of the smallest largest tile any number
  /// of tiles along either axis gives), and the operator that sets it.
  public func smallestTiledScratchpad(weights: WeightsPlacement, alignment: Int) -> (bytes: ByteCount, operator: OperatorID) {
    var best = (bytes: 0, operator: OperatorID(0))
    for o in operatorIDs {
      var smallest = largestTile(of: o, tiles: 1, weights: weights, alignment: alignment)
      for axis in [TileAxis.rows, .channels] {
        for k in Graph.tileCounts(tileMap(of: o, along: axis)?.extent ?? 1).reversed() {
          smallest = min(smallest, largestTile(of: o, tiles: k, along: axis, weights: weights, alignment: alignment))
          if smallest <= best.bytes { break }  // cannot raise the maximum
        }
        if smallest <= best.bytes { break }
      }
      if smallest > best.bytes { best = (smallest, o) }
    }
    return best
  }
}
