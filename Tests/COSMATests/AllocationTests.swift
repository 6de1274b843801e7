@testable import COSMA
import COSMATestSupport
import Foundation
import Testing

/// The offset allocator on its own: MiniMalloc CSV, alignment, infeasibility with its reason, and
/// the independent overlap check.
@Suite struct AllocationTests {
  /// The greedy allocator's sort of occupied ranges by start, on short lists (insertion sort),
  /// medium ones (quicksort), long ones (radix sort) and long ones with starts past 2^30
  /// (quicksort again), duplicates included: the starts come out in order and the ranges are
  /// the same ranges.
  @Test(arguments: [0, 1, 5, 16, 17, 100, 256, 257, 3_000])
  func sortsRangesByStart(count: Int) {
    var rng = SplitMix64(seed: UInt64(count) + 1)
    for wide in [false, true] {
      let ranges: [(lo: ByteCount, hi: ByteCount)] = (0..<count).map { _ in
        let lo = Int(rng.next() % (wide ? 1 << 40 : 5_000)) * 64
        return (lo, lo + Int(rng.next() % 4_096) + 1)
      }
      var sorted = ranges
      var scratch: [(lo: ByteCount, hi: ByteCount)] = []
      sortByStart(&sorted, scratch: &scratch)
      #expect(zip(sorted, sorted.dropFirst()).allSatisfy { $0.lo <= $1.lo })
      let key = { (r: (lo: ByteCount, hi: ByteCount)) in "\(r.lo):\(r.hi)" }
      #expect(sorted.map(key).sorted() == ranges.map(key).sorted())
    }
  }

  @Test func readsAndWritesMiniMallocCSV() throws {
    let text = "id,lower,upper,size\n0,0,10,64\n1,5,15,128\n2,10,20,64\n"
    let instance = try AllocationInstance(csv: text)
    #expect(instance.buffers.count == 3)
    #expect(instance.buffers[1] == Buffer(id: 1, lower: 5, upper: 15, size: 128))
    let written = instance.csv(offsets: [0, 64, 0])
    let back = try AllocationInstance(csv: written)
    #expect(back.buffers == instance.buffers)
    #expect(back.offsets == [0, 64, 0])
  }

  /// Columns in any order and any case, spaces and tabs around cells, Windows line ends, blank
  /// lines, signs.
  @Test func readsCSVLeniently() throws {
    let text = "Size , LOWER,\tid,upper\r\n\r\n 64,0, 7 ,10\r\n+128 ,5,-3,15 \r\n"
    let instance = try AllocationInstance(csv: text)
    #expect(instance.buffers == [Buffer(id: 7, lower: 0, upper: 10, size: 64), Buffer(id: -3, lower: 5, upper: 15, size: 128)])
    #expect(instance.offsets == nil)
  }

  @Test(arguments: [
    ("", "empty"),
    (" \n\t\n", "empty"),
    ("id,lower,upper,size\n0,0,10,99999999999999999999\n", "'size' must be an integer"),
    ("id,lower,upper,size\n0,0,10\n", "'size' must be an integer"),
    ("id,lower,upper,size\n0,0,10,6 4\n", "'size' must be an integer"),
    ("id,lower,upper,size\n0,0,10,-\n", "'size' must be an integer"),
    ("id,lower,size\n0,0,64\n", "missing column 'upper'"),
    ("id,lower,upper,size\n0,0,10,x\n", "'size' must be an integer"),
    ("id,lower,upper,size\n0,5,5,64\n", "lifetime"),
    ("id,lower,upper,size\n0,0,5,0\n", "size must be a positive"),
    ("id,lower,upper,size\n0,0,5,64\n0,1,6,64\n", "duplicate id 0"),
  ])
  func rejectsBadCSV(text: String, fragment: String) {
    do {
      _ = try AllocationInstance(csv: text, origin: "bad.csv")
      Issue.record("accepted: \(text)")
    } catch let e as InputError {
      #expect(e.description.contains(fragment), "\(e)")
      #expect(e.description.hasPrefix("bad.csv"))
    } catch {
      Issue.record("unexpected \(error)")
    }
  }

