/// Bad input: a file or value that breaks a rule of the formats (SPEC §2–§4).
///
/// Its description names the file, the element and the rule, in one line.
public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
  public var file: String
  public var element: String
  public var rule: String

  public init(file: String, element: String, rule: String) {
    self.file = file
    self.element = element
    self.rule = rule
  }

  public var description: String {
    let file = Self.shortened(file)
    let element = Self.shortened(element)
    let rule = Self.shortened(rule, to: 400)
    return element.isEmpty ? "\(file): \(rule)" : "\(file): \(element): \(rule)"
  }

  /// A name from the input, cut to `limit` characters (a megabyte of name is no message).
  static func shortened(_ text: String, to limit: Int = 200) -> String {
    text.count <= limit ? text : String(text.prefix(limit)) + "… (\(text.count) characters)"
  }
}

/// A planning request that no plan can satisfy, such as a scratchpad below `M_R`.
public struct DoesNotFitError: Error, Sendable, Equatable, CustomStringConvertible {
  public var scratchpadBytes: ByteCount
  public var requiredBytes: ByteCount
  /// The operator whose inputs and outputs together need the most space.
  public var operatorName: String
  /// Whether ``requiredBytes`` is `M_T`, what the operator needs even split into tiles,
  /// rather than `M_R`.
  public var evenTiled: Bool
  /// When set, why no tiling fits although the scratchpad is at least `M_T`.
  public var detail: String?
  /// Whether ``requiredBytes`` is what the operator needs with in-place writes allowed (its
  /// inputs and outputs, less an output that can take a dying input's range), below `M_R`.
  public var inPlace = false

  public init(
    scratchpadBytes: ByteCount, requiredBytes: ByteCount, operatorName: String, evenTiled: Bool = false,
    detail: String? = nil
  ) {
    self.scratchpadBytes = scratchpadBytes
    self.requiredBytes = requiredBytes
    self.operatorName = operatorName
    self.evenTiled = evenTiled
    self.detail = detail
  }

  public var description: String {
    if let detail {
      return "does not fit: a scratchpad of \(formatBytes(scratchpadBytes)) is at least M_T = "
        + "\(formatBytes(requiredBytes)), but \(detail)"
    }
    if evenTiled {
      return "does not fit: a scratchpad of \(formatBytes(scratchpadBytes)) is below M_T = "
        + "\(formatBytes(requiredBytes)), which operator '\(operatorName)' needs even split into tiles"
    }
    if inPlace {
      return "does not fit: a scratchpad of \(formatBytes(scratchpadBytes)) is below the "
        + "\(formatBytes(requiredBytes)) that operator '\(operatorName)' needs for its inputs and outputs "
        + "even with its output written over a dying input"
    }
    return "does not fit: a scratchpad of \(formatBytes(scratchpadBytes)) is below M_R = "
      + "\(formatBytes(requiredBytes)), which operator '\(operatorName)' needs for its inputs "
      + "and outputs together"
  }
}
