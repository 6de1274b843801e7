extension Graph {
  /// A tiling in which every tile fits `capacity`: each operator whose working set exceeds
  /// `target` (at most `capacity`) split into the fewest row tiles whose largest fits `target`,
  /// or else into the fewest row tiles, or failing that channel tiles, or failing both the grid
  /// of rows × channels of fewest tiles, that fit `capacity` (channel tiles read their whole
  /// input, so they are kept for what rows cannot fit); then, while a tile of the tiled graph does not fit `capacity` (a
  /// neighbour's tiles cut its tensors into more slices, each rounded up to the alignment), one
  /// more tile for its operator.
  ///
  /// With `target == capacity` this is what a simple compiler does: split only what does not fit,
  /// into the fewest tiles. A smaller target splits more operators, so that consecutive ones can
  /// pass rows to each other without their whole tensors ever being on chip.
  ///
  /// With `inPlace`, an operator (or tile) that may write its output over an input of the same
  /// size (``inPlaceWrites(of:)``) counts its working set less that output: it need not be split
  /// as long as that fits, whether the input can die there is left to the planning problem.
  ///
  /// - Returns: nil when some operator fits in no number of tiles (`capacity` below `M_T`).
  public func tilingToFit(
    capacity: ByteCount, target: ByteCount, weights: WeightsPlacement, alignment: Int, inPlace: Bool = false
  ) throws -> TiledGraph? {
    var tiling = Tiling()
    for o in operatorIDs {
      let whole = largestTile(of: o, tiles: 1, weights: weights, alignment: alignment)
      let saving = inPlace ? inPlaceSaving(of: o, alignment: alignment) : 0
      guard whole - saving > target else { continue }
      if let (k, axis) = fewestTiles(of: o, capacity: target, weights: weights, alignment: alignment, axes: [.rows])
        ?? fewestTiles(of: o, capacity: capacity, weights: weights, alignment: alignment)
      {
        tiling[o] = k
        if axis == .channels { tiling.channels.insert(o) }
      } else if let grid = fewestGridTiles(of: o, capacity: capacity, weights: weights, alignment: alignment) {
        tiling[o] = grid.rows
        tiling.columns[o] = grid.columns
      } else {
        return nil
      }
    }
    for _ in 0..<64 {
      let tiled = try self.tiled(tiling)
      var grown = false
      for (o, tiles) in tiled.operators.enumerated() {
        let largest = tiles.map { t in
          tiled.graph.workingSet(of: t, weights: weights).reduce(0) { $0 + roundUp(tiled.graph[$1].bytes, to: alignment) }
            - (inPlace ? tiled.graph.inPlaceSaving(of: t, alignment: alignment) : 0)
        }.max() ?? 0
        guard largest > capacity else { continue }
        let id = OperatorID(o)
        if tiling.columns(of: id) > 1 {
          // A grid: more channel tiles while the limit allows, else more row tiles.
          let (r, c) = (tiling[id], tiling.columns(of: id))
          let (rows, channels) = (rowMap(of: id)?.extent ?? 1, channelMap(of: id)?.extent ?? 1)
          let wider = min(channels, max(c + 1, c * 5 / 4))
          let taller = min(rows, max(r + 1, r * 5 / 4))
          if wider > c, r * wider <= Graph.maximumGridTiles {
            tiling.columns[id] = wider
          } else if taller > r, taller * c <= Graph.maximumGridTiles {
            tiling[id] = taller
          } else {
            return nil
          }
          grown = true
          continue
        }
        var axis = tiling.axis(of: id)
        if tiling[id] == 1 && rowMap(of: id) == nil { axis = .channels }
        let most = tileMap(of: id, along: axis)?.extent ?? 1
        guard tiling[id] < most else { return nil }
        tiling[id] = min(most, max(tiling[id] + 1, tiling[id] * 5 / 4))
        if axis == .channels { tiling.channels.insert(id) }
        grown = true
      }
      if !grown { return tiled }
    }
    return nil
  }
}