  @Test func provesInfeasibilityWithTheSection() {
    let buffers = [Buffer(id: 0, lower: 0, upper: 10, size: 600), Buffer(id: 1, lower: 5, upper: 15, size: 500)]
    guard case .infeasible(let reason) = OffsetAllocator(capacity: 1000).allocate(buffers) else {
      Issue.record("1,100 live bytes placed in 1,000")
      return
    }
    #expect(reason.contains("5"), "the reason names the time: \(reason)")
    guard case .placed(let offsets) = OffsetAllocator(capacity: 1100).allocate(buffers) else {
      Issue.record("not placed at the peak")
      return
    }
    #expect(allocationViolations(buffers, offsets: offsets, capacity: 1100) == [])
  }

  @Test func honoursAlignment() {
    let buffers = (0..<6).map { Buffer(id: $0, lower: $0, upper: $0 + 3, size: 50 + $0) }
    guard case .placed(let offsets) = OffsetAllocator(capacity: 256, alignment: 64).allocate(buffers) else {
      Issue.record("not placed")
      return
    }
    #expect(offsets.allSatisfy { $0 % 64 == 0 })
    #expect(allocationViolations(buffers, offsets: offsets, capacity: 256, alignment: 64) == [])
  }

  @Test func overlapCheckFindsEveryViolation() {
    let buffers = [Buffer(id: 0, lower: 0, upper: 10, size: 64), Buffer(id: 1, lower: 5, upper: 15, size: 64),
                   Buffer(id: 2, lower: 10, upper: 20, size: 64)]
    #expect(allocationViolations(buffers, offsets: [0, 64, 0], capacity: 128) == [])
    let bad = allocationViolations(buffers, offsets: [0, 32, 100], capacity: 128, alignment: 64)
    #expect(bad.contains { $0.contains("buffers 0 and 1") })
    #expect(bad.contains { $0.contains("buffer 2: [100, 164) ends past") })
    #expect(bad.contains { $0.contains("not aligned") })
  }

  /// Random small instances: the allocator agrees with brute force on feasibility.
  @Test(arguments: 0..<120)
  func agreesWithBruteForce(seed: Int) {
    var rng = SplitMix64(seed: UInt64(7000 + seed))
    let n = 2 + Int(rng.next() % 5)
    let buffers = (0..<n).map { i -> Buffer in
      let lower = Int(rng.next() % 6)
      return Buffer(id: i, lower: lower, upper: lower + 1 + Int(rng.next() % 4), size: 1 + Int(rng.next() % 4))
    }
    let capacity = 3 + Int(rng.next() % 6)
    let outcome = OffsetAllocator(capacity: capacity).allocate(buffers)
    let feasible = bruteForceFits(buffers, capacity: capacity)
    switch outcome {
    case .placed(let offsets):
      #expect(feasible, "seed \(seed)")
      #expect(allocationViolations(buffers, offsets: offsets, capacity: capacity) == [], "seed \(seed)")
    case .infeasible:
      #expect(!feasible, "seed \(seed)")
    case .unknown:
      Issue.record("seed \(seed): no answer on a tiny instance")
    }
  }

  /// The smallest capacity is proven where the peak of live bytes is reachable: MiniMalloc's C
  /// (peak 1,039,360 B) and, with `COSMA_LONG_TESTS=1`, the eight instances whose peak is
  /// 1,048,576 B. The placement passes the overlap check at that capacity.
  @Test func minimumCapacityIsProvenAtThePeak() throws {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../../benchmarks/minimalloc").standardized
    let names = TestScale.long ? ["A", "B", "C", "E", "F", "G", "H", "I", "K"] : ["C"]
    for name in names {
      let instance = try AllocationInstance(contentsOf: directory.appendingPathComponent("\(name).1048576.csv").path)
      var allocator = OffsetAllocator(capacity: 0)
      allocator.timeLimit = .seconds(60)
      guard let m = allocator.minimumCapacity(instance.buffers) else {
        Issue.record("\(name): nothing placed")
        continue
      }
      #expect(m.isProven, "\(name): \(m.capacity) B, at least \(m.provenAtLeast) B")
      #expect(m.capacity == peakLiveBufferBytes(instance.buffers), "\(name)")
      #expect(m.capacity == (name == "C" ? 1_039_360 : 1_048_576), "\(name)")
      #expect(allocationViolations(instance.buffers, offsets: m.offsets, capacity: m.capacity) == [], "\(name)")
    }
  }

