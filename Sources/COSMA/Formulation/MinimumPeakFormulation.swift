/// The exact minimum peak `M_P` (SPEC §1): the least, over all schedules, of the peak live bytes
/// with no spills, as an ILP over the operator order.
///
/// Variables: `run[o@s]` (binary, inside ASAP/ALAP windows), `live[t@s]` in [0, 1] and the peak
/// `P`. Rows: one step per operator and one operator per step, cumulative precedence, and
/// `live[t@s] ≥ started(first[t], s) + pending(c, s) − 1` for every user `c` of `t`, where
/// `first[t]` is its producer (or, for inputs and weights, each of its users) and
/// `pending(c, s) = Σ_{s' ≥ s} run[c@s']`; then `P ≥ Σ_t size(t) · live[t@s]` at every step.
/// Minimizing `P` pushes every `live` to 0 unless a row forces it to 1, so at an integral
/// schedule `P` is exactly that schedule's peak.
struct MinimumPeakFormulation {
  let graph: Graph
  let weights: WeightsPlacement
  let size: (TensorID) -> ByteCount
  private(set) var model = LinearModel()
  private(set) var run: [[Step: VariableID]] = []
  private(set) var live: [[Step: VariableID]] = []
  private(set) var peak = VariableID(0)
  let unit: ByteCount

  init(graph: Graph, weights: WeightsPlacement, size: @escaping (TensorID) -> ByteCount) {
    self.graph = graph
    self.weights = weights
    self.size = size
    var g = 0
    for t in graph.tensorIDs where graph.isPlanned(t, weights: weights) { g = gcd(g, size(t)) }
    unit = max(g, 1)
  }

  mutating func build() {
    let g = graph
    let n = g.operators.count
    let w = ScheduleWindows(graph: g)
    model = LinearModel()
    run = Array(repeating: [:], count: n)
    live = Array(repeating: [:], count: g.tensors.count)
    var opsAt = [[OperatorID]](repeating: [], count: n)
    for o in g.operatorIDs {
      for s in w.window(o) {
        run[o.rawValue][s] = model.addBinary("run[\(g[o].name)@\(s)]")
        opsAt[s].append(o)
      }
      model.addEqual("oneStep[\(g[o].name)]", run[o.rawValue].byStep.map { ($0.value, 1) }, 1)
    }
    for s in 0..<n { model.addEqual("oneOp[\(s)]", opsAt[s].map { (run[$0.rawValue][s]!, 1) }, 1) }
    addPrecedenceRows(&model, run: run, windows: w, graph: g)
    peak = model.addVariable("peak", lower: 0, upper: .infinity, objective: Double(unit))
    var peakTerms = [[(VariableID, Double)]](repeating: [], count: n)
    var users = [[OperatorID]](repeating: [], count: g.tensors.count)
    for o in g.operatorIDs {
      for t in g.workingSet(of: o, weights: weights) { users[t.rawValue].append(o) }
    }
    for t in g.tensorIDs where g.isPlanned(t, weights: weights) && !users[t.rawValue].isEmpty {
      let us = users[t.rawValue]
      let firsts = g.producer[t.rawValue].map { [$0] } ?? us
      let lo = firsts.map { w.earliest[$0.rawValue] }.min()!
      let hi = us.map { w.latest[$0.rawValue] }.max()!
      let units = Double(size(t) / unit)
      for s in lo...hi {
        let v = model.addVariable("live[\(g[t].name)@\(s)]", lower: 0, upper: 1)
        live[t.rawValue][s] = v
        peakTerms[s].append((v, units))
        for f in firsts {
          let started = run[f.rawValue].byStep.filter { $0.key <= s }.map { ($0.value, -1.0) }
          guard !started.isEmpty else { continue }
          for c in us {
            let pending = run[c.rawValue].byStep.filter { $0.key >= s }.map { ($0.value, -1.0) }
            // A row binds only where both sums can be 1 at step s.
            guard !pending.isEmpty else { continue }
            model.addGreaterOrEqual("live[\(g[t].name)@\(s),\(g[c].name)]", [(v, 1)] + started + pending, -1)
          }
        }
      }
    }
    for s in 0..<n {
      model.addGreaterOrEqual("peak[\(s)]", [(peak, 1)] + peakTerms[s].map { ($0.0, -$0.1) }, 0)
    }
  }

