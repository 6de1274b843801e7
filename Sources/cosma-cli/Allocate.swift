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

  @Option(help: ArgumentHelp("Seconds the exact search may take (with --minimize-capacity, the whole search).", valueName: "seconds"))
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
      let live = peakLiveBufferBytes(instance.buffers, alignment: alignment)
      note("instance         \(instancePath): \(instance.buffers.count) buffers, peak live \(groupThousands(live)) B")
      if !minimizeCapacity && instance.buffers.count <= 100_000 {
        // Not on the largest instances: on a million buffers one pass takes ten seconds of the
        // time limit.
        let greedy = OffsetAllocator(capacity: live, alignment: alignment).bestFitExtent(instance.buffers)
        let verdict = capacity.flatMap(parseByteSize).map { greedy > $0 ? " (over the capacity)" : " (fits)" } ?? ""
        note("best-fit         needs \(groupThousands(greedy)) B\(verdict)")
      }
      var found: (capacity: Int, offsets: [ByteCount])?
      var atLeast = 0
      if minimizeCapacity {
        // The limit covers the whole search (its greedy orders give the best-fit line).
        var a = allocator(0)
        a.timeLimit = .milliseconds(max(0, Int((timeLimit - Date().timeIntervalSince(started)) * 1000)))
        if let m = a.minimumCapacity(instance.buffers) {
          note("greedy           needs \(groupThousands(m.greedyCapacity)) B (best and first fit, four orders)")
          if m.improvedCapacity < m.greedyCapacity {
            note("squeaky wheel    needs \(groupThousands(m.improvedCapacity)) B (the buffers on top placed earlier, again and again)")
          }
          found = (m.capacity, m.offsets)
          atLeast = m.provenAtLeast
        }
      } else {
        let c = parseByteSize(capacity!)!
        var a = allocator(c)
        a.timeLimit = .milliseconds(max(0, Int((timeLimit - Date().timeIntervalSince(started)) * 1000)))
        switch a.allocate(instance.buffers) {
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
}
