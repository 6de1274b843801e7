import ArgumentParser
import COSMA
import Foundation

/// Writes a line to standard error.
func note(_ text: String) {
  FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// The process exit codes, documented in `cosma --help`.
enum Exit {
  static let invalidPlan = ExitCode(1)
  static let internalError = ExitCode(1)
  static let badInput = ExitCode(2)
  static let doesNotFit = ExitCode(3)
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
  } catch let e as InvalidPlanError {
    note("error: \(e)")
    for v in e.violations.prefix(10) { note("  \(v)") }
    throw Exit.internalError
  }
}

/// Loads the graph named on the command line.
func loadGraph(_ path: String) throws -> Graph {
  try Graph(contentsOf: path)
}

/// `12.3 ms`, `4.56 s`.
func formatSeconds(_ s: Double) -> String {
  s < 1 ? String(format: "%.1f ms", s * 1000) : String(format: "%.2f s", s)
}
