extension Graph {
  /// A tiling in which every tile fits `capacity`: each operator whose working set exceeds
  /// `target` (at most `capacity`) split into the fewest row tiles whose largest fits `target`;
  /// below the capacity, else into the fewest channel tiles that fit `target` when its weights
  /// outweigh its other tensors (each row tile reads them whole), or else into the fewest row
  /// tiles within twice its finest row tile; or else into the fewest row tiles that fit
  /// `capacity`, or failing that channel tiles, or failing both the grid
  /// of rows × channels of fewest tiles, or failing that too the split with its reduction in
  /// partial sums of fewest tiles, that fit `capacity` (channel tiles read their whole
  /// input, so they are kept for what rows cannot fit), and failing all of these, the same in
  /// the fewest blocks of frames (an operator of `N, C, D, H, W`); then, while a tile of the
  /// tiled graph does not fit `capacity` (a neighbour's tiles cut its tensors into more slices,
  /// each rounded up to the alignment), one more tile for its operator.
  ///
  /// With `target == capacity` this is what a simple compiler does: split only what does not fit,
  /// into the fewest tiles. A smaller target splits more operators, so that consecutive ones can
  /// pass rows to each other without their whole tensors ever being on chip.
  ///
  /// With `inPlace`, an operator (or tile) that may write its output over an input of the same
  /// size (``inPlaceWrites(of:)``) counts its working set less that output: it need not be split
  /// as long as that fits, whether the input can die there is left to the planning problem; a
  /// split or a pad whose outputs may be read in place counts them as nothing.
  ///
  /// - Returns: nil when some operator fits in no number of tiles (`capacity` below `M_T`).
  public func tilingToFit(
    capacity: ByteCount, target: ByteCount, weights: WeightsPlacement, alignment: Int, inPlace: Bool = false
  ) throws -> TiledGraph? {
    var tiling = Tiling()
    // With in-place operators, concatenations are dissolved: they need no tiles.
    tiling.dissolvesConcatenations = inPlace
    let dissolved = inPlace ? dissolvableConcatenations() : [:]
    for o in operatorIDs where dissolved[o] == nil {
      let whole = largestTile(of: o, tiles: 1, weights: weights, alignment: alignment)
      let saving = inPlace ? memorySaving(of: o, weights: weights, alignment: alignment) : 0
      guard whole - saving > target else { continue }
      if let k = fewestTiles(of: o, capacity: target, weights: weights, alignment: alignment, axes: [.rows])?.tiles {
        tiling[o] = k
        continue
      }
      // Below the capacity, an operator whose rows cannot reach the target because its
      // weights, read whole by every row tile, take most of the room is split by channels
      // when those reach it.
      if target < capacity, weightsOutweighActivations(of: o, weights: weights),
        let k = fewestTiles(of: o, capacity: target, weights: weights, alignment: alignment, axes: [.channels])?.tiles
      {
        tiling[o] = k
        if k > 1 { tiling.channels.insert(o) }
        continue
      }
      // Else, below the capacity, rows as fine as needed to come within twice the finest row
      // tile (the fewest that merely fit the capacity would leave tiles far above the target).
      if target < capacity, let most = rowMap(of: o)?.extent, most > 1 {
        let finest = largestTile(of: o, tiles: most, along: .rows, weights: weights, alignment: alignment)
        if 2 * finest < capacity,
          let k = fewestTiles(of: o, capacity: 2 * finest, weights: weights, alignment: alignment, axes: [.rows])?.tiles
        {
          tiling[o] = k
          continue
        }
      }
      // Whole frames first; blocks of frames (fewest first) only when nothing else fits.
      let depths = [1] + Graph.tileCounts(depthMap(of: o)?.extent ?? 1)
      guard let d = depths.first(where: { split(o, depth: $0, into: &tiling, capacity: capacity, weights: weights, alignment: alignment) })
      else { return nil }
      if d > 1 { tiling.depths[o] = d }
    }
    for _ in 0..<64 {
      let tiled = try self.tiled(tiling)
      // Past this size no planner plans the graph in any time limit.
      if tiled.graph.operators.count > 100_000 { return nil }
      var grown = false
      for (o, tiles) in tiled.operators.enumerated() {
        let largest = tiles.map { t in
          tiled.graph.workingSet(of: t, weights: weights).reduce(0) { $0 + roundUp(tiled.graph[$1].bytes, to: alignment) }
            - (inPlace ? tiled.graph.memorySaving(of: t, weights: weights, alignment: alignment) : 0)
        }.max() ?? 0
        guard largest > capacity else { continue }
        let id = OperatorID(o)
        let steps = tiling.steps(of: id), frames = tiling.depth(of: id)
        if steps == 1, tiling.columns(of: id) > 1 {
          // A grid: more channel tiles while the limit allows, else more row tiles.
          let (r, c) = (tiling[id], tiling.columns(of: id))
          let (rows, channels) = (rowMap(of: id)?.extent ?? 1, channelMap(of: id)?.extent ?? 1)
          let wider = min(channels, max(c + 1, c * 5 / 4))
          let taller = min(rows, max(r + 1, r * 5 / 4))
          if wider > c, r * wider * frames <= Graph.maximumGridTiles {
            tiling.columns[id] = wider
            grown = true
            continue
          } else if taller > r, taller * c * frames <= Graph.maximumGridTiles {
            tiling[id] = taller
            grown = true
            continue
          }
        } else if steps == 1 {
          // One axis: more tiles along it.
          var axis = tiling.axis(of: id)
          if tiling[id] == 1 && rowMap(of: id) == nil { axis = .channels }
          let most = tileMap(of: id, along: axis)?.extent ?? 1
          let more = min(most, max(tiling[id] + 1, tiling[id] * 5 / 4))
          if tiling[id] < most, frames == 1 || more * frames <= Graph.maximumGridTiles {
            tiling[id] = more
            if axis == .channels { tiling.channels.insert(id) }
            grown = true
            continue
          }
        }
        // As fine as that goes, or with partial sums: rows, channels or steps, whichever makes
        // the largest tile the smallest (a partial is the output's region at the accumulator's
        // size, which only rows and channels shrink); grids and partial sums from here on.
        guard let split = refined(id, tiling, weights: weights, alignment: alignment) else { return nil }
        tiling = split
        grown = true
      }
      if !grown { return tiled }
    }
    return nil
  }

