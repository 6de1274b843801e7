import AcceleratorSim
import COSMA
import Foundation

// The C interface of COSMA (include/cosma.h): every function returns a status code and, on
// failure, a message in the caller's `error` pointer; nothing traps on bad input and nothing is
// printed. Strings returned are allocated with malloc and released with `cosma_free`.

/// Status codes: the command line's exit codes.
enum Status: Int32 {
  case ok = 0
  case notPlaced = 1
  case badInput = 2
  case doesNotFit = 3
  case internalError = 70
}

/// A copy of `text` allocated with malloc, for the caller to release with `cosma_free`.
func mallocString(_ text: String) -> UnsafeMutablePointer<CChar> {
  let bytes = Array(text.utf8CString)
  let p = malloc(bytes.count)!.bindMemory(to: CChar.self, capacity: bytes.count)
  bytes.withUnsafeBufferPointer { p.initialize(from: $0.baseAddress!, count: bytes.count) }
  return p
}

/// Runs `body`, turning every error into its status and message (the CLI's `error:` text).
func guarded(_ error: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ body: () throws -> Status) -> Int32 {
  error?.pointee = nil
  func fail(_ status: Status, _ message: String) -> Int32 {
    error?.pointee = mallocString(message)
    return status.rawValue
  }
  do {
    return try body().rawValue
  } catch let e as InputError {
    return fail(.badInput, "\(e)")
  } catch let e as DoesNotFitError {
    return fail(.doesNotFit, "\(e)")
  } catch let e as SimulationError {
    return fail(.internalError, "the simulator rejects the plan: \(e)")
  } catch let e as InvalidPlanError {
    return fail(.internalError, ([String(describing: e)] + e.violations.prefix(10).map { "  \($0)" }).joined(separator: "\n"))
  } catch let e as CallError {
    return fail(.badInput, e.message)
  } catch {
    return fail(.internalError, "\(error)")
  }
}

/// A misuse of the C interface (a NULL where data is needed).
struct CallError: Error {
  var message: String
}

func bytes(_ p: UnsafeRawPointer?, _ count: Int, _ name: String) throws -> Data {
  guard let p else { throw CallError(message: "\(name) is NULL") }
  return Data(bytes: p, count: count)
}

func text(_ p: UnsafePointer<CChar>?) -> String? { p.map { String(cString: $0) } }

