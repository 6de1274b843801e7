import CCbc

/// ``MILPSolver`` on COIN-OR CBC 2.10 through the `CCbc` shim.
///
/// The model is loaded in one `Cbc_loadProblem` call (column-major), solved once under the
/// shim's process-wide mutex, and discarded: CBC is not re-entrant, and re-solving a modified
/// model is unreliable. CBC is quiet, and time limits count elapsed time. This file is the only
/// Swift code that imports `CCbc`.
public struct CbcSolver: MILPSolver {
  public init() {}

  /// The number of CBC solves this process has run.
  public static var solveCount: Int { Int(ccbc_solve_count()) }

  public func solve(_ model: LinearModel, options: SolveOptions) -> SolveResult {
    let clock = Stopwatch()
    let n = model.variables.count
    let m = model.rows.count
    guard let cbc = Cbc_newModel() else {
      return SolveResult(termination: .failed("Cbc_newModel failed"), objective: nil, bound: nil,
                         values: nil, seconds: 0, nodes: 0)
    }
    defer { Cbc_deleteModel(cbc) }

    // Column-major (CSC) matrix.
    var columnTerms = [[(Int32, Double)]](repeating: [], count: n)
    for (r, row) in model.rows.enumerated() {
      for (v, c) in row.terms { columnTerms[v.rawValue].append((Int32(r), c)) }
    }
    var start: [Int32] = [0]
    var index: [Int32] = []
    var value: [Double] = []
    for col in columnTerms {
      for (r, c) in col {
        index.append(r)
        value.append(c)
      }
      start.append(Int32(index.count))
    }
    let big = 1e30
    func finite(_ x: Double) -> Double { x == .infinity ? big : (x == -.infinity ? -big : x) }
    var collb = model.variables.map { finite($0.lower) }
    var colub = model.variables.map { finite($0.upper) }
    var obj = model.variables.map(\.objective)
    var rowlb = model.rows.map { finite($0.lower) }
    var rowub = model.rows.map { finite($0.upper) }
    Cbc_loadProblem(cbc, Int32(n), Int32(m), &start, &index, &value, &collb, &colub, &obj, &rowlb, &rowub)
    for (i, v) in model.variables.enumerated() where v.isInteger { Cbc_setInteger(cbc, Int32(i)) }

    ccbc_quiet_elapsed(cbc)
    if let t = options.timeLimit { Cbc_setMaximumSeconds(cbc, max(0.01, t)) }
    if let g = options.relativeGap { Cbc_setAllowableFractionGap(cbc, g) }
    Cbc_setParameter(cbc, "integerTolerance", String(options.integerTolerance))
    if let start = options.mipStart, start.count == n {
      var idx: [Int32] = []
      var vals: [Double] = []
      for (i, v) in model.variables.enumerated() where v.isInteger {
        idx.append(Int32(i))
        vals.append(start[i].rounded())
      }
      if !idx.isEmpty { Cbc_setMIPStartI(cbc, Int32(idx.count), &idx, &vals) }
    }

    _ = ccbc_solve(cbc)
    return CbcSolver.result(cbc, model: model, seconds: clock.seconds)
  }

  /// The one place that maps CBC's status codes to a ``Termination``.
  ///
  /// `Cbc_status`: 0 finished, 1 stopped on a limit, 2 abandoned, 5 user stop.
  /// `Cbc_secondaryStatus`: 0 optimal, 1 infeasible, 2 gap limit, 3 node limit, 4 time limit,
  /// 5 user stop, 6 solution limit, 7 unbounded. A gap stop also reports "proven optimal", so the
  /// secondary status decides (see the CBC notes in the README).
  private static func result(_ cbc: UnsafeMutableRawPointer, model: LinearModel, seconds: Double) -> SolveResult {
    let status = Cbc_status(cbc)
    let secondary = Cbc_secondaryStatus(cbc)
    let hasSolution = Cbc_bestSolution(cbc) != nil
    var values: [Double]?
    var objective: Double?
    if hasSolution, let p = Cbc_getColSolution(cbc) {
      values = Array(UnsafeBufferPointer(start: p, count: model.variables.count))
      objective = Cbc_getObjValue(cbc) + model.objectiveOffset
    }
    let rawBound = Cbc_getBestPossibleObjValue(cbc)
    var bound: Double? = abs(rawBound) < 1e29 ? rawBound + model.objectiveOffset : nil
    let termination: Termination
    switch (status, secondary) {
    case (0, 0) where hasSolution:
      termination = .optimal
      bound = objective
    case (0, 1) where !hasSolution, (0, 7) where !hasSolution:
      termination = .infeasible
    case (_, 2) where hasSolution:
      termination = .feasible(limit: .gap)
    case (1, 4), (0, 4):
      termination = hasSolution ? .feasible(limit: .time) : .noSolution(limit: .time)
    case (1, _), (5, _):
      termination = hasSolution ? .feasible(limit: .other) : .noSolution(limit: .other)
    case (0, _) where !hasSolution && Cbc_isProvenInfeasible(cbc) != 0:
      termination = .infeasible
    default:
      termination = hasSolution ? .feasible(limit: .other) : .failed("CBC status \(status)/\(secondary)")
    }
    if let b = bound, let o = objective, b > o { bound = o }
    return SolveResult(
      termination: termination, objective: objective, bound: bound, values: values,
      seconds: seconds, nodes: Int(Cbc_getNodeCount(cbc)))
  }
}
