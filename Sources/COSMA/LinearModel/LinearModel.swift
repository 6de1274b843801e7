import Foundation

/// The index of a variable in a ``LinearModel``.
public struct VariableID: Hashable, Sendable {
  public let rawValue: Int
  public init(_ rawValue: Int) { self.rawValue = rawValue }
}

/// A mixed-integer linear program as plain data: variables with bounds, integrality and
/// objective coefficients, and rows `lower ≤ Σ coefficient · variable ≤ upper`.
///
/// It is built in memory, then handed to a ``MILPSolver`` once. Every variable and row has a
/// structured name (`spill[conv1_out@5]`), which ``lpText()`` writes out for debugging.
public struct LinearModel: Sendable {
  public struct Variable: Sendable {
    public var name: String
    public var lower: Double
    public var upper: Double
    public var objective: Double
    public var isInteger: Bool
  }

  public struct Row: Sendable {
    public var name: String
    public var terms: [(VariableID, Double)]
    public var lower: Double
    public var upper: Double
  }

  public private(set) var variables: [Variable] = []
  public private(set) var rows: [Row] = []
  /// Added to the objective value (constant terms, such as compulsory traffic).
  public var objectiveOffset: Double = 0

  public init() {}

  /// Adds a variable and returns its id.
  @discardableResult
  public mutating func addVariable(
    _ name: String, lower: Double = 0, upper: Double = .infinity, objective: Double = 0,
    integer: Bool = false
  ) -> VariableID {
    variables.append(
      Variable(name: name, lower: lower, upper: upper, objective: objective, isInteger: integer))
    return VariableID(variables.count - 1)
  }

  /// Adds a 0/1 variable.
  @discardableResult
  public mutating func addBinary(_ name: String, objective: Double = 0) -> VariableID {
    addVariable(name, lower: 0, upper: 1, objective: objective, integer: true)
  }

  /// Adds the row `lower ≤ Σ terms ≤ upper`. Terms on the same variable are summed.
  public mutating func addRow(
    _ name: String, _ terms: [(VariableID, Double)], lower: Double = -.infinity,
    upper: Double = .infinity
  ) {
    var merged: [Int: Double] = [:]
    var order: [Int] = []
    for (v, c) in terms {
      if merged[v.rawValue] == nil { order.append(v.rawValue) }
      merged[v.rawValue, default: 0] += c
    }
    let cleaned = order.compactMap { i in merged[i]! == 0 ? nil : (VariableID(i), merged[i]!) }
    rows.append(Row(name: name, terms: cleaned, lower: lower, upper: upper))
  }

  /// Adds `Σ terms ≤ bound`.
  public mutating func addLessOrEqual(_ name: String, _ terms: [(VariableID, Double)], _ bound: Double) {
    addRow(name, terms, upper: bound)
  }

  /// Adds `Σ terms ≥ bound`.
  public mutating func addGreaterOrEqual(_ name: String, _ terms: [(VariableID, Double)], _ bound: Double) {
    addRow(name, terms, lower: bound)
  }

  /// Adds `Σ terms = value`.
  public mutating func addEqual(_ name: String, _ terms: [(VariableID, Double)], _ value: Double) {
    addRow(name, terms, lower: value, upper: value)
  }

  /// Changes a variable's bounds.
  public mutating func setBounds(_ v: VariableID, lower: Double, upper: Double) {
    variables[v.rawValue].lower = lower
    variables[v.rawValue].upper = upper
  }

  public var integerCount: Int { variables.lazy.filter(\.isInteger).count }

  /// The objective value of an assignment (offset included).
  public func objectiveValue(_ x: [Double]) -> Double {
    zip(variables, x).reduce(objectiveOffset) { $0 + $1.0.objective * $1.1 }
  }

  /// The rows an assignment breaks by more than `tolerance`, by name (bounds included).
  public func violatedConstraints(_ x: [Double], tolerance: Double = 1e-6) -> [String] {
    var out: [String] = []
    for (i, v) in variables.enumerated() {
      if x[i] < v.lower - tolerance || x[i] > v.upper + tolerance { out.append("bounds of \(v.name)") }
      if v.isInteger && abs(x[i] - x[i].rounded()) > tolerance { out.append("integrality of \(v.name)") }
    }
    for r in rows {
      let a = r.terms.reduce(0.0) { $0 + $1.1 * x[$1.0.rawValue] }
      if a < r.lower - tolerance || a > r.upper + tolerance { out.append(r.name) }
    }
    return out
  }

