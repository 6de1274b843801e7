import Foundation

/// The evaluation tiers of the COSMA paper, resolved per graph and weights mode (SPEC §1).
public enum BudgetTier: String, Sendable, CaseIterable {
  /// The smallest scratchpad any plan can use: the largest operator working set.
  case mr = "MR"
  /// Halfway between `M_R` and `M_P`, rounded down to the alignment.
  case mh = "MH"
  /// The minimum peak memory over schedules with no spills.
  case mp = "MP"

  /// Parses `MR`, `M_R`, `mr`, ...
  public init?(name: String) {
    let n = name.uppercased().replacingOccurrences(of: "_", with: "")
    guard let tier = BudgetTier(rawValue: n) else { return nil }
    self = tier
  }
}

/// A scratchpad capacity: a number of bytes, or a budget tier resolved per graph.
public enum ScratchpadSize: Sendable, Equatable, CustomStringConvertible {
  case bytes(ByteCount)
  case budget(BudgetTier)

  /// Parses `4096`, `512KiB`, `2MiB` or a tier name `MR`, `MH`, `MP`.
  public init?(parsing text: String) {
    if let tier = BudgetTier(name: text.trimmingCharacters(in: .whitespaces)) {
      self = .budget(tier)
    } else if let bytes = parseByteSize(text), bytes > 0 {
      self = .bytes(bytes)
    } else {
      return nil
    }
  }

  public var description: String {
    switch self {
    case .bytes(let b): return String(b)
    case .budget(let t): return t.rawValue
    }
  }
}

/// The accelerator a plan is made for: scratchpad, alignment, weights placement, and the
/// figures the simulator uses (SPEC §3).
///
/// Every field has a default, so `Accelerator()` is a usable edge NPU:
///
/// | field | default |
/// | --- | --- |
/// | `scratchpad` | `MH`: the middle budget tier of the graph being planned |
/// | `alignment` | 64 bytes |
/// | `weights` | `scratchpad` |
/// | `dmaBytesPerCycle` | 32 |
/// | `dmaSetupCycles` | 64 |
/// | `macsPerCycle` | 1024 |
/// | `vectorElementsPerCycle` | 64 |
/// | `clockMHz` | 1000 |
/// | `inPlace` | false |
public struct Accelerator: Sendable, Equatable {
  public var name: String = "default"
  public var scratchpad: ScratchpadSize = .budget(.mh)
  public var alignment: Int = 64
  /// The largest alignment accepted (1 MiB): larger ones are mistakes, and sizes rounded up to
  /// them must not overflow.
  public static let maximumAlignment = 1 << 20
  public var weights: WeightsPlacement = .scratchpad
  public var dmaBytesPerCycle: Int = 32
  public var dmaSetupCycles: Int = 64
  public var macsPerCycle: Int = 1024
  public var vectorElementsPerCycle: Int = 64
  public var clockMHz: Double = 1000
  /// Whether an elementwise operator may write its output over an input that dies there (SPEC
  /// §1, "In-place operators"). Off by default: the paper's model, where every operator has
  /// separate input and output buffers.
  public var inPlace: Bool = false

  public init(
    name: String = "default", scratchpad: ScratchpadSize = .budget(.mh), alignment: Int = 64,
    weights: WeightsPlacement = .scratchpad
  ) {
    self.name = name
    self.scratchpad = scratchpad
    self.alignment = alignment
    self.weights = weights
  }
}

/// The `cosma-accelerator` v1 fields as they are on disk, also embedded in plan files.
struct AcceleratorFile: Decodable {
  enum Size: Decodable {
    case bytes(Int)
    case text(String)
    /// A number that is not a 64-bit integer (a fraction, or too large).
    case other(String)
    init(from decoder: any Decoder) throws {
      let c = try decoder.singleValueContainer()
      if let i = try? c.decode(Int.self) {
        self = .bytes(i)
      } else if let d = try? c.decode(Double.self) {
        self = .other(String(d))
      } else {
        self = .text(try c.decode(String.self))
      }
    }
  }
  var name: String?
  var scratchpadBytes: Size?
  var alignment: Int?
  var weights: String?
  var dmaBytesPerCycle: Int?
  var dmaSetupCycles: Int?
  var macsPerCycle: Int?
  var vectorElementsPerCycle: Int?
  var clockMHz: Double?
  var inPlace: Bool?
}

