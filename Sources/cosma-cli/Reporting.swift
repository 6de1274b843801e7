import ArgumentParser
import AcceleratorSim
import COSMA
import Foundation

/// Writes a line to standard error.
func note(_ text: String) {
  FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// The process exit codes, documented in `cosma --help`.
enum Exit {
  /// The plan is invalid (`verify`, `simulate`) or the buffers do not fit (`allocate`).
  static let invalidPlan = ExitCode(1)
  static let badInput = ExitCode(2)
  static let doesNotFit = ExitCode(3)
  /// A bug in COSMA: a planner's plan failed verification (sysexits' EX_SOFTWARE).
  static let internalError = ExitCode(70)
}

/// Runs a command body, turning COSMA's errors into one message on stderr and an exit code.
func reportingErrors(_ body: () throws -> Void) throws {
  do {
    try body()
  } catch let e as InputError {
    note("error: \(e)")
    throw Exit.badInput
  } catch let e as DoesNotFitError {
    note("error: \(e)")
    throw Exit.doesNotFit
  } catch let e as SimulationError {
    note("error: the simulator rejects the plan: \(e)")
    throw Exit.invalidPlan
  } catch let e as InvalidPlanError {
    note("error: \(e)")
    for v in e.violations.prefix(10) { note("  \(v)") }
    throw Exit.internalError
  }
}

/// Loads the graph named on the command line: ONNX or cosma-graph JSON.
func loadGraph(_ path: String, _ options: GraphOptions) throws -> Graph {
  try Graph(contentsOf: path, onnx: ONNXImportOptions(elementBytes: options.elementBytes))
}

/// `12.3 ms`, `4.56 s`.
func formatSeconds(_ s: Double) -> String {
  s < 1 ? String(format: "%.1f ms", s * 1000) : String(format: "%.2f s", s)
}

/// The simulator's summary lines.
func reportSimulation(_ r: SimulationResult) {
  let micros = r.seconds * 1e6
  note("cycles           \(groupThousands(r.totalCycles)) (\(String(format: "%.1f", micros)) µs at \(Int(r.clockMHz)) MHz)")
  note("compute busy     \(groupThousands(r.computeBusyCycles)) cycles (\(percent(r.computeBusyCycles, of: r.totalCycles)))")
  note("DMA busy         \(groupThousands(r.dmaBusyCycles)) cycles (\(percent(r.dmaBusyCycles, of: r.totalCycles)))")
  note("compute stalls   \(groupThousands(r.stalls.computeWaitingForLoad)) waiting for loads, \(groupThousands(r.stalls.computeWaitingForSpace)) waiting for space")
  note("DMA stalls       \(groupThousands(r.stalls.dmaWaitingForSpace)) waiting for space, \(groupThousands(r.stalls.dmaWaitingForProducer)) waiting for producers")
}

/// `42.0%` of a whole.
func percent(_ part: Int, of whole: Int) -> String {
  whole == 0 ? "-" : String(format: "%.1f%%", Double(part) / Double(whole) * 100)
}