  /// Whether operator `o`'s weights in the scratchpad take more bytes than its other inputs
  /// and outputs.
  private func weightsOutweighActivations(of o: OperatorID, weights: WeightsPlacement) -> Bool {
    guard weights == .scratchpad else { return false }
    let set = workingSet(of: o, weights: weights)
    let weightBytes = set.filter { self[$0].kind == .weight }.reduce(0) { $0 + self[$1].bytes }
    return 2 * weightBytes > set.reduce(0) { $0 + self[$1].bytes }
  }

  /// Splits operator `o` in `tiling`, each of `depth` blocks of frames, into the fewest row
  /// tiles, or failing that channel tiles, or failing both the grid of rows × channels of
  /// fewest tiles, or failing that too the split with its reduction in partial sums of fewest
  /// tiles, whose largest fits `capacity`; false when none does.
  private func split(
    _ o: OperatorID, depth: Int, into tiling: inout Tiling, capacity: ByteCount, weights: WeightsPlacement, alignment: Int
  ) -> Bool {
    if let (k, axis) = fewestTiles(of: o, capacity: capacity, weights: weights, alignment: alignment, depth: depth) {
      tiling[o] = k
      if axis == .channels { tiling.channels.insert(o) }
    } else if let grid = fewestGridTiles(of: o, capacity: capacity, weights: weights, alignment: alignment, depth: depth) {
      tiling[o] = grid.rows
      tiling.columns[o] = grid.columns
    } else if let split = fewestSteppedTiles(of: o, capacity: capacity, weights: weights, alignment: alignment, depth: depth) {
      tiling[o] = split.tiles
      if split.axis == .channels { tiling.channels.insert(o) }
      if split.columns > 1 { tiling.columns[o] = split.columns }
      tiling.steps[o] = split.steps
    } else {
      return false
    }
    return true
  }

  /// Operator `o`'s split in `tiling` one step finer along rows, channels, its reduction or
  /// its depth, whichever makes its largest tile the smallest (the fewest tiles on a tie), at
  /// most ``Graph/maximumGridTiles`` tiles when it is split along more than one; nil when none
  /// is finer.
  func refined(_ o: OperatorID, _ tiling: Tiling, weights: WeightsPlacement, alignment: Int) -> Tiling? {
    // As rows × channels × steps × depth.
    typealias Split = (r: Int, c: Int, s: Int, d: Int)
    let channelsOnly = tiling.channels.contains(o)
    let now: Split = (
      channelsOnly ? 1 : tiling[o], channelsOnly ? tiling[o] : tiling.columns(of: o), tiling.steps(of: o), tiling.depth(of: o)
    )
    func grow(_ n: Int, _ most: Int?) -> Int? {
      guard let most, n < most else { return nil }
      return min(most, max(n + 1, n * 5 / 4))
    }
    var options: [Split] = []
    if let r = grow(now.r, rowMap(of: o)?.extent) { options.append((r, now.c, now.s, now.d)) }
    if let c = grow(now.c, channelMap(of: o)?.extent) { options.append((now.r, c, now.s, now.d)) }
    if let s = grow(now.s, reductionMap(of: o)?.extent) { options.append((now.r, now.c, s, now.d)) }
    if let d = grow(now.d, depthMap(of: o)?.extent) { options.append((now.r, now.c, now.s, d)) }
    func tiles(_ p: Split) -> Int { p.r * p.c * p.s * p.d }
    let scored = options.filter { p in
      [p.r, p.c, p.s, p.d].filter { $0 > 1 }.count <= 1 || tiles(p) <= Graph.maximumGridTiles
    }.map { p -> (split: Split, bytes: Int) in
      let bytes =
        p.r == 1 && p.c > 1
        ? largestTile(of: o, tiles: p.c, along: .channels, steps: p.s, depth: p.d, weights: weights, alignment: alignment)
        : largestTile(of: o, tiles: p.r, columns: p.c, steps: p.s, depth: p.d, weights: weights, alignment: alignment)
      return (p, bytes)
    }
    guard let best = scored.min(by: { ($0.bytes, tiles($0.split)) < ($1.bytes, tiles($1.split)) }) else { return nil }
    var next = tiling
    let p = best.split
    next.channels.remove(o)
    next.columns[o] = nil
    if p.r == 1 && p.c > 1 {
      next[o] = p.c
      next.channels.insert(o)
    } else {
      next[o] = p.r
      if p.c > 1 { next.columns[o] = p.c }
    }
    next.steps[o] = p.s > 1 ? p.s : nil
    next.depths[o] = p.d > 1 ? p.d : nil
    return next
  }
}