/// The caller's progress callback and its context, handed to the planner's threads.
struct ProgressSink: @unchecked Sendable {
  var callback: @convention(c) (UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void
  var context: UnsafeMutableRawPointer?
  func send(_ line: String) { line.withCString { callback($0, context) } }
}

@_cdecl("cosma_api_version")
public func cosma_api_version() -> Int32 { 1 }

@_cdecl("cosma_free")
public func cosma_free(_ p: UnsafeMutableRawPointer?) { free(p) }

@_cdecl("cosma_cancel_create")
public func cosma_cancel_create() -> UnsafeMutableRawPointer {
  Unmanaged.passRetained(PlanningCancellation()).toOpaque()
}

@_cdecl("cosma_cancel_request")
public func cosma_cancel_request(_ handle: UnsafeMutableRawPointer?) {
  guard let handle else { return }
  Unmanaged<PlanningCancellation>.fromOpaque(handle).takeUnretainedValue().cancel()
}

@_cdecl("cosma_cancel_destroy")
public func cosma_cancel_destroy(_ handle: UnsafeMutableRawPointer?) {
  guard let handle else { return }
  Unmanaged<PlanningCancellation>.fromOpaque(handle).release()
}

@_cdecl("cosma_plan")
public func cosma_plan(
  _ graph: UnsafeRawPointer?, _ graphSize: Int, _ optionsJSON: UnsafePointer<CChar>?,
  _ progress: (@convention(c) (UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void)?,
  _ context: UnsafeMutableRawPointer?, _ cancel: UnsafeMutableRawPointer?,
  _ planJSON: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
  _ reportJSON: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
  _ error: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
  planJSON?.pointee = nil
  reportJSON?.pointee = nil
  return guarded(error) {
    var request = try Request(json: text(optionsJSON))
    let g = try request.graph(from: bytes(graph, graphSize, "graph"))
    if let progress {
      let sink = ProgressSink(callback: progress, context: context)
      request.options.progress = { sink.send($0.description) }
    }
    if let cancel {
      request.options.cancellation = Unmanaged<PlanningCancellation>.fromOpaque(cancel).takeUnretainedValue()
    }
    let outcome = try plan(
      graph: g, accelerator: request.accelerator, planner: request.planner, options: request.options,
      tiling: request.tiling)
    // What `cosma optimize` does after planning: the simulator replays the plan.
    let simulation = try outcome.result.plan.simulate(graph: outcome.problem.graph)
    planJSON?.pointee = mallocString(outcome.result.plan.jsonValue(graph: outcome.problem.graph).serialized())
    reportJSON?.pointee = mallocString(reportValue(outcome, simulation: simulation).serialized())
    return .ok
  }
}

/// The report of a planning call: what `cosma optimize` prints, as JSON.
func reportValue(_ outcome: TiledPlanningResult, simulation: SimulationResult) -> JSONValue {
  let r = outcome.result.report
  let p = outcome.result.plan
  var fields: [(String, JSONValue)] = [
    ("status", .string(p.planner.status.rawValue)),
    ("planner", .string(r.planner.rawValue)),
    ("method", .string(p.planner.method)),
    ("termination", .string(r.termination.rawValue)),
    ("totalBytes", .int(p.traffic.totalBytes)),
    ("compulsoryBytes", .int(p.traffic.compulsoryBytes)),
    ("nonCompulsoryBytes", .int(p.traffic.nonCompulsoryBytes)),
  ]
  if let b = r.boundBytes, r.termination != .heuristic { fields.append(("boundBytes", .int(b))) }
  if let g = r.relativeGap { fields.append(("gap", .double(g))) }
  fields += [
    ("seconds", .double((r.seconds * 1000).rounded() / 1000)),
    ("deterministic", .bool(r.deterministic)),
    ("scratchpadBytes", .int(outcome.problem.capacity)),
    ("peakOccupancyBytes", .int(outcome.result.peakOccupancy)),
    ("cycles", .int(simulation.totalCycles)),
    ("tiled", .bool(outcome.tiled != nil)),
    ("notes", .array(r.notes.map { .string($0) })),
  ]
  return .object(fields)
}

@_cdecl("cosma_budgets")
public func cosma_budgets(
  _ graph: UnsafeRawPointer?, _ graphSize: Int, _ optionsJSON: UnsafePointer<CChar>?,
  _ budgetsJSON: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
  _ error: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
  budgetsJSON?.pointee = nil
  return guarded(error) {
    let request = try Request(json: text(optionsJSON))
    let g = try request.graph(from: bytes(graph, graphSize, "graph"))
    let a = request.accelerator
    var b = Budgets(graph: g, alignment: a.alignment, weights: a.weights)
    // As `cosma budgets`: the minimum-peak ILP proves M_P within the time limit.
    if !b.mpIsExact {
      let exact = Budgets.exactMinimumPeak(
        graph: g, alignment: a.alignment, weights: a.weights, timeLimit: request.budgetSeconds, solver: defaultMILPSolver)
      b.mp = exact.peak
      b.mpLowerBound = exact.lowerBound
      b.mh = max(b.mr, roundDown((b.mr + b.mp) / 2, to: a.alignment))
    }
    var fields: [(String, JSONValue)] = [
      ("MR", .int(b.mr)), ("MH", .int(b.mh)), ("MP", .int(b.mp)), ("MPLowerBound", .int(b.mpLowerBound)),
      ("MT", .int(g.smallestTiledScratchpad(weights: a.weights, alignment: a.alignment).bytes)),
    ]
    if a.inPlace { fields.append(("MI", .int(g.smallestInPlaceScratchpad(weights: a.weights, alignment: a.alignment).bytes))) }
    budgetsJSON?.pointee = mallocString(JSONValue.object(fields).serialized())
    return .ok
  }
}

@_cdecl("cosma_allocate")
public func cosma_allocate(
  _ count: Int, _ sizes: UnsafePointer<Int64>?, _ starts: UnsafePointer<Int64>?, _ ends: UnsafePointer<Int64>?,
  _ alignment: Int64, _ capacity: Int64, _ timeLimit: Double, _ offsets: UnsafeMutablePointer<Int64>?,
  _ usedCapacity: UnsafeMutablePointer<Int64>?, _ error: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
  guarded(error) {
    guard count >= 0 else { throw CallError(message: "count is negative") }
    guard count == 0 || (sizes != nil && starts != nil && ends != nil && offsets != nil) else {
      throw CallError(message: "sizes, starts, ends and offsets must not be NULL")
    }
    guard alignment > 0, alignment <= Int64(Accelerator.maximumAlignment) else {
      throw CallError(message: "alignment must be between 1 and \(Accelerator.maximumAlignment) bytes, not \(alignment)")
    }
    guard timeLimit.isFinite, timeLimit > 0, timeLimit <= 1e6 else {
      throw CallError(message: "the time limit must be a number of seconds above 0 up to 1000000, not \(timeLimit)")
    }
    // The rows of a MiniMalloc CSV, checked by the same reader (sizes and lifetimes up to 2^50).
    var csv = "id,lower,upper,size\n"
    for i in 0..<count { csv += "\(i),\(starts![i]),\(ends![i]),\(sizes![i])\n" }
    let instance = try AllocationInstance(csv: csv, origin: "buffers (as CSV rows: line 2 is buffer 0)")
    var allocator = OffsetAllocator(capacity: Int(max(0, capacity)), alignment: Int(alignment))
    allocator.nodeLimit = .max
    allocator.timeLimit = .milliseconds(Int(timeLimit * 1000))
    let placed: (capacity: Int, offsets: [ByteCount])
    if capacity <= 0 {
      guard let m = allocator.minimumCapacity(instance.buffers) else {
        throw CallError(message: "the buffers were not placed within the time limit")
      }
      placed = (m.capacity, m.offsets)
    } else {
      switch allocator.allocate(instance.buffers) {
      case .placed(let o): placed = (Int(capacity), o)
      case .infeasible(let reason):
        error?.pointee = mallocString("the buffers do not fit in \(capacity) B: \(reason)")
        return .notPlaced
      case .unknown:
        error?.pointee = mallocString("the buffers were not placed in \(capacity) B within the time limit")
        return .notPlaced
      }
    }
    let wrong = allocationViolations(instance.buffers, offsets: placed.offsets, capacity: placed.capacity, alignment: Int(alignment))
    guard wrong.isEmpty else { throw CallError(message: "internal error: the offsets fail the overlap check: \(wrong[0])") }
    for i in 0..<count { offsets![i] = Int64(placed.offsets[i]) }
    usedCapacity?.pointee = Int64(placed.capacity)
    return .ok
  }
}
