import COSMA
import Foundation

/// The options of a C or Python call, given as a JSON object (include/cosma.h lists the keys):
/// the command line's flags under the library's names.
struct Request {
  var accelerator = Accelerator()
  var planner = PlannerKind.auto
  var tiling = TilingMode.auto
  var options = PlannerOptions()
  var onnx = ONNXImportOptions()
  var name: String?
  /// What error messages call the graph (a file name, when the caller read one).
  var source: String?
  /// Seconds for the minimum-peak ILP of `cosma_budgets` (the CLI's `budgets --time-limit`).
  var budgetSeconds = 10.0

  static let keys = [
    "accelerator", "scratchpad", "alignment", "weights", "inPlace", "planner", "timeLimit", "gap",
    "deterministic", "seed", "tiling", "elementBytes", "name", "source",
  ]

  /// Parses `text` (NULL or empty: every default).
  init(json text: String?) throws {
    func fail(_ element: String, _ rule: String) -> InputError { InputError(file: "options", element: element, rule: rule) }
    guard let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return }
    let parsed: Any
    do {
      parsed = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    } catch {
      throw fail("", "not valid JSON")
    }
    guard let object = parsed as? [String: Any] else { throw fail("", "must be a JSON object") }
    for key in object.keys.sorted() where !Self.keys.contains(key) {
      throw fail(key, "unknown option (expected one of: \(Self.keys.joined(separator: ", ")))")
    }
    func string(_ key: String) throws -> String? {
      guard let v = object[key] else { return nil }
      guard let s = v as? String else { throw fail(key, "must be a string") }
      return s
    }
    func number(_ key: String) throws -> Double? {
      guard let v = object[key] else { return nil }
      guard let n = v as? NSNumber, !Self.isBool(n) else { throw fail(key, "must be a number") }
      return n.doubleValue
    }
    func integer(_ key: String) throws -> Int? {
      guard let d = try number(key) else { return nil }
      guard d.isFinite, d.rounded() == d, abs(d) < 9e15 else { throw fail(key, "must be an integer, got \(d)") }
      return Int(d)
    }
    func bool(_ key: String) throws -> Bool? {
      guard let v = object[key] else { return nil }
      guard let n = v as? NSNumber, Self.isBool(n) else { throw fail(key, "must be true or false") }
      return n.boolValue
    }
    switch object["accelerator"] {
    case nil: break
    case let name as String:
      guard let preset = Accelerator.presets[name] else {
        throw fail("accelerator", "no preset '\(name)' (\(Accelerator.presets.keys.sorted().joined(separator: ", ")))")
      }
      accelerator = preset
    case let file as [String: Any]:
      accelerator = try Accelerator(jsonData: JSONSerialization.data(withJSONObject: file), origin: "options.accelerator")
    default:
      throw fail("accelerator", "must be a preset name or a cosma-accelerator object")
    }
    if let v = object["scratchpad"] {
      let text = (v as? String) ?? ((v as? NSNumber).flatMap { Self.isBool($0) ? nil : $0.stringValue } ?? "")
      guard let size = ScratchpadSize(parsing: text) else {
        throw fail("scratchpad", "must be a number of bytes (4096, \"512KiB\") or a tier (\"MR\", \"MH\", \"MP\")")
      }
      accelerator.scratchpad = size
    }
    if let a = try integer("alignment") {
      guard a > 0, a <= Accelerator.maximumAlignment else {
        throw fail("alignment", "must be between 1 and \(Accelerator.maximumAlignment) bytes, not \(a)")
      }
      accelerator.alignment = a
    }
    if let w = try string("weights") {
      guard let mode = WeightsPlacement(rawValue: w) else { throw fail("weights", "must be scratchpad or external") }
      accelerator.weights = mode
    }
    if let b = try bool("inPlace") { accelerator.inPlace = b }
    if let p = try string("planner") {
      guard let kind = PlannerKind(rawValue: p) else {
        throw fail("planner", "no planner '\(p)' (\(PlannerKind.allCases.map(\.rawValue).joined(separator: ", ")))")
      }
      planner = kind
    }
    if let t = try number("timeLimit") {
      options.timeLimit = t
      budgetSeconds = t
    }
    if let g = try number("gap") { options.relativeGap = g }
    if let d = try bool("deterministic") { options.deterministic = d }
    if let seed = try integer("seed") {
      guard seed >= 0 else { throw fail("seed", "must be a count (0 or more), not \(seed)") }
      options.seed = UInt64(seed)
    }
    if let t = try string("tiling") {
      guard let mode = TilingMode(rawValue: t) else { throw fail("tiling", "must be auto, off or always") }
      tiling = mode
    }
    if let e = try integer("elementBytes") {
      guard e > 0, e <= 16 else { throw fail("elementBytes", "must be between 1 and 16, not \(e)") }
      onnx.elementBytes = e
    }
    name = try string("name")
    source = try string("source")
    try options.validate()
  }

  /// Whether an NSNumber came from a JSON `true` or `false`.
  static func isBool(_ n: NSNumber) -> Bool { String(cString: n.objCType) == "c" }

  /// A graph from cosma-graph JSON text or ONNX bytes (told apart by the first byte that is not
  /// white space: `{` for JSON).
  func graph(from data: Data) throws -> Graph {
    let first = data.first { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) }
    if first == UInt8(ascii: "{") { return try Graph(jsonData: data, origin: source ?? "graph") }
    return try Graph(onnx: data, name: name ?? "model", options: onnx, origin: source ?? "graph.onnx")
  }
}