extension Accelerator {
  /// Loads a `cosma-accelerator` v1 file; absent fields keep their defaults.
  public init(contentsOf path: String) throws {
    try self.init(jsonData: readFile(path), origin: path)
  }

  /// Parses a `cosma-accelerator` v1 document.
  public init(jsonData data: Data, origin: String = "accelerator") throws {
    try checkHeader(data, file: origin, format: "cosma-accelerator")
    try self.init(file: decodeJSON(AcceleratorFile.self, from: data, file: origin), origin: origin)
  }

  /// Validates decoded fields: the one set of rules for accelerator files and for the settings a
  /// plan file records. `element` prefixes the field names in errors (`accelerator.` in a plan).
  init(file f: AcceleratorFile, origin: String, element prefix: String = "") throws {
    self.init()
    func fail(_ element: String, _ rule: String) -> InputError {
      InputError(file: origin, element: prefix + element, rule: rule)
    }
    if let n = f.name { name = n }
    switch f.scratchpadBytes {
    case .bytes(let b)?:
      guard b > 0 else { throw fail("scratchpadBytes", "must be positive, got \(b)") }
      scratchpad = .bytes(b)
    case .other(let n)?:
      throw fail("scratchpadBytes", "expected a whole number of bytes or a size such as '512KiB' or 'MR', got \(n)")
    case .text(let t)?:
      guard let s = ScratchpadSize(parsing: t) else {
        throw fail("scratchpadBytes", "expected a size such as 2097152, '512KiB' or 'MR', got '\(t)'")
      }
      scratchpad = s
    case nil: break
    }
    if let w = f.weights {
      guard let p = WeightsPlacement(rawValue: w) else {
        throw fail("weights", "expected 'scratchpad' or 'external', got '\(w)'")
      }
      weights = p
    }
    func positive(_ value: Int?, _ key: String, _ into: inout Int) throws {
      guard let value else { return }
      guard value > 0, value <= 1 << 40 else { throw fail(key, "must be an integer from 1 to 2^40, got \(value)") }
      into = value
    }
    try positive(f.alignment, "alignment", &alignment)
    if alignment > Self.maximumAlignment {
      throw fail("alignment", "must be at most \(Self.maximumAlignment) bytes, got \(alignment)")
    }
    try positive(f.dmaBytesPerCycle, "dmaBytesPerCycle", &dmaBytesPerCycle)
    if let s = f.dmaSetupCycles {
      guard s >= 0, s <= 1 << 40 else { throw fail("dmaSetupCycles", "must be an integer from 0 to 2^40, got \(s)") }
      dmaSetupCycles = s
    }
    try positive(f.macsPerCycle, "macsPerCycle", &macsPerCycle)
    try positive(f.vectorElementsPerCycle, "vectorElementsPerCycle", &vectorElementsPerCycle)
    if let c = f.clockMHz {
      guard c > 0, c <= 1e6 else { throw fail("clockMHz", "must be above 0 and at most 1000000, got \(c)") }
      clockMHz = c
    }
    if let p = f.inPlace { inPlace = p }
  }

  /// The settings as a `cosma-accelerator` v1 document, with the scratchpad resolved to bytes
  /// when `scratchpadBytes` is given.
  /// `inPlace` is written only when true, so that plans made without it read as before.
  public func jsonValue(scratchpadBytes: ByteCount? = nil) -> JSONValue {
    let size: JSONValue =
      if let scratchpadBytes { .int(scratchpadBytes) } else {
        switch scratchpad {
        case .bytes(let b): .int(b)
        case .budget(let t): .string(t.rawValue)
        }
      }
    var fields: [(String, JSONValue)] = [
      ("format", .string("cosma-accelerator")), ("version", .int(1)), ("name", .string(name)),
      ("scratchpadBytes", size), ("alignment", .int(alignment)),
      ("weights", .string(weights.rawValue)), ("dmaBytesPerCycle", .int(dmaBytesPerCycle)),
      ("dmaSetupCycles", .int(dmaSetupCycles)), ("macsPerCycle", .int(macsPerCycle)),
      ("vectorElementsPerCycle", .int(vectorElementsPerCycle)), ("clockMHz", .double(clockMHz)),
    ]
    if inPlace { fields.append(("inPlace", .bool(true))) }
    return .object(fields)
  }
}
