extension Graph {
  /// A tiling in which every tile fits `capacity`: each operator whose working set exceeds
  /// `target` (at most `capacity`) split into the fewest row tiles whose largest fits `target`,
  /// or else `capacity`; then, while a tile of the tiled graph does not fit `capacity` (a
  /// neighbour's tiles cut its tensors into more slices, each rounded up to the alignment), one
  /// more tile for its operator.
  ///
  /// With `target == capacity` this is what a simple compiler does: split only what does not fit,
  /// into the fewest tiles. A smaller target splits more operators, so that consecutive ones can
  /// pass rows to each other without their whole tensors ever being on chip.
  ///
  /// - Returns: nil when some operator fits in no number of tiles (`capacity` below `M_T`).
  public func tilingToFit(
    capacity: ByteCount, target: ByteCount, weights: WeightsPlacement, alignment: Int
  ) throws -> TiledGraph? {
    var tiling = Tiling()
    for o in operatorIDs {
      let whole = largestTile(of: o, tiles: 1, weights: weights, alignment: alignment)
      guard whole > target else { continue }
      guard
        let k = fewestTiles(of: o, capacity: target, weights: weights, alignment: alignment)
          ?? fewestTiles(of: o, capacity: capacity, weights: weights, alignment: alignment)
      else { return nil }
      tiling[o] = k
    }
    for _ in 0..<64 {
      let tiled = try self.tiled(tiling)
      var grown = false
      for (o, tiles) in tiled.operators.enumerated() {
        let largest = tiles.map { t in
          tiled.graph.workingSet(of: t, weights: weights).reduce(0) { $0 + roundUp(tiled.graph[$1].bytes, to: alignment) }
        }.max() ?? 0
        guard largest > capacity else { continue }
        let id = OperatorID(o)
        let rows = rowMap(of: id)?.rows ?? 1
        guard tiling[id] < rows else { return nil }
        tiling[id] = max(tiling[id] + 1, tiling[id] * 5 / 4)
        tiling[id] = min(tiling[id], rows)
        grown = true
      }
      if !grown { return tiled }
    }
    return nil
  }
}