  /// The model in CPLEX LP format (minimization), for debugging with any solver.
  public func lpText() -> String {
    func name(_ s: String) -> String {
      String(s.map { "[]@,".contains($0) ? "_" : ($0.isLetter || $0.isNumber || "_.".contains($0) ? $0 : "_") })
    }
    func term(_ c: Double, _ v: Int, first: Bool) -> String {
      let sign = c < 0 ? "- " : (first ? "" : "+ ")
      let mag = abs(c) == 1 ? "" : "\(LinearModel.number(abs(c))) "
      return "\(sign)\(mag)\(name(variables[v].name))_\(v)"
    }
    var out = "\\ COSMA linear model: \(variables.count) variables, \(rows.count) rows\n"
    if objectiveOffset != 0 { out += "\\ objective offset \(LinearModel.number(objectiveOffset))\n" }
    out += "Minimize\n obj:"
    let obj = variables.enumerated().filter { $0.1.objective != 0 }
    if obj.isEmpty { out += " 0 \(name(variables.first?.name ?? "x"))_0" }
    for (k, (i, v)) in obj.enumerated() { out += " " + term(v.objective, i, first: k == 0) }
    out += "\nSubject To\n"
    for (ri, r) in rows.enumerated() {
      let lhs = r.terms.isEmpty ? "0 \(name(variables.first?.name ?? "x"))_0" :
        r.terms.enumerated().map { term($0.1.1, $0.1.0.rawValue, first: $0.0 == 0) }.joined(separator: " ")
      let label = "\(name(r.name))_r\(ri)"
      if r.lower == r.upper {
        out += " \(label): \(lhs) = \(LinearModel.number(r.lower))\n"
      } else {
        if r.lower > -.infinity { out += " \(label)_lo: \(lhs) >= \(LinearModel.number(r.lower))\n" }
        if r.upper < .infinity { out += " \(label)_up: \(lhs) <= \(LinearModel.number(r.upper))\n" }
      }
    }
    out += "Bounds\n"
    for (i, v) in variables.enumerated() {
      let n = "\(name(v.name))_\(i)"
      let lo = v.lower == -.infinity ? "-inf" : LinearModel.number(v.lower)
      let up = v.upper == .infinity ? "+inf" : LinearModel.number(v.upper)
      out += " \(lo) <= \(n) <= \(up)\n"
    }
    let ints = variables.enumerated().filter(\.1.isInteger)
    if !ints.isEmpty {
      out += "General\n"
      for (i, v) in ints { out += " \(name(v.name))_\(i)\n" }
    }
    out += "End\n"
    return out
  }

  private static func number(_ d: Double) -> String {
    d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
  }
}

extension LinearModel {
  /// The model with every fixed variable (lower = upper) substituted out: its objective moves
  /// to the offset, its row terms to the row bounds, and rows left empty disappear. Returns nil
  /// when an emptied row is violated by the fixed values (the fixings are infeasible).
  ///
  /// `expand` maps a solution of the reduced model back to one of this model. CBC's
  /// preprocessing of a model that is mostly fixed does not check its time limit, so large
  /// neighbourhood moves hand CBC the reduced model instead.
  public func removingFixedVariables() -> (model: LinearModel, expand: @Sendable ([Double]) -> [Double])? {
    var reduced = LinearModel()
    reduced.objectiveOffset = objectiveOffset
    var newIndex = [Int](repeating: -1, count: variables.count)
    var fixedValues = [Double](repeating: 0, count: variables.count)
    for (i, v) in variables.enumerated() {
      if v.lower == v.upper {
        fixedValues[i] = v.lower
        reduced.objectiveOffset += v.objective * v.lower
      } else {
        newIndex[i] = reduced.variables.count
        reduced.variables.append(v)
      }
    }
    let tolerance = 1e-7
    for row in rows {
      var shift = 0.0
      var terms: [(VariableID, Double)] = []
      for (v, c) in row.terms {
        if newIndex[v.rawValue] < 0 {
          shift += c * fixedValues[v.rawValue]
        } else {
          terms.append((VariableID(newIndex[v.rawValue]), c))
        }
      }
      let lower = row.lower - shift
      let upper = row.upper - shift
      if terms.isEmpty {
        if lower > tolerance || upper < -tolerance { return nil }
        continue
      }
      reduced.rows.append(Row(name: row.name, terms: terms, lower: lower, upper: upper))
    }
    let map = newIndex
    let base = fixedValues
    return (reduced, { values in
      var full = base
      for (i, k) in map.enumerated() where k >= 0 { full[i] = values[k] }
      return full
    })
  }
}
