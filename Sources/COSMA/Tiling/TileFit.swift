extension Graph {
  /// The scratchpad bytes the largest tile of operator `o` needs when `o` alone is split into
  /// `k` row tiles (its inputs cut where its tiles' needs start and end, its output where its
  /// tiles start, each slice rounded up to `alignment`), or its whole working set for `k == 1`
  /// or an operator that cannot be split.
  ///
  /// In a tiled graph where neighbours are split too, tensors may be cut further, and a tile
  /// may then need up to `alignment − 1` bytes more per extra slice.
  public func largestTile(of o: OperatorID, tiles k: Int, weights: WeightsPlacement, alignment: Int) -> ByteCount {
    let whole = workingSet(of: o, weights: weights).reduce(0) { $0 + roundUp(self[$1].bytes, to: alignment) }
    guard k > 1, let map = rowMap(of: o), k <= map.rows else { return whole }
    let op = self[o]
    let outputRows = (0..<k).map { j in (j * map.rows / k)..<((j + 1) * map.rows / k) }
    // Each distinct input once, with the rows of each tile, or nil for the whole tensor.
    var seen = Set<TensorID>()
    var parts: [(bytes: Int, rows: Int, needs: [Range<Int>]?)] = []
    for (m, x) in op.inputs.enumerated() where seen.insert(x).inserted && isPlanned(x, weights: weights) {
      guard let (_, n) = rows(of: x), map.inputs[m] != .whole else {
        parts.append((self[x].bytes, 1, nil))
        continue
      }
      parts.append((self[x].bytes, n, outputRows.map { map.inputRows(m, outputs: $0, inputRows: n) ?? 0..<n }))
    }
    let y = op.outputs[0]
    parts.append((self[y].bytes, map.rows, outputRows))
    // The slices of each tensor: cut at every tile's start and end.
    let slices = parts.map { part in
      part.needs.map { needs in Set(needs.flatMap { [$0.lowerBound, $0.upperBound] } + [0, part.rows]).sorted() }
    }
    var largest = 0
    var first = [Int](repeating: 0, count: parts.count)  // the first slice a tile may overlap
    for j in 0..<k {
      var bytes = 0
      for (p, part) in parts.enumerated() {
        guard let needs = part.needs, let cuts = slices[p] else {
          bytes += roundUp(part.bytes, to: alignment)
          continue
        }
        let rowBytes = part.bytes / part.rows
        // Needs move forward with j, so the scan starts where the last tile's did.
        while first[p] + 1 < cuts.count, cuts[first[p] + 1] <= needs[j].lowerBound { first[p] += 1 }
        var s = first[p]
        while s + 1 < cuts.count, cuts[s] < needs[j].upperBound {
          if (cuts[s]..<cuts[s + 1]).overlaps(needs[j]) { bytes += roundUp(rowBytes * (cuts[s + 1] - cuts[s]), to: alignment) }
          s += 1
        }
      }
      largest = max(largest, bytes)
    }
    return largest
  }

  /// The fewest row tiles of operator `o` whose largest fits in `capacity` bytes, or nil when
  /// no number of tiles does.
  public func fewestTiles(of o: OperatorID, capacity: ByteCount, weights: WeightsPlacement, alignment: Int) -> Int? {
    let most = rowMap(of: o)?.rows ?? 1
    for k in 1...most where largestTile(of: o, tiles: k, weights: weights, alignment: alignment) <= capacity {
      return k
    }
    return nil
  }

  /// `M_T`: the smallest scratchpad in which every operator runs, split into row tiles where
  /// that helps (the largest over operators of the smallest largest tile any number of tiles
  /// gives), and the operator that sets it.
  public func smallestTiledScratchpad(weights: WeightsPlacement, alignment: Int) -> (bytes: ByteCount, operator: OperatorID) {
    var best = (bytes: 0, operator: OperatorID(0))
    for o in operatorIDs {
      let most = rowMap(of: o)?.rows ?? 1
      var smallest = Int.max
      for k in 1...most {
        smallest = min(smallest, largestTile(of: o, tiles: k, weights: weights, alignment: alignment))
        if smallest <= best.bytes { break }  // cannot raise the maximum
      }
      if smallest > best.bytes { best = (smallest, o) }
    }
    return best
  }
}
