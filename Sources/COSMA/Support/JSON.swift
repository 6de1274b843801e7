import Foundation

/// A JSON value whose objects keep their keys in insertion order, so that the files COSMA
/// writes have a stable, readable key order and diff cleanly.
public indirect enum JSONValue: Sendable, Equatable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])

  public static func == (a: JSONValue, b: JSONValue) -> Bool {
    switch (a, b) {
    case (.null, .null): return true
    case (.bool(let x), .bool(let y)): return x == y
    case (.int(let x), .int(let y)): return x == y
    case (.double(let x), .double(let y)): return x == y
    case (.string(let x), .string(let y)): return x == y
    case (.array(let x), .array(let y)): return x == y
    case (.object(let x), .object(let y)):
      return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    default: return false
    }
  }

  /// Serializes the value. Arrays and objects whose one-line form fits in `width` columns stay
  /// on one line; larger ones put one element per line.
  public func serialized(width: Int = 100) -> String {
    var out = ""
    write(into: &out, indent: 0, width: width)
    out.append("\n")
    return out
  }

  private func write(into out: inout String, indent: Int, width: Int) {
    if compactCount(within: width - indent) != nil {
      appendCompact(to: &out)
      return
    }
    let pad = String(repeating: " ", count: indent + 2)
    switch self {
    case .array(let items):
      out += "[\n"
      for (i, item) in items.enumerated() {
        out += pad
        item.write(into: &out, indent: indent + 2, width: width)
        out += i + 1 < items.count ? ",\n" : "\n"
      }
      out += String(repeating: " ", count: indent) + "]"
    case .object(let fields):
      out += "{\n"
      for (i, (k, v)) in fields.enumerated() {
        out += pad + JSONValue.quote(k) + ": "
        v.write(into: &out, indent: indent + 2, width: width)
        out += i + 1 < fields.count ? ",\n" : "\n"
      }
      out += String(repeating: " ", count: indent) + "}"
    default:
      appendCompact(to: &out)
    }
  }

  /// The length of ``compact()`` when it is at most `limit`, else nil, found without writing a
  /// container that is longer: a plan's list of events is hundreds of thousands of them.
  private func compactCount(within limit: Int) -> Int? {
    var n = 2
    switch self {
    case .array(let items):
      for (i, item) in items.enumerated() {
        if i > 0 { n += 2 }
        guard n <= limit, let c = item.compactCount(within: limit - n) else { return nil }
        n += c
      }
    case .object(let fields):
      for (i, (k, v)) in fields.enumerated() {
        n += (i > 0 ? 2 : 0) + (JSONValue.needsEscape(k) ? JSONValue.quote(k).count : k.count + 2) + 2
        guard n <= limit, let c = v.compactCount(within: limit - n) else { return nil }
        n += c
      }
    case .int(let i):
      n = i == 0 ? 1 : (i < 0 ? 1 : 0)
      var m = i.magnitude
      while m > 0 {
        n += 1
        m /= 10
      }
    case .string(let s) where !JSONValue.needsEscape(s):
      n = s.count + 2
    default:
      n = compact().count
    }
    return n <= limit ? n : nil
  }

  /// Appends ``compact()`` to `out` (a plan's hundreds of thousands of events are written this
  /// way, without a string per value).
  private func appendCompact(to out: inout String) {
    switch self {
    case .string(let s) where !JSONValue.needsEscape(s):
      out += "\""
      out += s
      out += "\""
    case .array(let items):
      out += "["
      for (i, item) in items.enumerated() {
        if i > 0 { out += ", " }
        item.appendCompact(to: &out)
      }
      out += "]"
    case .object(let fields):
      out += "{"
      for (i, (k, v)) in fields.enumerated() {
        if i > 0 { out += ", " }
        JSONValue.string(k).appendCompact(to: &out)
        out += ": "
        v.appendCompact(to: &out)
      }
      out += "}"
    default:
      out += compact()
    }
  }

  /// Whether `s` has a character JSON escapes.
  static func needsEscape(_ s: String) -> Bool {
    s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C })
  }

  /// The value on one line.
  public func compact() -> String {
    switch self {
    case .null: return "null"
    case .bool(let b): return b ? "true" : "false"
    case .int(let i): return String(i)
    case .double(let d):
      if d.isNaN || d.isInfinite { return "null" }
      if d == d.rounded(), abs(d) < 1e15 { return String(Int(d)) }
      return String(format: "%.6g", d)
    case .string(let s): return JSONValue.quote(s)
    case .array(let items): return "[" + items.map { $0.compact() }.joined(separator: ", ") + "]"
    case .object(let fields):
      return "{" + fields.map { JSONValue.quote($0.0) + ": " + $0.1.compact() }
        .joined(separator: ", ") + "}"
    }
  }

  static func quote(_ s: String) -> String {
    // Nearly every name needs no escape.
    if !needsEscape(s) { return "\"" + s + "\"" }
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 {
          out += String(format: "\\u%04x", scalar.value)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }
}

