import Foundation

/// A number of bytes.
public typealias ByteCount = Int

/// The largest byte count COSMA accepts for one tensor or buffer (1 PiB): sums of a few
/// million such counts cannot overflow.
public let maximumByteCount: ByteCount = 1 << 50

/// Parses a byte size written as `4096`, `512KiB`, `2MiB`, `1.5GiB` or `64B`.
///
/// Suffixes are binary and case-insensitive: `K`, `KB` and `KiB` all mean 1024 bytes, as in
/// accelerator datasheets, where an SRAM of "512 KB" has 524,288 bytes. A fractional value is
/// accepted when it comes to a whole number of bytes.
///
/// - Returns: the number of bytes, or nil when the text is not a size.
public func parseByteSize(_ text: String) -> ByteCount? {
  let s = text.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(
    of: "_", with: "")
  guard !s.isEmpty else { return nil }
  let units: [(String, Int)] = [
    ("kib", 1 << 10), ("mib", 1 << 20), ("gib", 1 << 30), ("kb", 1 << 10), ("mb", 1 << 20),
    ("gb", 1 << 30), ("k", 1 << 10), ("m", 1 << 20), ("g", 1 << 30), ("b", 1),
  ]
  var number = s
  var multiplier = 1
  for (suffix, value) in units where s.hasSuffix(suffix) {
    number = String(s.dropLast(suffix.count)).trimmingCharacters(in: .whitespaces)
    multiplier = value
    break
  }
  guard !number.isEmpty, number.allSatisfy({ $0.isNumber || $0 == "." }),
    number.filter({ $0 == "." }).count <= 1
  else { return nil }
  if let whole = Int(number) {
    let (product, overflow) = whole.multipliedReportingOverflow(by: multiplier)
    return overflow || product > maximumByteCount ? nil : product
  }
  guard let value = Double(number) else { return nil }
  let bytes = value * Double(multiplier)
  guard bytes.isFinite, bytes == bytes.rounded(), bytes <= Double(maximumByteCount)
  else { return nil }
  return Int(bytes)
}

/// Formats a byte count for people: `802,816 B (784 KiB)`.
public func formatBytes(_ bytes: ByteCount) -> String {
  let grouped = groupThousands(bytes)
  let units: [(Int, String)] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")]
  for (size, name) in units where abs(bytes) >= size {
    let value = Double(bytes) / Double(size)
    let text = value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
    return "\(grouped) B (\(text) \(name))"
  }
  return "\(grouped) B"
}

/// `1234567` → `1,234,567`.
public func groupThousands(_ n: Int) -> String {
  let digits = String(abs(n))
  var out = ""
  for (i, c) in digits.enumerated() {
    if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
    out.append(c)
  }
  return n < 0 ? "-" + out : out
}

/// Rounds `value` up to a multiple of `alignment`.
@inline(__always)
public func roundUp(_ value: Int, to alignment: Int) -> Int {
  (value + alignment - 1) / alignment * alignment
}

/// Rounds `value` down to a multiple of `alignment`.
@inline(__always)
public func roundDown(_ value: Int, to alignment: Int) -> Int {
  value / alignment * alignment
}

/// The greatest common divisor of `a` and `b` (0 when both are 0).
func gcd(_ a: Int, _ b: Int) -> Int {
  var (x, y) = (abs(a), abs(b))
  while y != 0 { (x, y) = (y, x % y) }
  return x
}

/// The product of `factors`, or nil when one is negative or the product exceeds `limit` (checked
/// before it could overflow).
func checkedProduct<Factors: Sequence>(_ factors: Factors, limit: Int = maximumByteCount) -> Int?
where Factors.Element == Int {
  var product = 1
  for f in factors {
    guard f >= 0 else { return nil }
    let (p, overflow) = product.multipliedReportingOverflow(by: f)
    guard !overflow, p <= limit else { return nil }
    product = p
  }
  return product
}