  /// The assignment of a schedule, for a MIP start.
  func assignment(for schedule: [OperatorID]) -> [Double] {
    var values = [Double](repeating: 0, count: model.variables.count)
    for (s, o) in schedule.enumerated() {
      if let v = run[o.rawValue][s] { values[v.rawValue] = 1 }
    }
    let intervals = graph.liveIntervals(schedule: schedule, weights: weights)
    var perStep = [Double](repeating: 0, count: schedule.count)
    for (t, range) in intervals.enumerated() {
      guard let range else { continue }
      for s in range {
        if let v = live[t][s] { values[v.rawValue] = 1 }
        perStep[s] += Double(size(TensorID(t)) / unit)
      }
    }
    values[peak.rawValue] = perStep.max() ?? 0
    return values
  }

  /// The schedule of solver values.
  func schedule(_ values: [Double]) -> [OperatorID] {
    var at = [OperatorID?](repeating: nil, count: graph.operators.count)
    for o in graph.operatorIDs {
      let best = run[o.rawValue].byStep.max { values[$0.value.rawValue] < values[$1.value.rawValue] }!
      at[best.key] = o
    }
    return at.compactMap { $0 }
  }
}

/// What the exact minimum-peak search proved.
public struct MinimumPeakResult: Sendable {
  /// The best peak found, with a schedule reaching it.
  public var peak: ByteCount
  public var schedule: [OperatorID]
  /// A proven lower bound (equal to ``peak`` when it is exact).
  public var lowerBound: ByteCount
  public var isExact: Bool { peak == lowerBound }
}

extension Budgets {
  /// `M_P` proven by the minimum-peak ILP on CBC, started from the list scheduler's schedule:
  /// exact when CBC finishes within `timeLimit`, otherwise the best peak with CBC's bound.
  /// Models with more than `maxIntegerVariables` operator-step binaries are not attempted (CBC
  /// does not check its time limit while preprocessing them); the list scheduler's peak and its
  /// bound are returned.
  public static func exactMinimumPeak(
    graph: Graph, alignment: Int, weights: WeightsPlacement, timeLimit: Double = 30,
    maxIntegerVariables: Int = 6_000, solver: any MILPSolver
  ) -> MinimumPeakResult {
    let budgets = Budgets(graph: graph, alignment: alignment, weights: weights)
    var result = MinimumPeakResult(peak: budgets.mp, schedule: budgets.mpSchedule, lowerBound: budgets.mpLowerBound)
    if result.isExact { return result }
    // Every operator has at least one binary.
    if graph.operators.count > maxIntegerVariables { return result }
    let windows = ScheduleWindows(graph: graph)
    let binaries = graph.operatorIDs.reduce(0) { $0 + windows.window($1).count }
    if binaries > maxIntegerVariables { return result }
    let size = { (t: TensorID) in roundUp(graph[t].bytes, to: alignment) }
    var f = MinimumPeakFormulation(graph: graph, weights: weights, size: size)
    f.build()
    var options = SolveOptions(timeLimit: timeLimit)
    options.mipStart = f.assignment(for: budgets.mpSchedule)
    let solved = solver.solve(f.model, options: options)
    if let values = solved.values {
      let schedule = f.schedule(values)
      if graph.isTopologicalOrder(schedule) {
        let peak = graph.peakLiveBytes(schedule: schedule, weights: weights, size: size).bytes
        if peak < result.peak { result = MinimumPeakResult(peak: peak, schedule: schedule, lowerBound: result.lowerBound) }
      }
    }
    if let bound = solved.bound {
      // The bound is in units of the sizes' GCD, and every peak is a multiple of it.
      let b = Int((bound / Double(f.unit) - 1e-6).rounded(.up)) * f.unit
      result.lowerBound = min(result.peak, max(result.lowerBound, b))
    }
    return result
  }
}
