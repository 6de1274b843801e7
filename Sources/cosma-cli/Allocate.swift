import ArgumentParser
import COSMA
import Foundation

struct Allocate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Place fixed-lifetime buffers at offsets inside a capacity (MiniMalloc CSV).",
    discussion: """
      Reads an offset allocation instance in MiniMalloc's CSV format (id,lower,upper,size, \
      half-open lifetimes [lower, upper)), places every buffer so that buffers live at the same \
      time never overlap, checks the result with an independent overlap check, and writes the \
      instance with an offset column. Best-fit first (it prints the capacity best-fit alone \
      needs); the exact canonical search only when best-fit fails. Exits 0 when placed, 1 when \
      proven infeasible or not placed within the time limit. The exact search runs its restart \
      orders on every core (--threads).

      Examples:
        cosma allocate benchmarks/minimalloc/A.1048576.csv --capacity 1048576 -o A.out.csv
        cosma allocate instance.csv --minimize-capacity
      """)

  @Argument(help: ArgumentHelp("A MiniMalloc CSV file.", valueName: "instance"))
  var instancePath: String

  @Option(help: ArgumentHelp("Capacity in bytes (4096, 1MiB, ...).", valueName: "size"))
  var capacity: String?

  @Flag(help: "Find the smallest capacity that fits instead of placing within --capacity.")
  var minimizeCapacity = false

  @Option(help: ArgumentHelp("Offset alignment in bytes.", valueName: "bytes"))
  var alignment: Int = 1

  @Option(help: ArgumentHelp("Seconds the exact search may take (per capacity tried).", valueName: "seconds"))
  var timeLimit: Double = 60

  @Option(help: ArgumentHelp("Threads for the exact search (default: every core). The offsets do not depend on it.", valueName: "n"))
  var threads: Int?

  @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the CSV with offsets.", valueName: "file"))
  var output: String?

  func validate() throws {
    if capacity == nil && !minimizeCapacity {
      throw ValidationError("give --capacity SIZE, or --minimize-capacity")
    }
    if let c = capacity, (parseByteSize(c) ?? 0) <= 0 {
      throw ValidationError("--capacity: '\(c)' is not a size (4096, 512KiB, 1MiB)")
    }
    try validateAlignment(alignment)
    try validateSeconds(timeLimit)
    if let threads, threads <= 0 { throw ValidationError("--threads must be positive") }
  }

  func run() throws {
    var placed = false
    try reportingErrors {
      let instance = try AllocationInstance(contentsOf: instancePath)
      let started = Date()
      let live = peakLiveBytes(instance.buffers, alignment: alignment)
      note("instance         \(instancePath): \(instance.buffers.count) buffers, peak live \(groupThousands(live)) B")
      let greedy = OffsetAllocator(capacity: live, alignment: alignment).bestFitExtent(instance.buffers)
      let verdict = capacity.flatMap(parseByteSize).map { greedy > $0 ? " (over the capacity)" : " (fits)" } ?? ""
      note("best-fit         needs \(groupThousands(greedy)) B\(verdict)")
      var found: (capacity: Int, offsets: [ByteCount])?
      var atLeast = 0
      if minimizeCapacity {
        (found, atLeast) = minimize(instance.buffers, lowerBound: live)
      } else {
        let c = parseByteSize(capacity!)!
        switch allocator(c).allocate(instance.buffers) {
        case .placed(let offsets): found = (c, offsets)
        case .infeasible(let reason): note("infeasible       \(reason)")
        case .unknown: note("unknown          not placed within \(timeLimit) s (the exact search stopped)")
        }
      }
      let seconds = Date().timeIntervalSince(started)
      guard let (c, offsets) = found else {
        note("time             \(formatSeconds(seconds))")
        note("error: the buffers were not placed\(capacity.map { " in \($0)" } ?? "")")
        return
      }
      let violations = allocationViolations(instance.buffers, offsets: offsets, capacity: c, alignment: alignment)
      guard violations.isEmpty else {
        note("error: the offsets fail the overlap check")
        for v in violations.prefix(10) { note("  \(v)") }
        return
      }
      let used = zip(instance.buffers, offsets).map { $0.size + $1 }.max() ?? 0
      note("placed           all \(instance.buffers.count) buffers in \(groupThousands(used)) of \(groupThousands(c)) B")
      if minimizeCapacity {
        let status = atLeast >= c ? "minimal, proven" : "smallest found; at least \(groupThousands(atLeast)) B is needed"
        note("capacity         \(groupThousands(c)) B (\(status))")
      }
      note("checked          no overlap, every buffer inside the capacity")
      note("time             \(formatSeconds(seconds))")
      if let output {
        try writeTextFile(instance.csv(offsets: offsets), to: output)
        note("written to       \(output)")
      }
      placed = true
    }
    if !placed { throw Exit.invalidPlan }
  }

  func allocator(_ capacity: Int) -> OffsetAllocator {
    var a = OffsetAllocator(capacity: capacity, alignment: alignment)
    a.nodeLimit = Int.max
    a.timeLimit = .milliseconds(Int(timeLimit * 1000))
    if let threads { a.threads = threads }
    return a
  }

  /// Binary search between the peak live bytes and a best-fit placement with room to spare.
  /// Returns the smallest capacity placed and a lower bound: every capacity below it is proven
  /// too small (the two are equal when the minimum is proven). Only multiples of the sizes'
  /// common divisor are tried: a placement pushed down as far as it goes has every offset a sum
  /// of sizes, so the least capacity is such a multiple.
  func minimize(_ buffers: [Buffer], lowerBound: Int) -> ((Int, [ByteCount])?, Int) {
    let roomy = buffers.reduce(0) { $0 + roundUp($1.size, to: alignment) }
    guard case .placed(let first) = allocator(roomy).allocate(buffers) else { return (nil, 0) }
    let unit = buffers.reduce(0) { commonDivisor($0, roundUp($1.size, to: alignment)) }
    let step = max(unit, alignment)
    var best = (zip(buffers, first).map { roundUp($1 + $0.size, to: alignment) }.max() ?? 0, first)
    var low = roundUp(lowerBound, to: step)  // every capacity below `low` is ruled out
    var proven = low  // every capacity below `proven` is infeasible
    while low < best.0 {
      let mid = low + (best.0 - low) / step / 2 * step
      switch allocator(mid).allocate(buffers) {
      case .placed(let offsets): best = (mid, offsets)
      case .infeasible:
        low = mid + step
        proven = max(proven, low)  // nothing fits in `mid`, so nothing in less
      case .unknown: low = mid + step
      }
    }
    return (best, proven)
  }
}

/// The greatest common divisor (0 with 0 gives 0).
func commonDivisor(_ a: Int, _ b: Int) -> Int { b == 0 ? a : commonDivisor(b, a % b) }

/// The most bytes live at one time, sizes rounded up to the alignment.
func peakLiveBytes(_ buffers: [Buffer], alignment: Int) -> Int {
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