/// Reads a whole file, turning any failure into an ``InputError`` naming the file.
func readFile(_ path: String) throws -> Data {
  var isDirectory: ObjCBool = false
  guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
    throw InputError(file: path, element: "", rule: "no such file")
  }
  if isDirectory.boolValue {
    throw InputError(file: path, element: "", rule: "is a directory, not a file")
  }
  guard let data = FileManager.default.contents(atPath: path) else {
    throw InputError(file: path, element: "", rule: "cannot be read")
  }
  return data
}

/// Decodes JSON, turning every decoding failure into one ``InputError`` line that names the
/// file, the element (as a path such as `tensors[3].bytes`) and what was wrong.
func decodeJSON<T: Decodable>(_ type: T.Type, from data: Data, file: String) throws -> T {
  if data.isEmpty { throw InputError(file: file, element: "", rule: "the file is empty") }
  // The formats are UTF-8 without a byte-order mark (SPEC); Foundation would also take UTF-16
  // and UTF-32, whose ASCII characters come with zero bytes.
  if data.starts(with: [0xEF, 0xBB, 0xBF]) || data.starts(with: [0xFE, 0xFF]) || data.starts(with: [0xFF, 0xFE]) {
    throw InputError(file: file, element: "", rule: "starts with a byte-order mark; save it as UTF-8 without one")
  }
  if data.prefix(4).contains(0) {
    throw InputError(file: file, element: "", rule: "is not UTF-8 (UTF-16 or UTF-32?); save it as UTF-8")
  }
  do {
    return try JSONDecoder().decode(T.self, from: data)
  } catch let error as DecodingError {
    if case .dataCorrupted(let context) = error, context.codingPath.isEmpty {
      throw InputError(file: file, element: "", rule: unlocatedDecodingFailure(data))
    }
    throw InputError(decoding: error, file: file)
  } catch let error as InputError {
    throw error
  } catch {
    throw InputError(file: file, element: "", rule: "not valid JSON")
  }
}

/// Why Foundation's decoder rejected `data` without saying where: malformed JSON, or valid JSON
/// with a number its field cannot hold (a fraction or a value beyond 64 bits where an integer is
/// expected), which Foundation reports the same way.
func unlocatedDecodingFailure(_ data: Data) -> String {
  if (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil {
    return "a number is not what its field expects (a fraction, or beyond 64 bits, where an integer belongs)"
  }
  return "not valid JSON (truncated or malformed)"
}

extension InputError {
  init(decoding error: DecodingError, file: String) {
    func path(_ keys: [any CodingKey]) -> String {
      var s = ""
      for key in keys {
        if let i = key.intValue { s += "[\(i)]" } else { s += (s.isEmpty ? "" : ".") + key.stringValue }
      }
      return s
    }
    switch error {
    case .keyNotFound(let key, let context):
      let at = path(context.codingPath)
      self.init(
        file: file, element: at.isEmpty ? "top level" : at,
        rule: "missing field '\(key.stringValue)'")
    case .typeMismatch(let type, let context):
      self.init(
        file: file, element: path(context.codingPath),
        rule: "expected \(InputError.describe(type))")
    case .valueNotFound(let type, let context):
      self.init(
        file: file, element: path(context.codingPath),
        rule: "expected \(InputError.describe(type)), got null")
    case .dataCorrupted(let context):
      let at = path(context.codingPath)
      if at.isEmpty {
        self.init(file: file, element: "", rule: "not valid JSON (truncated or malformed)")
      } else if context.debugDescription.contains("does not fit") {
        self.init(file: file, element: at, rule: "expected an integer that fits in 64 bits")
      } else {
        self.init(file: file, element: at, rule: context.debugDescription)
      }
    @unknown default:
      self.init(file: file, element: "", rule: "not valid JSON")
    }
  }

  private static func describe(_ type: Any.Type) -> String {
    switch type {
    case is Int.Type: return "an integer"
    case is Double.Type: return "a number"
    case is String.Type: return "a string"
    case is Bool.Type: return "true or false"
    default:
      let name = String(describing: type)
      if name.hasPrefix("Array") { return "an array" }
      if name.hasPrefix("Dictionary") || name.hasPrefix("Key") { return "an object" }
      return "an object"
    }
  }
}

/// A JSON number read leniently, so that a fractional or huge value gets a message naming its
/// element (Foundation's decoder reports those as "not valid JSON" with no location).
struct JSONNumber: Decodable {
  /// The value, when it is an integer that fits in 64 bits.
  let integer: Int?
  let text: String

  init(from decoder: any Decoder) throws {
    let c = try decoder.singleValueContainer()
    if let i = try? c.decode(Int.self) {
      integer = i
      text = String(i)
    } else {
      let d = try c.decode(Double.self)
      integer = nil
      text = d == d.rounded() && abs(d) < 1e18 ? String(Int(d)) : String(d)
    }
  }
}
