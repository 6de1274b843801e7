import Foundation
import ArgumentParser
import COSMA

/// The accelerator settings every planning command takes: a file, then flags that override it.
struct AcceleratorOptions: ParsableArguments {
  @Option(
    name: .customLong("accelerator"),
    help: ArgumentHelp(
      "A cosma-accelerator JSON file, or a preset: edge-npu, datacenter.", valueName: "file|preset"))
  var acceleratorFile: String?

  @Option(
    help: ArgumentHelp(
      "Scratchpad capacity: bytes (4096, 512KiB, 2MiB) or a budget tier (MR, MH, MP). Default: MH.",
      valueName: "size"))
  var scratchpad: ScratchpadSize?

  @Option(help: ArgumentHelp("Offset and size alignment in bytes. Default: 64.", valueName: "bytes"))
  var alignment: Int?

  @Option(
    help: ArgumentHelp(
      "Where weights live: scratchpad (they occupy it) or external (left out of planning).",
      valueName: "mode"))
  var weights: WeightsPlacement?

  func validate() throws {
    if let alignment { try validateAlignment(alignment) }
  }

  /// The accelerator: defaults, then the file, then the flags.
  func accelerator() throws -> Accelerator {
    var a = Accelerator()
    if let f = acceleratorFile {
      if let preset = Accelerator.presets[f], !FileManager.default.fileExists(atPath: f) {
        a = preset
      } else if !FileManager.default.fileExists(atPath: f) {
        throw InputError(
          file: f, element: "--accelerator",
          rule: "neither a file nor a preset (\(Accelerator.presets.keys.sorted().joined(separator: ", ")))")
      } else {
        a = try Accelerator(contentsOf: f)
      }
    }
    if let scratchpad { a.scratchpad = scratchpad }
    if let alignment { a.alignment = alignment }
    if let weights { a.weights = weights }
    return a
  }
}

/// `--in-place`, for the commands that plan or bound.
struct InPlaceOption: ParsableArguments {
  @Option(
    name: .customLong("in-place"),
    help: ArgumentHelp(
      "Whether operators may use in-place memory (on) or not (off): an elementwise operator writing its output over an input that dies there, a concatenation's inputs written into its output, a split's outputs read within its input. Default: the accelerator's (off unless its file says inPlace).",
      valueName: "mode"))
  var inPlace: InPlaceMode?

  /// `accelerator` with the flag applied.
  func applied(to accelerator: Accelerator) -> Accelerator {
    var a = accelerator
    if let inPlace { a.inPlace = inPlace == .on }
    return a
  }
}

/// How a graph file is read: a cosma-graph JSON file, or an ONNX model imported on the fly.
struct GraphOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "ONNX only: bytes per element for every tensor, overriding the model's data types (1 plans an int8 deployment of an fp32 export).",
      valueName: "bytes"))
  var elementBytes: Int?

  func validate() throws {
    if let b = elementBytes, !(1...16).contains(b) { throw ValidationError("--element-bytes must be between 1 and 16") }
  }
}
