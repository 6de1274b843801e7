import Foundation

/// The layering of `Sources/COSMA`: which folder may use which.
///
/// The library is one module, so the compiler does not stop a file in a low folder from using a
/// type of a high one. This lint does: it collects the names each folder declares (top-level
/// types, functions and constants, and the members that a folder adds to another folder's types
/// in extensions) and reports every use of a name from a higher layer, or from a sibling of the
/// same layer. Comments and string literals are ignored.
struct LayerLint {
  /// The layers, lowest first; folders in one layer must not use each other.
  static let layers: [[String]] = [
    ["Support"],
    ["Graph"],
    ["Tiling"],
    ["Problem"],
    ["Verification", "Simulation", "Import"],
    ["Allocation"],
    ["Heuristic"],
    ["LinearModel"],
    ["Formulation"],
    ["Bounds"],
    ["Solvers"],
    ["Planning"],
  ]

  /// Which modules each target may import (besides Foundation, Dispatch and the standard
  /// library): only the CBC folder imports the C shim, only the CLI imports ArgumentParser.
  static let imports: [String: Set<String>] = [
    "COSMA": ["AcceleratorSim", "SwiftProtobuf", "FoundationEssentials"],
    "COSMA/Solvers/Cbc": ["CCbc"],
    "AcceleratorSim": [],
    "cosma-cli": ["COSMA", "AcceleratorSim", "ArgumentParser"],
  ]

  /// A use of a name across the layering.
  struct Violation: CustomStringConvertible, Equatable {
    var file: String
    var line: Int
    var name: String
    var from: String
    var to: String
    var description: String { "\(file):\(line): \(from) uses '\(name)' of \(to)" }
  }

  let sources: URL

  /// The folder of a file under `Sources/COSMA`.
  func folder(of file: URL) -> String? {
    let parts = file.path.dropFirst(sources.appendingPathComponent("COSMA").path.count + 1).split(separator: "/")
    return parts.count >= 2 ? String(parts[0]) : nil
  }

  func rank(_ folder: String) -> Int? { Self.layers.firstIndex { $0.contains(folder) } }

