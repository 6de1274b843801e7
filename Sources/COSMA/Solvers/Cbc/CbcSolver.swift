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

  /// The most CBC solves that ever ran at the same time in this process: 1 while the shim's
  /// mutex serializes them.
  public static var mostConcurrentSolves: Int { Int(ccbc_most_concurrent_solves()) }

  public func solve(_ model: LinearModel, options: SolveOptions) -> SolveResult {
    let clock = Stopwatch()
    let n = model.variables.count
    let m = model.rows.count
    guard let cbc = Cbc_newModel() else {
      return .failed("Cbc_newModel failed")
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
    if let n = options.nodeLimit { Cbc_setMaximumNodes(cbc, Int32(clamping: max(0, n))) }
    if let g = options.relativeGap { Cbc_setAllowableFractionGap(cbc, g) }
    Cbc_setParameter(cbc, "integerTolerance", String(options.integerTolerance))
    if !options.preprocess { Cbc_setParameter(cbc, "preprocess", "off") }
    if !options.heuristics { Cbc_setParameter(cbc, "heuristicsOnOff", "off") }
    if !options.cuts { Cbc_setParameter(cbc, "cutsOnOff", "off") }
    if !options.strongBranching {
      Cbc_setParameter(cbc, "strongBranching", "0")
      Cbc_setParameter(cbc, "trustPseudoCosts", "0")
    }
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

  /// Reads the outcome of a finished solve; the codes are mapped by ``CbcStatus``.
  private static func result(_ cbc: UnsafeMutableRawPointer, model: LinearModel, seconds: Double) -> SolveResult {
    let hasSolution = Cbc_bestSolution(cbc) != nil
    let status = CbcStatus(
      status: Cbc_status(cbc), secondary: Cbc_secondaryStatus(cbc), hasSolution: hasSolution,
      provenInfeasible: Cbc_isProvenInfeasible(cbc) != 0)
    var values: [Double]?
    var objective: Double?
    if hasSolution, let p = Cbc_getColSolution(cbc) {
      values = Array(UnsafeBufferPointer(start: p, count: model.variables.count))
      objective = Cbc_getObjValue(cbc) + model.objectiveOffset
    }
    let rawBound = Cbc_getBestPossibleObjValue(cbc)
    var bound: Double? = abs(rawBound) < 1e29 ? rawBound + model.objectiveOffset : nil
    let termination = status.termination
    if termination == .optimal { bound = objective }
    if let b = bound, let o = objective, b > o { bound = o }
    return SolveResult(
      termination: termination, objective: objective, bound: bound, values: values,
      seconds: seconds, nodes: Int(Cbc_getNodeCount(cbc)), iterations: Int(Cbc_getIterationCount(cbc)))
  }
}
