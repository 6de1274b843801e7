import ArgumentParser
import COSMA

// The CLI's closed choices, parsed and listed in the help by ArgumentParser.

extension PlannerKind: ExpressibleByArgument {
  public init?(argument: String) { self.init(name: argument) }
}

extension WeightsPlacement: ExpressibleByArgument {}
extension TilingMode: ExpressibleByArgument {}

/// Whether operators may use in-place memory (`--in-place`): elementwise writes, concatenations and
/// splits (SPEC §1).
enum InPlaceMode: String, ExpressibleByArgument, CaseIterable {
  case on, off
}

extension ScratchpadSize: ExpressibleByArgument {
  public init?(argument: String) { self.init(parsing: argument) }
  public var defaultValueDescription: String { description }
}

/// A comma-separated list of values of one kind (`--tiers MR,MH`, `--planners auto,ilp`).
struct CommaSeparated<Element: ExpressibleByArgument>: ExpressibleByArgument {
  var values: [Element]

  init(_ values: [Element]) { self.values = values }

  init?(argument: String) {
    var values: [Element] = []
    for part in argument.split(separator: ",", omittingEmptySubsequences: false) {
      guard let v = Element(argument: String(part)) else { return nil }
      values.append(v)
    }
    guard !values.isEmpty else { return nil }
    self.values = values
  }

  var defaultValueDescription: String { values.map(\.defaultValueDescription).joined(separator: ",") }

  static var allValueStrings: [String] { Element.allValueStrings }
}