  func swiftFiles(under dir: URL) -> [URL] {
    let e = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil)
    var out: [URL] = []
    while let u = e?.nextObject() as? URL {
      if u.pathExtension == "swift" { out.append(u) }
    }
    return out.sorted { $0.path < $1.path }
  }

  /// Source text without comments and string literals, line structure kept.
  static func code(_ text: String) -> String {
    var out = ""
    var chars = Array(text)[...]
    var inBlock = 0
    while let c = chars.first {
      if inBlock > 0 {
        if chars.starts(with: "*/") { inBlock -= 1; chars = chars.dropFirst(2); continue }
        if chars.starts(with: "/*") { inBlock += 1; chars = chars.dropFirst(2); continue }
        if c == "\n" { out.append(c) }
        chars = chars.dropFirst()
        continue
      }
      if chars.starts(with: "/*") { inBlock = 1; chars = chars.dropFirst(2); continue }
      if chars.starts(with: "//") {
        while let d = chars.first, d != "\n" { chars = chars.dropFirst() }
        continue
      }
      if chars.starts(with: "\"\"\"") {
        chars = chars.dropFirst(3)
        while !chars.isEmpty && !chars.starts(with: "\"\"\"") {
          if chars.first == "\n" { out.append("\n") }
          chars = chars.dropFirst()
        }
        chars = chars.dropFirst(3)
        out.append("\"\"")
        continue
      }
      if c == "\"" {
        chars = chars.dropFirst()
        while let d = chars.first, d != "\"", d != "\n" {
          chars = chars.dropFirst(d == "\\" ? 2 : 1)
        }
        chars = chars.dropFirst()
        out.append("\"\"")
        continue
      }
      out.append(c)
      chars = chars.dropFirst()
    }
    return out
  }

  static let declaration = try! NSRegularExpression(
    pattern: #"^(?:@\w+ )*(?:public |internal |package )?(?:final |indirect )?(?:struct|enum|class|protocol|typealias|func|actor|let|var) ([A-Za-z_][A-Za-z0-9_]*)"#)
  static let extensionHead = try! NSRegularExpression(pattern: #"^(?:public )?extension ([A-Za-z_][A-Za-z0-9_.]*)"#)
  static let member = try! NSRegularExpression(
    pattern: #"^  (?:@\w+ )*(?:public |internal |package )?(?:static )?(?:mutating )?(?:func|var|let) ([A-Za-z_][A-Za-z0-9_]*)"#)
  static let anyMember = try! NSRegularExpression(pattern: #"(?:func|var|let|case) ([A-Za-z_][A-Za-z0-9_]*)"#)
  static let identifier = try! NSRegularExpression(pattern: #"(\.?)\b([A-Za-z_][A-Za-z0-9_]*)\b"#)

  static func firstGroup(_ re: NSRegularExpression, _ s: String) -> String? {
    guard let m = re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) else { return nil }
    return String(s[Range(m.range(at: 1), in: s)!])
  }

  /// Every use of a name across the layering, and every import a target may not make.
  func violations() throws -> [Violation] {
    let root = sources.appendingPathComponent("COSMA")
    var files: [(URL, String, [String])] = []
    for f in swiftFiles(under: root) where f.lastPathComponent != "onnx.pb.swift" {
      guard let folder = folder(of: f) else { continue }
      files.append((f, folder, Self.code(try String(contentsOf: f, encoding: .utf8)).components(separatedBy: "\n")))
    }
    // What each folder declares.
    var topLevel: [String: String] = [:]
    var functions: Set<String> = []
    var typesOf: [String: Set<String>] = [:]
    var added: [String: String] = [:]
    var memberCount: [String: Int] = [:]
    for (_, folder, lines) in files {
      for l in lines {
        if let name = Self.firstGroup(Self.declaration, l) {
          topLevel[name] = folder
          if l.contains("func \(name)") { functions.insert(name) }
          typesOf[folder, default: []].insert(name)
        }
        let ns = l as NSString
        for m in Self.anyMember.matches(in: l, range: NSRange(location: 0, length: ns.length)) {
          memberCount[ns.substring(with: m.range(at: 1)), default: 0] += 1
        }
      }
    }
    for (_, folder, lines) in files {
      var extended: String?
      for l in lines {
        if !l.hasPrefix(" ") && !l.isEmpty { extended = Self.firstGroup(Self.extensionHead, l) }
        guard let type = extended?.split(separator: ".").first.map(String.init),
          topLevel[type] != folder, let name = Self.firstGroup(Self.member, l)
        else { continue }
        // A name declared once in the whole library is unambiguous.
        if memberCount[name] == 1 { added[name] = folder }
      }
    }
    var found: [Violation] = []
    for (file, folder, lines) in files {
      guard let mine = rank(folder) else {
        found.append(Violation(file: file.lastPathComponent, line: 0, name: folder, from: folder, to: "no layer"))
        continue
      }
      for (k, l) in lines.enumerated() {
        let ns = l as NSString
        for m in Self.identifier.matches(in: l, range: NSRange(location: 0, length: ns.length)) {
          let dotted = m.range(at: 1).length > 0
          let name = ns.substring(with: m.range(at: 2))
          // A top-level function counts where it is called (a local `plan` is not `plan(`).
          let end = m.range.location + m.range.length
          if !dotted, functions.contains(name), end >= ns.length || ns.substring(with: NSRange(location: end, length: 1)) != "(" {
            continue
          }
          guard let owner = dotted ? added[name] : topLevel[name], owner != folder, let theirs = rank(owner) else { continue }
          if theirs >= mine {
            found.append(Violation(file: relative(file), line: k + 1, name: name, from: folder, to: owner))
          }
        }
      }
    }
    return found + importViolations()
  }

  /// Imports a target may not make.
  func importViolations() -> [Violation] {
    var found: [Violation] = []
    let importLine = try! NSRegularExpression(pattern: #"^(?:@\w+(?:\([^)]*\))? )*import ([A-Za-z_][A-Za-z0-9_]*)"#)
    for target in ["COSMA", "AcceleratorSim", "cosma-cli"] {
      for f in swiftFiles(under: sources.appendingPathComponent(target)) {
        let text = (try? String(contentsOf: f, encoding: .utf8)) ?? ""
        let key = relative(f).hasPrefix("COSMA/Solvers/Cbc/") ? "COSMA/Solvers/Cbc" : target
        for (k, l) in text.components(separatedBy: "\n").enumerated() {
          guard let module = Self.firstGroup(importLine, l),
            !["Foundation", "Dispatch", "Synchronization"].contains(module),
            !(Self.imports[key] ?? []).contains(module)
          else { continue }
          found.append(Violation(file: relative(f), line: k + 1, name: "import \(module)", from: key, to: module))
        }
      }
    }
    return found
  }

  func relative(_ f: URL) -> String { String(f.path.dropFirst(sources.path.count + 1)) }
}