  /// On an instance too large for the exact search (2,000 buffers shaped like a network's
  /// activations: most die within a few steps, some live long), squeaky wheel packs tighter
  /// than the best greedy order, and the placement passes the overlap check. No time limit: the
  /// passes stop after a run of passes that improve nothing, so the result is the same on any
  /// machine.
  @Test func squeakyWheelImprovesTheGreedyPlacement() {
    var rng = SplitMix64(seed: 20)
    var step = 0
    let buffers = (0..<2_000).map { i -> Buffer in
      if rng.next() % 5 < 3 { step += 1 }
      let r = rng.next() % 100
      let life = r < 75 ? 1 + Int(rng.next() % 4) : (r < 97 ? 5 + Int(rng.next() % 56) : 200 + Int(rng.next() % 1800))
      let size = 64 * (1 + Int(rng.next() % 1024))
      return Buffer(id: i, lower: step, upper: step + life, size: size)
    }
    var allocator = OffsetAllocator(capacity: 0, alignment: 64)
    allocator.nodeLimit = 0  // no exact search: its nodes cost seconds at this size in a debug build
    guard let m = allocator.minimumCapacity(buffers) else {
      Issue.record("nothing placed")
      return
    }
    #expect(m.capacity < m.greedyCapacity, "\(m.capacity) B, greedy \(m.greedyCapacity) B")
    #expect(m.greedyCapacity <= allocator.bestFitExtent(buffers))
    #expect(m.provenAtLeast <= m.capacity)
    #expect(allocationViolations(buffers, offsets: m.offsets, capacity: m.capacity, alignment: 64) == [])
  }

  /// The MiniMalloc challenging suite: best-fit overflows on each instance, the exact search
  /// places it, and the overlap check passes. By default F with one thread and two (the offsets
  /// must not depend on it) and K, the largest, the same way; with `COSMA_LONG_TESTS=1` all 11,
  /// I (the hardest, about 2 minutes in a debug build) among them.
  @Test func placesMiniMallocInstances() throws {
    let long = TestScale.long
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../../benchmarks/minimalloc").standardized
    let cases: [(String, [Int])] = long
      ? ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K"].map { ($0, [1, 2]) }
      : [("F", [1, 2]), ("K", [1, 2])]
    for (name, threadCounts) in cases {
      let instance = try AllocationInstance(contentsOf: directory.appendingPathComponent("\(name).1048576.csv").path)
      var allocator = OffsetAllocator(capacity: 1_048_576)
      let end = 1_048_576
      allocator.nodeLimit = 0  // best-fit alone
      #expect(allocator.allocate(instance.buffers) == .unknown, "\(name): best-fit placed it")
      allocator.nodeLimit = 50_000_000
      var outcomes: [AllocationOutcome] = []
      for threads in threadCounts {
        allocator.threads = threads
        let outcome = allocator.allocate(instance.buffers)
        guard case .placed(let offsets) = outcome else {
          Issue.record("\(name): \(outcome) with \(threads) thread(s)")
          continue
        }
        #expect(allocationViolations(instance.buffers, offsets: offsets, capacity: end) == [], "\(name)")
        outcomes.append(outcome)
      }
      #expect(outcomes.count == threadCounts.count, "\(name): not placed")
      #expect(outcomes.dropFirst().allSatisfy { $0 == outcomes[0] }, "\(name): the offsets depend on the threads")
    }
  }

