/// The smallest capacity the allocator places a set of buffers in, and what is proven about it.
public struct MinimumCapacity: Sendable, Equatable {
  /// The smallest capacity placed.
  public var capacity: ByteCount
  /// The offsets at that capacity, one per buffer in input order.
  public var offsets: [ByteCount]
  /// Every capacity below this is proven too small: the minimum is proven when it equals
  /// ``capacity``.
  public var provenAtLeast: ByteCount
  /// What the best greedy placement needs: best fit (TFLite's rule) and first fit, over four
  /// orders.
  public var greedyCapacity: ByteCount
  /// What squeaky wheel made of the best greedy placement (see ``SqueakyWheel``).
  public var improvedCapacity: ByteCount

  public var isProven: Bool { provenAtLeast >= capacity }
}

extension OffsetAllocator {
  /// From this many buffers, the exact search rarely settles a capacity within seconds, and
  /// minimizing gives most of its time to improving the greedy placement.
  static let exactSearchScale = 2_000
  /// From this many buffers, the exact search settles no capacity within seconds at all (a node
  /// of 100,000 buffers takes a second), and squeaky wheel gets nearly all the time.
  static let greedyOnlyScale = 20_000

  /// The best greedy placement over several orders, improved by squeaky wheel (see
  /// ``SqueakyWheel``), then a binary search between the peak of live bytes and it, each
  /// capacity tried with this allocator's limits (its ``capacity`` is ignored). Only
  /// multiples of the sizes' common divisor are tried: a placement pushed down as far as it goes
  /// has every offset a sum of sizes, so the least capacity is such a multiple. nil only for
  /// buffers that cannot be placed at all (none: a greedy placement always exists).
  ///
  /// ``timeLimit`` bounds the whole search: each capacity tried gets what is left of it.
  public func minimumCapacity(_ buffers: [Buffer]) -> MinimumCapacity? {
    if buffers.isEmpty { return MinimumCapacity(capacity: 0, offsets: [], provenAtLeast: 0, greedyCapacity: 0, improvedCapacity: 0) }
    let deadline = timeLimit.map { ContinuousClock.now.advanced(by: $0) }
    func at(_ c: ByteCount) -> AllocationOutcome {
      var a = self
      a.capacity = c
      if let deadline {
        // Four fifths of what is left: a search stops only between nodes, and one node of an
        // instance of 100,000 buffers takes a second.
        a.timeLimit = max((deadline - ContinuousClock.now) * 0.8, .zero)
      }
      return a.allocate(buffers)
    }
    // The best of the greedy orders, unbounded: the first answer, in O(n log n) per order.
    let sized = buffers.map { b -> Buffer in
      var c = b
      c.size = roundUp(b.size, to: alignment)
      return c
    }
    var greedy: (ByteCount, [ByteCount])?
    var greedyOrder: (order: [Int], lowest: Bool)?
    var perOrder: Duration = .zero
    let lifetimes = LifetimeIndex(sized)
    // Each order with best fit (the smallest gap) and first fit (the lowest gap); the next pass
    // only if it would end before the deadline (a million buffers: two seconds each), and an
    // order is sorted only if a pass follows.
    passes: for order in Self.greedyOrders(sized, while: { greedy == nil || deadline.map { ContinuousClock.now + perOrder <= $0 } ?? true }) {
      for lowest in [false, true] {
        if greedy != nil, let deadline, ContinuousClock.now + perOrder > deadline { break passes }
        let started = ContinuousClock.now
        defer { perOrder = max(perOrder, ContinuousClock.now - started) }
        guard let offsets = bestFit(sized, order: order, end: .max, lowest: lowest, index: lifetimes) else { continue }
        let extent = self.extent(sized, offsets)
        if greedy.map({ extent < $0.0 }) ?? true {
          greedy = (extent, offsets)
          greedyOrder = (order, lowest)
        }
      }
    }
    guard let greedy, let greedyOrder else { return nil }
    let unit = buffers.reduce(0) { greatestCommonDivisor($0, roundUp($1.size, to: alignment)) }
    let step = max(unit, alignment)
    var low = roundUp(peakLiveBufferBytes(buffers, alignment: alignment), to: step)  // below `low` is ruled out
    // On instances too large for the exact search, the greedy order improved by squeaky wheel
    // for most of the time (on smaller ones the exact search does better with all of it: the
    // MiniMalloc suite's proofs took twice as long after a tenth of the time went to it).
    let improved =
      buffers.count < Self.exactSearchScale
      ? (extent: greedy.0, offsets: greedy.1)
      : SqueakyWheel(buffers: sized, floor: low).improve(
        start: greedy, order: greedyOrder.order, lowest: greedyOrder.lowest, allocator: self, lifetimes: lifetimes, passTime: perOrder,
        deadline: deadline.map { ContinuousClock.now + (($0 - ContinuousClock.now) * (buffers.count < Self.greedyOnlyScale ? 0.6 : 0.95)) })
    var best = (improved.extent, improved.offsets)
    if best.0 <= low {
      return MinimumCapacity(capacity: best.0, offsets: best.1, provenAtLeast: low, greedyCapacity: greedy.0, improvedCapacity: improved.extent)
    }
    var proven = low  // every capacity below `proven` is infeasible
    // The lower bound first: on real instances the peak of live bytes is usually reachable, and
    // a placement there is proven minimal at once (a bisection would first spend its time on
    // capacities between).
    // A capacity is tried only if its first greedy pass would end before the deadline.
    func timeLeft() -> Bool { deadline.map { ContinuousClock.now + perOrder < $0 } ?? true }
    if low < best.0, timeLeft() {
      switch at(low) {
      case .placed(let offsets):
        return MinimumCapacity(capacity: low, offsets: offsets, provenAtLeast: low, greedyCapacity: greedy.0, improvedCapacity: improved.extent)
      case .infeasible:
        low += step
        proven = low
      case .unknown: low += step
      }
    }
    while low < best.0, timeLeft() {
      let mid = low + (best.0 - low) / step / 2 * step
      switch at(mid) {
      case .placed(let offsets): best = (mid, offsets)
      case .infeasible:
        low = mid + step
        proven = max(proven, low)  // nothing fits in `mid`, so nothing in less
      case .unknown: low = mid + step
      }
    }
    return MinimumCapacity(capacity: best.0, offsets: best.1, provenAtLeast: proven, greedyCapacity: greedy.0, improvedCapacity: improved.extent)
  }
}

/// The most bytes live at one time, sizes rounded up to the alignment.
public func peakLiveBufferBytes(_ buffers: [Buffer], alignment: Int = 1) -> ByteCount {
  var changes: [(Int, Int)] = []
  for b in buffers {
    changes.append((b.lower, roundUp(b.size, to: alignment)))
    changes.append((b.upper, -roundUp(b.size, to: alignment)))
  }
  changes.sort { ($0.0, $0.1) < ($1.0, $1.1) }
  var live = 0
  var peak = 0
  for (_, d) in changes {
    live += d
    peak = max(peak, live)
  }
  return peak
}

/// The greatest common divisor (0 with 0 gives 0).
func greatestCommonDivisor(_ a: Int, _ b: Int) -> Int { b == 0 ? a : greatestCommonDivisor(b, a % b) }
