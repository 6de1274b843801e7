/// The index of a tensor in ``Graph/tensors``.
public struct TensorID: Hashable, Comparable, Sendable, CustomStringConvertible {
  public let rawValue: Int
  public init(_ rawValue: Int) { self.rawValue = rawValue }
  public static func < (a: TensorID, b: TensorID) -> Bool { a.rawValue < b.rawValue }
  public var description: String { "t\(rawValue)" }
}

/// The index of an operator in ``Graph/operators`` (the file's, i.e. the framework's, order).
public struct OperatorID: Hashable, Comparable, Sendable, CustomStringConvertible {
  public let rawValue: Int
  public init(_ rawValue: Int) { self.rawValue = rawValue }
  public static func < (a: OperatorID, b: OperatorID) -> Bool { a.rawValue < b.rawValue }
  public var description: String { "op\(rawValue)" }
}

/// A position in a schedule: step `s` runs the `s`-th operator of the schedule.
public typealias Step = Int

/// A name compared by its exact Unicode scalars, as the file holds them. Swift's `String ==`
/// treats canonically equivalent spellings ("é" and "e" + combining acute) as equal; two tensors
/// so named are distinct names in JSON and in ONNX, and one must never resolve to the other.
struct ExactName: Hashable, Sendable {
  let scalars: [UInt32]
  init(_ name: String) { scalars = name.unicodeScalars.map(\.value) }
}

/// A dictionary keyed by names compared as ``ExactName``s, subscripted with plain strings.
struct ExactDictionary<Value> {
  private var storage: [ExactName: Value] = [:]
  subscript(name: String) -> Value? {
    get { storage[ExactName(name)] }
    set { storage[ExactName(name)] = newValue }
  }
}