  /// The exact search alone (no best-fit first) on 300 random instances of 3 to 9 buffers and
  /// 100 of 6 to 10 buffers with longer lifetimes: it places them in the smallest capacity brute
  /// force finds (usually the peak live bytes, so the search must pack them with no waste at the
  /// busiest time, where any unsound pruning shows) and never places them below it. A one-off
  /// run of 2,500 more of the larger kind agreed too.
  @Test func exactSearchAgreesWithBruteForce() {
    for seed in 0..<300 {
      checkAgainstBruteForce(seed: 9100 + seed, buffers: 3...9, start: 7, length: 4)
    }
    for seed in 0..<100 {
      checkAgainstBruteForce(seed: 55_000 + seed, buffers: 6...10, start: 8, length: 6)
    }
  }

  /// A random instance (lifetimes starting before `start`, at most `length` long, sizes 1 to 5)
  /// placed by the exact search at its brute-force minimum capacity and proven infeasible one
  /// byte below, also scaled by 3.
  func checkAgainstBruteForce(seed: Int, buffers count: ClosedRange<Int>, start: Int, length: Int) {
    var rng = SplitMix64(seed: UInt64(seed))
    var buffers: [Buffer] = []
    for _ in 0..<(count.lowerBound + Int(rng.next() % UInt64(count.count))) {
      let lower = Int(rng.next() % UInt64(start))
      buffers.append(Buffer(id: buffers.count, lower: lower, upper: lower + 1 + Int(rng.next() % UInt64(length)), size: 1 + Int(rng.next() % 5)))
    }
    let peak = peakLive(buffers)
    var smallest = peak
    while !bruteForceFits(buffers, capacity: smallest) { smallest += 1 }
    var allocator = OffsetAllocator(capacity: smallest)
    allocator.greedyFirst = false
    switch allocator.allocate(buffers) {
    case .placed(let offsets):
      #expect(allocationViolations(buffers, offsets: offsets, capacity: smallest) == [], "seed \(seed)")
    default:
      Issue.record("seed \(seed): not placed in \(smallest), where brute force places them")
    }
    allocator.capacity = smallest - 1
    switch allocator.allocate(buffers) {
    case .infeasible: break
    case let other: Issue.record("seed \(seed): \(other) in \(smallest - 1), below the brute-force minimum")
    }
    // The same instance in units of 3 bytes: the search's state keys count in the common divisor.
    let scaled = buffers.map { Buffer(id: $0.id, lower: $0.lower, upper: $0.upper, size: 3 * $0.size) }
    allocator.capacity = 3 * smallest
    if case .placed(let offsets) = allocator.allocate(scaled) {
      #expect(allocationViolations(scaled, offsets: offsets, capacity: 3 * smallest) == [], "seed \(seed)")
    } else {
      Issue.record("seed \(seed): scaled instance not placed")
    }
    allocator.capacity = 3 * smallest - 1
    switch allocator.allocate(scaled) {
    case .infeasible: break
    case let other: Issue.record("seed \(seed): scaled \(other) below the minimum")
    }
  }

  func peakLive(_ buffers: [Buffer]) -> Int {
    let times = Set(buffers.map(\.lower))
    return times.map { t in buffers.filter { $0.lower <= t && t < $0.upper }.reduce(0) { $0 + $1.size } }.max() ?? 0
  }

  /// Tries every offset of every buffer.
  func bruteForceFits(_ buffers: [Buffer], capacity: Int) -> Bool {
    var offsets = [Int](repeating: 0, count: buffers.count)
    func go(_ i: Int) -> Bool {
      if i == buffers.count { return true }
      for o in 0...max(0, capacity - buffers[i].size) where o + buffers[i].size <= capacity {
        let clash = (0..<i).contains { j in
          buffers[i].lower < buffers[j].upper && buffers[j].lower < buffers[i].upper
            && o < offsets[j] + buffers[j].size && offsets[j] < o + buffers[i].size
        }
        if !clash {
          offsets[i] = o
          if go(i + 1) { return true }
        }
      }
      return false
    }
    return go(0)
  }
}
