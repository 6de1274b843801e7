extension Graph {
  /// The scratchpad bytes the largest tile of operator `o` needs when `o` alone is split into
  /// `k` tiles along `axis`, or into a grid of `k` row tiles of `columns` channel tiles each,
  /// with its reduction in `steps` partial sums, each of all these in `depth` blocks of frames
  /// (its inputs cut where its tiles' needs start and end, its output where its tiles start,
  /// each slice rounded up to `alignment`), or its whole working set for `k == 1` or an
  /// operator that cannot be split so.
  ///
  /// In a tiled graph where neighbours are split too, tensors may be cut further, and a tile
  /// may then need up to `alignment − 1` bytes more per extra slice.
  public func largestTile(
    of o: OperatorID, tiles k: Int, along axis: TileAxis = .rows, columns: Int = 1, steps: Int = 1, depth: Int = 1,
    weights: WeightsPlacement, alignment: Int
  ) -> ByteCount {
    let whole = workingSet(of: o, weights: weights).reduce(0) { $0 + roundUp(self[$1].bytes, to: alignment) }
    // The maps and their parts: the depth; one axis, or rows then channels for a grid of
    // `k × columns`; then the reduction's steps.
    var axes = [(TileAxis.depth, depth)]
    axes += columns > 1 ? [(TileAxis.rows, k), (.channels, columns)] : [(axis, k)]
    if steps > 1 { axes.append((.reduction, steps)) }
    var maps: [(map: TileMap, parts: [Range<Int>])] = []
    for (a, n) in axes where n > 1 {
      guard let map = tileMap(of: o, along: a), n <= map.extent else { return whole }
      maps.append((map, (0..<n).map { j in (j * map.extent / n)..<((j + 1) * map.extent / n) }))
    }
    guard !maps.isEmpty else { return whole }
    let op = self[o]
    // Each distinct input once, and the output: along each axis a map constrains, its extent,
    // the bands each part of that map needs, and the cuts those bands make.
    struct Constraint {
      var map: Int
      var extent: Int
      var bands: [[Range<Int>]]
      var cuts: [Int]
    }
    var parts: [(bytes: Int, constraints: [Constraint], final: Bool)] = []
    let reduction = maps.firstIndex { $0.map.axis == .reduction }
    func constraint(_ m: Int, extent n: Int, bands: [[Range<Int>]]) -> Constraint {
      Constraint(
        map: m, extent: n, bands: bands,
        cuts: Set(bands.flatMap { $0.flatMap { [$0.lowerBound, $0.upperBound] } } + [0, n]).sorted())
    }
    var seen = Set<TensorID>()
    for (i, x) in op.inputs.enumerated() where seen.insert(x).inserted && isPlanned(x, weights: weights) {
      var constraints: [Constraint] = []
      for (m, entry) in maps.enumerated() {
        guard let a = entry.map.inputAxes[i], let n = extent(of: x, along: a) else { continue }
        constraints.append(constraint(m, extent: n, bands: entry.parts.map { entry.map.inputRanges(i, outputs: $0, inputExtent: n) ?? [0..<n] }))
      }
      parts.append((self[x].bytes, constraints, reduction.map { maps[$0].map.inputs[i] == .final } ?? false))
    }
    let firstOutput = parts.count
    for y in op.outputs {
      parts.append(
        (
          self[y].bytes,
          maps.enumerated().filter { $0.element.map.axis != .reduction }.map { m, e in
            constraint(m, extent: e.map.extent, bands: e.parts.map { [$0] })
          }, false
        ))
    }
    // A chain's partial sums: the output's elements at the accumulator's size (and, for
    // attention, a maximum and a sum per row and head).
    let headWidth = attentionHeadWidth(of: o)
    let outputElements = op.outputs.first.flatMap { self[$0].shape }.flatMap { checkedProduct($0) } ?? 0
    let accumulator = op.outputs.first.flatMap { y -> Int? in
      guard let shape = self[y].shape, let n = checkedProduct(shape), n > 0 else { return nil }
      return TensorPartial.accumulatorBytes(elementBytes: max(1, self[y].bytes / n)) * n
    }
    // Per tile (a part of each map), per tensor: the slices that overlap what it needs, as
    // lengths along each constrained axis; bytes are each slice's share, rounded up.
    func lengths(_ c: Constraint, _ j: Int) -> [Int] {
      let bands = c.bands[j]
      guard let first = bands.first?.lowerBound, let last = bands.last?.upperBound else { return [] }
      // The first slice ending after the need starts (the cuts are sorted).
      var lo = 0, hi = c.cuts.count - 1
      while lo < hi {
        let mid = (lo + hi) / 2
        if c.cuts[mid + 1] <= first { lo = mid + 1 } else { hi = mid }
      }
      var out: [Int] = []
      var s = lo
      while s + 1 < c.cuts.count, c.cuts[s] < last {
        let slice = c.cuts[s]..<c.cuts[s + 1]
        if bands.contains(where: { slice.overlaps($0) }) { out.append(slice.count) }
        s += 1
      }
      return out
    }
    // The slices each part's constraints give for each part of their map, computed once.
    let table: [[[[Int]]]] = parts.map { part in part.constraints.map { c in c.bands.indices.map { lengths(c, $0) } } }
    let shares = parts.map { part in part.constraints.reduce(1) { $0 * $1.extent } }
    let radices = maps.map(\.parts.count)
    let count = radices.reduce(1, *)
    var tile = [Int](repeating: 0, count: maps.count)
    var volumes: [Int] = [], next: [Int] = []
    volumes.reserveCapacity(64)
    next.reserveCapacity(64)
    var largest = 0
    for t in 0..<count {
      // Tile `t` as one part of each map, the last map varying fastest.
      var rest = t
      for m in stride(from: maps.count - 1, through: 0, by: -1) {
        tile[m] = rest % radices[m]
        rest /= radices[m]
      }
      var bytes = 0
      let step = reduction.map { tile[$0] } ?? 0, last = reduction.map { radices[$0] - 1 } ?? 0
      for (p, part) in parts.enumerated() {
        if part.final && step != last { continue }
        // The bytes of one element of the constrained axes (all other axes whole).
        let cell = part.bytes / shares[p]
        volumes.removeAll(keepingCapacity: true)
        volumes.append(1)
        for (ci, c) in part.constraints.enumerated() {
          let l = table[p][ci][tile[c.map]]
          next.removeAll(keepingCapacity: true)
          for v in volumes { for x in l { next.append(v * x) } }
          swap(&volumes, &next)
        }
        if reduction != nil, p == firstOutput, let accumulator {
          // The partial read (after the first step) and written (before the last).
          let elements = outputElements / shares[p] * volumes.reduce(0, +)
          let stats = headWidth.map { 8 * ((elements + $0 - 1) / $0) } ?? 0
          let partial = roundUp(accumulator / shares[p] * volumes.reduce(0, +) + stats, to: alignment)
          bytes += (step > 0 ? partial : 0) + (step < last ? partial : 0)
          if step < last { continue }
        }
        guard !part.constraints.isEmpty else {
          bytes += roundUp(part.bytes, to: alignment)
          continue
        }
        for v in volumes { bytes += roundUp(cell * v, to: alignment) }
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
  /// in `capacity` bytes, or nil when no number of tiles along either axis does. With `depth`,
  /// in each of that many blocks of frames (at most ``maximumGridTiles`` tiles in all).
  public func fewestTiles(
    of o: OperatorID, capacity: ByteCount, weights: WeightsPlacement, alignment: Int, axes: [TileAxis] = [.rows, .channels],
    depth: Int = 1
  ) -> (tiles: Int, axis: TileAxis)? {
    for axis in axes {
      if largestTile(of: o, tiles: 1, depth: depth, weights: weights, alignment: alignment) <= capacity { return (1, .rows) }
      for k in Graph.tileCounts(tileMap(of: o, along: axis)?.extent ?? 1)
      where (depth == 1 || k * depth <= Graph.maximumGridTiles)
        && largestTile(of: o, tiles: k, along: axis, depth: depth, weights: weights, alignment: alignment) <= capacity
      {
        return (k, axis)
      }
    }
    return nil
  }

  /// The most tiles a grid of rows and channels may have: finer grids make tiled graphs too
  /// large to plan.
  public static let maximumGridTiles = 1_024

  /// The grids of rows × channels tried for operator `o`, at most ``maximumGridTiles`` tiles
  /// (with `depth`, in each of that many blocks of frames): for each row count
  /// (``tileCounts(_:)``), the channel counts that keep within it. Empty when `o` cannot be
  /// split along both.
  func gridCounts(of o: OperatorID, depth: Int = 1) -> [(rows: Int, columns: Int)] {
    guard let rows = rowMap(of: o)?.extent, let channels = channelMap(of: o)?.extent else { return [] }
    let columnCounts = Graph.tileCounts(channels)
    return Graph.tileCounts(rows).flatMap { r in
      columnCounts.filter { r * $0 * depth <= Graph.maximumGridTiles }.map { (r, $0) }
    }
  }

  /// The grid of fewest tiles of operator `o` whose largest fits in `capacity`, or nil (see
  /// ``gridCounts(of:)``). For each row count, the fewest channel tiles that fit (found by
  /// bisection: more channel tiles never need more), then the fewest tiles in all.
  public func fewestGridTiles(
    of o: OperatorID, capacity: ByteCount, weights: WeightsPlacement, alignment: Int, depth: Int = 1
  ) -> (rows: Int, columns: Int)? {
    var best: (rows: Int, columns: Int)?
    var byRows: [Int: [Int]] = [:]
    for (r, c) in gridCounts(of: o, depth: depth) { byRows[r, default: []].append(c) }
    for (r, columns) in byRows.sorted(by: { $0.key < $1.key }) {
      func fits(_ i: Int) -> Bool {
        largestTile(of: o, tiles: r, columns: columns[i], depth: depth, weights: weights, alignment: alignment) <= capacity
      }
      guard let last = columns.indices.last, fits(last) else { continue }
      var lo = 0, hi = last
      while lo < hi {
        let mid = (lo + hi) / 2
        if fits(mid) { hi = mid } else { lo = mid + 1 }
      }
      if best.map({ r * columns[lo] < $0.rows * $0.columns }) ?? true { best = (r, columns[lo]) }
    }
    return best
  }

  /// The split of operator `o` with its reduction in partial sums (``reductionMap(of:)``) of
  /// fewest tiles whose largest fits in `capacity`, or nil: for each number of steps (2, 3, 4,
  /// 6, 8, 12, ... and the whole reduction), fewest first, the steps alone, or with the fewest row tiles, channel tiles, or grid of both that
  /// fit (found by bisection: more tiles never need more), at most ``maximumGridTiles`` tiles in
  /// all; the fewest tiles win, then the fewest steps (each partial sum is written and read
  /// once more).
  public func fewestSteppedTiles(
    of o: OperatorID, capacity: ByteCount, weights: WeightsPlacement, alignment: Int, depth: Int = 1
  ) -> (tiles: Int, axis: TileAxis, columns: Int, steps: Int)? {
    let most = Graph.maximumGridTiles / depth
    guard let extent = reductionMap(of: o)?.extent else { return nil }
    var best: (tiles: Int, axis: TileAxis, columns: Int, steps: Int)?
    func total(_ b: (tiles: Int, axis: TileAxis, columns: Int, steps: Int)) -> Int { b.tiles * b.columns * b.steps }
    // The first of `counts` for which `fits` holds, when the last does.
    func first(_ counts: [Int], _ fits: (Int) -> Bool) -> Int? {
      guard let last = counts.indices.last, fits(counts[last]) else { return nil }
      var lo = 0, hi = last
      while lo < hi {
        let mid = (lo + hi) / 2
        if fits(counts[mid]) { hi = mid } else { lo = mid + 1 }
      }
      return counts[lo]
    }
    // Steps 2, 3, 4, 6, 8, 12, ...: each half as many again (a finer choice changes little).
    var counts: [Int] = []
    var n = 2
    while n < min(extent, most) {
      counts.append(n)
      n += max(1, n / 2)
    }
    if extent <= most { counts.append(extent) }
    for s in counts {
      if let b = best, s >= total(b) { break }
      func fits(_ k: Int, _ axis: TileAxis, _ c: Int) -> Bool {
        largestTile(of: o, tiles: k, along: axis, columns: c, steps: s, depth: depth, weights: weights, alignment: alignment)
          <= capacity
      }
      var found: [(tiles: Int, axis: TileAxis, columns: Int, steps: Int)] = []
      if fits(1, .rows, 1) {
        found.append((1, .rows, 1, s))
      } else {
        for axis in [TileAxis.rows, .channels] {
          guard let n = tileMap(of: o, along: axis)?.extent else { continue }
          if let k = first(Graph.tileCounts(n).filter({ $0 * s <= most }), { fits($0, axis, 1) }) {
            found.append((k, axis, 1, s))
          }
        }
        var byRows: [Int: [Int]] = [:]
        for (r, c) in gridCounts(of: o, depth: depth) where r * c * s <= most { byRows[r, default: []].append(c) }
        for (r, columns) in byRows.sorted(by: { $0.key < $1.key }) {
          if let c = first(columns, { fits(r, .rows, $0) }) { found.append((r, .rows, c, s)) }
        }
      }
      for f in found where best.map({ total(f) < total($0) }) ?? true { best = f }
    }
    return best
  }

  /// The smallest largest tile of operator `o` with its reduction in partial sums: for each
  /// number of steps (powers of two and the whole reduction), the steps alone, with the most
  /// row or channel tiles, and with grids of rows (powers of two) × the most channels, within
  /// ``maximumGridTiles`` (with `depth`, in each of that many blocks of frames); nil when the
  /// reduction cannot be split.
  func smallestSteppedTile(
    of o: OperatorID, weights: WeightsPlacement, alignment: Int, above floor: ByteCount, depth: Int = 1
  ) -> ByteCount? {
    guard let extent = reductionMap(of: o)?.extent else { return nil }
    let most = Graph.maximumGridTiles / depth
    var steps: [Int] = []
    var p = 2
    while p < extent && p <= most {
      steps.append(p)
      p *= 2
    }
    if extent <= most { steps.append(extent) }
    let rows = rowMap(of: o)?.extent ?? 1, channels = channelMap(of: o)?.extent ?? 1
    var smallest = Int.max
    for s in steps.reversed() {
      let room = most / s
      var candidates: [(Int, TileAxis, Int)] = [(1, .rows, 1)]
      if rows >= 2 { candidates.append((min(rows, room), .rows, 1)) }
      if channels >= 2 { candidates.append((min(channels, room), .channels, 1)) }
      if rows >= 2, channels >= 2 {
        var r = 2
        while r <= min(rows, room / 2) {
          candidates.append((r, .rows, min(channels, room / r)))
          r *= 2
        }
      }
      for (k, axis, c) in candidates where k >= 1 {
        let bytes = largestTile(
          of: o, tiles: k, along: axis, columns: c, steps: s, depth: depth, weights: weights, alignment: alignment)
        smallest = min(smallest, bytes)
        if smallest <= floor { return smallest }
      }
    }
    return smallest
  }

  /// The smallest largest tile of operator `o` split along rows or channels (any number of
  /// tiles), into a grid of both (the finest within ``maximumGridTiles``), or with its
  /// reduction in partial sums (``smallestSteppedTile(of:weights:alignment:above:depth:)``),
  /// each in `depth` blocks of frames; it stops as soon as it reaches `floor`.
  func smallestTile(of o: OperatorID, depth: Int, weights: WeightsPlacement, alignment: Int, above floor: ByteCount) -> ByteCount {
    var smallest = largestTile(of: o, tiles: 1, depth: depth, weights: weights, alignment: alignment)
    for axis in [TileAxis.rows, .channels] {
      for k in Graph.tileCounts(tileMap(of: o, along: axis)?.extent ?? 1).reversed() where k * depth <= Graph.maximumGridTiles || depth == 1 {
        smallest = min(smallest, largestTile(of: o, tiles: k, along: axis, depth: depth, weights: weights, alignment: alignment))
        if smallest <= floor { break }  // cannot raise the maximum
      }
      if smallest <= floor { break }
    }
    if smallest > floor {
      // The finest grids: for each row count, the most channel tiles within the limit.
      var finest: [Int: Int] = [:]
      for (r, c) in gridCounts(of: o, depth: depth) { finest[r] = max(finest[r] ?? 0, c) }
      for (r, c) in finest.sorted(by: { $0.key > $1.key }) {
        smallest = min(smallest, largestTile(of: o, tiles: r, columns: c, depth: depth, weights: weights, alignment: alignment))
        if smallest <= floor { break }
      }
    }
    if smallest > floor,
      let stepped = smallestSteppedTile(of: o, weights: weights, alignment: alignment, above: floor, depth: depth)
    {
      smallest = min(smallest, stepped)
    }
    return smallest
  }

  /// `M_T`: the smallest scratchpad in which every operator runs, split into row or channel
  /// tiles, or a grid of both, and its reduction into partial sums, where that helps, and an
  /// operator of `N, C, D, H, W` each of these in blocks of frames (the largest over operators
  /// of ``smallestTile(of:depth:weights:alignment:above:)`` over depths), and the operator that
  /// sets it.
  public func smallestTiledScratchpad(weights: WeightsPlacement, alignment: Int) -> (bytes: ByteCount, operator: OperatorID) {
    var best = (bytes: 0, operator: OperatorID(0))
    for o in operatorIDs {
      var smallest = smallestTile(of: o, depth: 1, weights: weights, alignment: alignment, above: best.bytes)
      if smallest > best.bytes, let frames = depthMap(of: o)?.extent {
        for d in Graph.tileCounts(frames).reversed() {
          smallest = min(smallest, smallestTile(of: o, depth: d, weights: weights, alignment: alignment, above: best.bytes))
          if smallest <= best.bytes { break }
        }
      }
      if smallest > best.bytes { best = (smallest, o) }
    }
    return best
  }
}
