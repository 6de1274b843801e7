/// The ILP over schedule and residency, with "live bytes ≤ capacity" in place of offsets.
///
/// Variables (binary unless noted), defined only inside ASAP/ALAP windows:
/// - `run[o@s]`: operator `o` runs at step `s` (fixed to 1 when the schedule is given);
/// - `res[t@s]`: tensor `t` is resident while step `s` runs;
/// - `load[t@s]` (continuous in [0, 1], integral at any optimum): `t` is loaded before step `s`;
/// - `spill[t]` (continuous): activation `t` is stored to DRAM after its production.
///
/// Rows:
/// - `oneStep[o]`, `oneOp[s]`: exactly one step per operator and one operator per step (the
///   paper lets several operators share a step);
/// - `before[p,o@s]`: cumulative precedence, `o` started by `s` ⇒ `p` started before `s`;
/// - `use[t@s]`: an operator's inputs and outputs are resident when it runs;
/// - `flow[t@s]`: a tensor is resident only if it was, was loaded, or is produced now;
/// - `loadAfterProduce[t@s]`, `loadNeedsSpill[t@s]`: an activation is reloaded only after its
///   production and only if it was spilled;
/// - `firstLoad[t]`: every read input and weight is loaded at least once (a valid inequality
///   that keeps the relaxation's bound at the compulsory traffic);
/// - `capacity[s]`: the sizes resident at step `s` fit, in units of the sizes' GCD, less the
///   output of an operator that runs in place there;
/// - `inPlace[o/x@s]` (binary, only when the accelerator allows in-place operators): operator
///   `o` runs at `s` writing its output over its input `x`, which every other reader of `x`
///   has read before `s` (`inPlaceLast`);
/// - `concatInPlace[c]`, `readInPlace[o]` (binary, likewise): a concatenation's inputs lie in
///   its output's range, reserved from the first of them on; a split's outputs, or a fused pad's,
///   lie in its input's range, held until the last of them dies. The parts then take no space of
///   their own.
///
/// The objective is the non-compulsory traffic in bytes: every load and spill store, minus the
/// constant first load of every read input and weight. Since offsets are left out, its optimum is
/// a lower bound of the joint problem; a solution whose intervals the exact allocator places is
/// optimal for the joint problem too.
struct ResidencyFormulation {
  let problem: PlanningProblem
  private(set) var windows: ScheduleWindows
  /// Solutions to exclude (no-good cuts), each a set of `res` variables that were 1, given with
  /// their tensor and step so that they can be mapped to this model.
  var excluded: [[(TensorID, Step)]] = []
  /// Tensors whose loads and stores cost nothing (the boundary of a region, see
  /// ``PlanningProblem/regionLowerBound(regionSize:timeLimit:progress:)``).
  var free: Set<TensorID> = []
  /// Inputs that stand for activations produced elsewhere (a region's boundary): the first load
  /// is their arrival, but a later load means the activation left the scratchpad after it was
  /// resident, so it was stored: that costs its size once more (`spill`).
  var arriving: Set<TensorID> = []
  /// A lower bound on the objective proven elsewhere (the region bound), added as a row so
  /// that CBC stops as soon as an incumbent reaches it; 0 adds nothing.
  var objectiveFloor: ByteCount = 0
  /// Order pairs beyond the graph's edges.
  private(set) var before: [(OperatorID, OperatorID)] = []

  private(set) var model = LinearModel()
  private(set) var run: [[Step: VariableID]] = []
  private(set) var res: [[Step: VariableID]] = []
  private(set) var load: [[Step: VariableID]] = []
  private(set) var spill: [VariableID?] = []
  /// The in-place variables: the write, its step, and the variable.
  private(set) var inPlace: [(write: InPlaceWrite, step: Step, variable: VariableID)] = []
  /// The concatenations that may run in place, each with its binary.
  private(set) var concats: [(op: OperatorID, concat: ConcatInPlace, variable: VariableID)] = []
  /// A concatenation output's range reserved at a step before it is produced.
  private(set) var reserve: [[Step: VariableID]] = []
  /// The splits and pads whose outputs may be read in place within their input, each with its
  /// binary (``PlanningProblem/readsInPlace``).
  private(set) var views: [(op: OperatorID, input: TensorID, parts: [(output: TensorID, offset: ByteCount)], view: Bool, variable: VariableID)] = []
  /// A concatenation input inside its output, or a split output inside its input, at a step
  /// (continuous).
  private(set) var inside: [(variable: VariableID, tensor: TensorID, step: Step)] = []
  /// Each planned tensor's step range.
  private(set) var tensorWindow: [ClosedRange<Step>?] = []
  let unit: ByteCount
  /// The capacity the rows use: the problem's, or less to find residencies that pack easily.
  var capacity: ByteCount

  init(problem: PlanningProblem, schedule: [OperatorID]? = nil) {
    self.problem = problem
    self.capacity = problem.capacity
    self.windows = schedule.map(ScheduleWindows.init(schedule:)) ?? ScheduleWindows(graph: problem.graph)
    var g = 0
    for t in problem.graph.tensorIDs where problem.isPlanned(t) { g = gcd(g, problem.size(t)) }
    unit = max(g, 1)
  }

  /// A free-order model in which each pair `(a, b)` of `before` also runs `a` before `b` (a
  /// region keeps the order its operators have through operators outside it).
  init(problem: PlanningProblem, before: [(OperatorID, OperatorID)]) {
    self.init(problem: problem)
    self.before = before
    self.windows = ScheduleWindows(graph: problem.graph, before: before)
  }

  init(problem: PlanningProblem, windows: ScheduleWindows) {
    self.init(problem: problem)
    self.windows = windows
  }

  var isScheduleFixed: Bool { windows.earliest == windows.latest }

  /// The schedule, when it is fixed.
  var fixedSchedule: [OperatorID]? {
    guard isScheduleFixed else { return nil }
    var order = [OperatorID](repeating: OperatorID(0), count: windows.earliest.count)
    for (o, s) in windows.earliest.enumerated() { order[s] = OperatorID(o) }
    return order
  }

  private func name(_ t: TensorID) -> String { problem.graph[t].name }

  /// Each step's capacity in units. Below the problem's capacity (residencies that pack
  /// easily), a step keeps at least the working set of the largest operator that may run at it:
  /// a reduced capacity leaves room around that operator only where it can, so it applies even
  /// when the scratchpad is exactly `M_R` (PNASNet-5 with weights external, where a residency at
  /// the full capacity did not pack within the allocator's limit).
  private func stepCapacities(steps n: Int) -> [Double] {
    let full = roundDown(problem.capacity, to: problem.alignment) / unit
    let reduced = roundDown(capacity, to: problem.alignment) / unit
    var units = [Int](repeating: min(full, reduced), count: n)
    guard reduced < full else { return units.map(Double.init) }
    let g = problem.graph
    for o in g.operatorIDs {
      let needed = g.workingSet(of: o, weights: problem.weights).reduce(0) { $0 + problem.size($1) / unit }
      for s in windows.earliest[o.rawValue]...windows.latest[o.rawValue] where s < n {
        units[s] = min(full, max(units[s], needed))
      }
    }
    return units.map(Double.init)
  }

  /// A lower bound on the integer variables ``build()`` makes, found without building: the
  /// schedule's binaries and a residency binary per planned tensor per step between its first
  /// and last users. A model of millions of variables takes seconds to build only to be refused
  /// as too large to solve.
  func integerLowerBound() -> Int {
    let g = problem.graph
    var count = g.operatorIDs.reduce(0) { $0 + windows.window($1).count }
    var lo = [Int](repeating: .max, count: g.tensors.count)
    var hi = [Int](repeating: .min, count: g.tensors.count)
    for o in g.operatorIDs {
      for t in g.workingSet(of: o, weights: problem.weights) {
        lo[t.rawValue] = min(lo[t.rawValue], windows.earliest[o.rawValue])
        hi[t.rawValue] = max(hi[t.rawValue], windows.latest[o.rawValue])
      }
    }
    for t in g.tensorIDs where problem.isPlanned(t) && lo[t.rawValue] <= hi[t.rawValue] {
      count += hi[t.rawValue] - lo[t.rawValue] + 1
    }
    return count
  }

  mutating func build() {
    let g = problem.graph
    let n = g.operators.count
    model = LinearModel()
    run = Array(repeating: [:], count: n)
    res = Array(repeating: [:], count: g.tensors.count)
    load = Array(repeating: [:], count: g.tensors.count)
    spill = Array(repeating: nil, count: g.tensors.count)
    tensorWindow = Array(repeating: nil, count: g.tensors.count)

    // Schedule.
    var opsAt = [[OperatorID]](repeating: [], count: n)
    for o in g.operatorIDs {
      for s in windows.window(o) {
        let v = model.addBinary("run[\(g[o].name)@\(s)]")
        if isScheduleFixed { model.setBounds(v, lower: 1, upper: 1) }
        run[o.rawValue][s] = v
        opsAt[s].append(o)
      }
      model.addEqual("oneStep[\(g[o].name)]", run[o.rawValue].byStep.map { ($0.value, 1) }, 1)
    }
    if !isScheduleFixed {
      for s in 0..<n {
        model.addEqual("oneOp[\(s)]", opsAt[s].map { (run[$0.rawValue][s]!, 1) }, 1)
      }
      addPrecedenceRows(&model, run: run, windows: windows, graph: g, before: before)
    }

    // Residency.
    var users = [[OperatorID]](repeating: [], count: g.tensors.count)
    for o in g.operatorIDs {
      for t in g.workingSet(of: o, weights: problem.weights) { users[t.rawValue].append(o) }
    }
    var capacityTerms = [[(VariableID, Double)]](repeating: [], count: n)
    var offset = 0.0
    // Concatenations in place: a binary each, and the steps from which each output's range may
    // be reserved (its inputs' producers).
    concats = []
    var reservedBy = [[OperatorID]](repeating: [], count: g.tensors.count)
    for (c, cp) in problem.concatsInPlace.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
      concats.append((c, cp, model.addBinary("concatInPlace[\(g[c].name)]")))
      reservedBy[cp.output.rawValue] = cp.parts.compactMap { g.producer[$0.input.rawValue] }
    }
    // Splits and pads read in place: a binary each, and the operators until which each input's
    // range may be held (its outputs' readers).
    views = []
    var heldFor = [[OperatorID]](repeating: [], count: g.tensors.count)
    for r in problem.readsInPlace {
      views.append((r.op, r.input, r.parts, r.view, model.addBinary("readInPlace[\(g[r.op].name)]")))
      heldFor[r.input.rawValue] += r.parts.flatMap { g.consumers[$0.output.rawValue] }
    }
    // A concatenation's output is held while an input inside it is still read, and reserved
    // from the production of the first input of an input that is itself a concatenation done in
    // place (nested concatenations share one range).
    for (_, cp, _) in concats { heldFor[cp.output.rawValue] += cp.parts.flatMap { g.consumers[$0.input.rawValue] } }
    var changed = true
    while changed {
      changed = false
      for (_, cp, _) in concats {
        let y = cp.output.rawValue
        for (x, _) in cp.parts where !reservedBy[x.rawValue].isEmpty || !heldFor[x.rawValue].isEmpty {
          let (r, h) = (Set(reservedBy[y]), Set(heldFor[y]))
          let (r2, h2) = (r.union(reservedBy[x.rawValue]), h.union(heldFor[x.rawValue]))
          if r2.count > r.count || h2.count > h.count {
            reservedBy[y] = r2.sorted { $0.rawValue < $1.rawValue }
            heldFor[y] = h2.sorted { $0.rawValue < $1.rawValue }
            changed = true
          }
        }
      }
    }
    reserve = Array(repeating: [:], count: g.tensors.count)
    for t in g.tensorIDs where problem.isPlanned(t) && !users[t.rawValue].isEmpty {
      let us = users[t.rawValue]
      let lo = (us + reservedBy[t.rawValue]).map { windows.earliest[$0.rawValue] }.min()!
      let hi = (us + heldFor[t.rawValue]).map { windows.latest[$0.rawValue] }.max()!
      tensorWindow[t.rawValue] = lo...hi
      let bytes = free.contains(t) ? 0 : Double(g[t].bytes)
      let kind = g[t].kind
      let producer = g.producer[t.rawValue]
      for s in lo...hi {
        let v = model.addBinary("res[\(name(t))@\(s)]")
        res[t.rawValue][s] = v
        capacityTerms[s].append((v, Double(problem.size(t) / unit)))
      }
      // Loads: anywhere for inputs and weights; after production for produced tensors.
      if producer == nil || !isScheduleFixed || windows.earliest[producer!.rawValue] < hi {
        let firstLoad = producer.map { windows.earliest[$0.rawValue] + 1 } ?? lo
        if firstLoad <= hi {
          for s in firstLoad...hi {
            load[t.rawValue][s] = model.addVariable("load[\(name(t))@\(s)]", lower: 0, upper: 1, objective: bytes)
          }
        }
      }
      if kind == .activation && !load[t.rawValue].isEmpty {
        spill[t.rawValue] = model.addVariable("spill[\(name(t))]", lower: 0, upper: 1, objective: bytes)
      }
      for s in lo...hi {
        let r = res[t.rawValue][s]!
        // use: resident whenever a user runs (one operator per step, so the sum is ≤ 1).
        let running = us.compactMap { run[$0.rawValue][s] }
        if !running.isEmpty {
          model.addGreaterOrEqual("use[\(name(t))@\(s)]", [(r, 1)] + running.map { ($0, -1) }, 0)
        }
        // flow: res[s] ≤ res[s-1] + load[s] + run[producer@s].
        var terms: [(VariableID, Double)] = [(r, 1)]
        if let prev = res[t.rawValue][s - 1] { terms.append((prev, -1)) }
        if let l = load[t.rawValue][s] { terms.append((l, -1)) }
        if let p = producer, let x = run[p.rawValue][s] { terms.append((x, -1)) }
        // A concatenation's output reserved, when it is done in place, as an input is produced.
        let producing = reservedBy[t.rawValue].compactMap { run[$0.rawValue][s] }
        if !producing.isEmpty, let z = concats.first(where: { $0.concat.output == t })?.variable {
          let v = model.addVariable("reserve[\(name(t))@\(s)]", lower: 0, upper: 1, objective: 0)
          reserve[t.rawValue][s] = v
          terms.append((v, -1))
          model.addLessOrEqual("reserveInPlace[\(name(t))@\(s)]", [(v, 1), (z, -1)], 0)
          model.addLessOrEqual("reserveAtProduction[\(name(t))@\(s)]", [(v, 1)] + producing.map { ($0, -1) }, 0)
        }
        model.addLessOrEqual("flow[\(name(t))@\(s)]", terms, 0)
        if let p = producer, let l = load[t.rawValue][s] {
          // Produced strictly before s.
          let before = run[p.rawValue].byStep.filter { $0.key < s }.map { ($0.value, -1.0) }
          model.addLessOrEqual("loadAfterProduce[\(name(t))@\(s)]", [(l, 1)] + before, 0)
          if let sp = spill[t.rawValue] {
            model.addLessOrEqual("loadNeedsSpill[\(name(t))@\(s)]", [(l, 1), (sp, -1)], 0)
          }
        }
      }
      if producer == nil {
        model.addGreaterOrEqual("firstLoad[\(name(t))]", load[t.rawValue].byStep.map { ($0.value, 1) }, 1)
        offset -= bytes
      }
      if producer == nil && arriving.contains(t) && lo < hi {
        // seen[s] ≥ res[s'] for every s' ≤ s; a load after a step it was resident needs a store.
        let sp = model.addVariable("spill[\(name(t))]", lower: 0, upper: 1, objective: bytes)
        spill[t.rawValue] = sp
        var seen: VariableID?
        for s in lo...hi {
          if let prior = seen, let l = load[t.rawValue][s] {
            model.addLessOrEqual("reloadNeedsStore[\(name(t))@\(s)]", [(l, 1), (prior, 1), (sp, -1)], 1)
          }
          let v = model.addVariable("seen[\(name(t))@\(s)]", lower: 0, upper: 1, objective: 0)
          model.addGreaterOrEqual("seenResident[\(name(t))@\(s)]", [(v, 1), (res[t.rawValue][s]!, -1)], 0)
          if let prior = seen { model.addGreaterOrEqual("seenBefore[\(name(t))@\(s)]", [(v, 1), (prior, -1)], 0) }
          seen = v
        }
      }
    }
    addInPlaceVariables(users: users, capacityTerms: &capacityTerms)
    addConcatenationRows(capacityTerms: &capacityTerms)
    addReadInPlaceRows(capacityTerms: &capacityTerms)
    let capUnits = stepCapacities(steps: n)
    for s in 0..<n where !capacityTerms[s].isEmpty {
      model.addLessOrEqual("capacity[\(s)]", capacityTerms[s], capUnits[s])
    }
    model.objectiveOffset = offset
    if objectiveFloor > 0 {
      let terms = model.variables.indices.compactMap { j -> (VariableID, Double)? in
        let c = model.variables[j].objective
        return c == 0 ? nil : (VariableID(j), c)
      }
      model.addGreaterOrEqual("provenBound", terms, Double(objectiveFloor) - offset)
    }
    for (k, cut) in excluded.enumerated() {
      // Σ_{res=1 in the cut} (1 − res) + Σ_{others} res ≥ 1, over the cut's support only:
      // Σ_{cut} res ≤ |cut| − 1 excludes that residency and every one containing it.
      let vars = cut.compactMap { res[$0.0.rawValue][$0.1] }
      if !vars.isEmpty {
        model.addLessOrEqual("noGood[\(k)]", vars.map { ($0, 1) }, Double(vars.count - 1))
      }
    }
  }

  /// One binary per allowed in-place write and step of its operator's window (SPEC §1): the
  /// operator's output then takes no space of its own at that step. Every other reader of the
  /// input must have run before; the input's residency then ends there (intervals end at their
  /// last use).
  private mutating func addInPlaceVariables(users: [[OperatorID]], capacityTerms: inout [[(VariableID, Double)]]) {
    let g = problem.graph
    inPlace = []
    for o in g.operatorIDs where !problem.inPlaceWrites[o.rawValue].isEmpty {
      let writes = problem.inPlaceWrites[o.rawValue]
      let saved = Double(problem.size(g[o].outputs[0]) / unit)
      for (s, r) in run[o.rawValue].byStep {
        var chosen: [(VariableID, Double)] = []
        for w in writes {
          guard res[w.input.rawValue][s] != nil, res[w.output.rawValue][s] != nil else { continue }
          let others = g.consumers[w.input.rawValue].filter { $0 != o }
          // Each other reader needs a step before s.
          let before = others.map { u in run[u.rawValue].byStep.filter { $0.key < s }.map(\.value) }
          guard before.allSatisfy({ !$0.isEmpty }) else { continue }
          let v = model.addBinary("inPlace[\(g[o].name)/\(name(w.input))@\(s)]")
          inPlace.append((w, s, v))
          chosen.append((v, 1))
          capacityTerms[s].append((v, -saved))
          for (u, steps) in zip(others, before) where !isScheduleFixed {
            model.addLessOrEqual("inPlaceLast[\(g[o].name)/\(g[u].name)@\(s)]", [(v, 1)] + steps.map { ($0, -1) }, 0)
          }
        }
        if !chosen.isEmpty {
          model.addLessOrEqual("inPlaceRuns[\(g[o].name)@\(s)]", chosen + [(r, -1)], 0)
        }
      }
    }
  }

  /// For each concatenation that may run in place (its binary `z`): while `z` is 1 its inputs
  /// take no space of their own (`inside`, at most their residency and `z`), its output is
  /// resident whenever one of them is (`around`, before the concatenation and after it,
  /// while another reader still reads one), and they are never reloaded nor written in place over
  /// something else or overwritten (their ranges are fixed in the output's); an input lies in
  /// one output at most.
  private mutating func addConcatenationRows(capacityTerms: inout [[(VariableID, Double)]]) {
    inside = []
    for (_, cp, z) in concats {
      for (x, _) in cp.parts {
        addPartRows(x, within: cp.output, when: z, capacityTerms: &capacityTerms)
        for (w, s, v) in inPlace where w.output == x || w.input == x {
          model.addLessOrEqual("notOver[\(name(x))@\(s)]", [(v, 1), (z, 1)], 1)
        }
      }
    }
    // An input lies in one concatenation's output at most.
    var holders: [TensorID: [VariableID]] = [:]
    for (_, cp, z) in concats { for (x, _) in cp.parts { holders[x, default: []].append(z) } }
    for (x, zs) in holders.sorted(by: { $0.key.rawValue < $1.key.rawValue }) where zs.count > 1 {
      model.addLessOrEqual("oneConcatenation[\(name(x))]", zs.map { ($0, 1) }, 1)
    }
  }

  /// The rows of `part` lying within `host` while `z` is 1: it takes no space of its own
  /// (`inside`, at most its residency and `z`), the host is resident whenever it is (`around`),
  /// and it is never reloaded nor spilled (its range is fixed in the host's).
  private mutating func addPartRows(
    _ part: TensorID, within host: TensorID, when z: VariableID, capacityTerms: inout [[(VariableID, Double)]]
  ) {
    for (s, r) in res[part.rawValue].byStep {
      let u = model.addVariable("inside[\(name(part))@\(s)]", lower: 0, upper: 1, objective: 0)
      inside.append((u, part, s))
      model.addLessOrEqual("insideResident[\(name(part))@\(s)]", [(u, 1), (r, -1)], 0)
      model.addLessOrEqual("insideInPlace[\(name(part))@\(s)]", [(u, 1), (z, -1)], 0)
      capacityTerms[s].append((u, -Double(problem.size(part) / unit)))
      if let rh = res[host.rawValue][s] {
        model.addGreaterOrEqual("around[\(name(part))@\(s)]", [(rh, 1), (r, -1), (z, -1)], -1)
      } else {
        model.addLessOrEqual("around[\(name(part))@\(s)]", [(r, 1), (z, 1)], 1)
      }
      if let l = load[part.rawValue][s] { model.addLessOrEqual("noReload[\(name(part))@\(s)]", [(l, 1), (z, 1)], 1) }
    }
    if let sp = spill[part.rawValue] { model.addLessOrEqual("noSpill[\(name(part))]", [(sp, 1), (z, 1)], 1) }
  }

  /// For each split or pad whose outputs may be read in place (its binary `z`): while `z` is 1
  /// its outputs take no space of their own (`inside`), its input is resident whenever one of
  /// them is (`around`), they are never reloaded, and neither they nor the input are written
  /// over in place; a tensor a concatenation holds in place is not also read so.
  private mutating func addReadInPlaceRows(capacityTerms: inout [[(VariableID, Double)]]) {
    for (_, x, parts, _, z) in views {
      for (y, _) in parts { addPartRows(y, within: x, when: z, capacityTerms: &capacityTerms) }
      let held = Set([x] + parts.map(\.output))
      for (w, s, v) in inPlace where held.contains(w.input) || held.contains(w.output) {
        model.addLessOrEqual("notOver[\(name(w.input))@\(s)]", [(v, 1), (z, 1)], 1)
      }
      for (_, cp, zc) in concats where held.contains(cp.output) || cp.parts.contains(where: { held.contains($0.input) }) {
        model.addLessOrEqual("concatOrSplit[\(name(x))/\(name(cp.output))]", [(z, 1), (zc, 1)], 1)
      }
    }
  }

  /// The integer variables of the free-order model, counted without building it: one per
  /// operator and step of its window, one per tensor and step of its window.
  static func integerEstimate(_ problem: PlanningProblem) -> Int {
    let g = problem.graph
    // Beyond this size the windows would not fit in memory: one integer per operator and per
    // tensor is a lower bound, far over any limit the joint ILP can take.
    guard g.operators.count <= Reachability.maximumOperators else { return g.operators.count + g.tensors.count }
    let w = ScheduleWindows(graph: g)
    var count = g.operatorIDs.reduce(0) { $0 + w.window($1).count }
    var lo = [Step](repeating: .max, count: g.tensors.count)
    var hi = [Step](repeating: -1, count: g.tensors.count)
    for o in g.operatorIDs {
      for t in g.workingSet(of: o, weights: problem.weights) where problem.isPlanned(t) {
        lo[t.rawValue] = min(lo[t.rawValue], w.earliest[o.rawValue])
        hi[t.rawValue] = max(hi[t.rawValue], w.latest[o.rawValue])
      }
    }
    for t in g.tensors.indices where hi[t] >= lo[t] { count += hi[t] - lo[t] + 1 }
    return count
  }

  /// Fixes every residency and load variable outside the steps `window`, and the spill of every
  /// tensor whose steps miss the window, to their `values`: the model then re-decides only
  /// that window of a fixed-order plan (a large-neighbourhood move of divide and conquer). The
  /// window's boundary conditions (what is resident, what was spilled) come from `values`.
  mutating func fix(outside window: ClosedRange<Step>, to values: [Double]) {
    for table in [res, load] {
      for row in table {
        for (s, v) in row where !window.contains(s) {
          model.setBounds(v, lower: values[v.rawValue], upper: values[v.rawValue])
        }
      }
    }
    for row in run where row.count == 1 {
      for (_, v) in row { model.setBounds(v, lower: 1, upper: 1) }
    }
    for (_, s, v) in inPlace where !window.contains(s) {
      model.setBounds(v, lower: values[v.rawValue], upper: values[v.rawValue])
    }
    // A concatenation, split or pad that runs inside the window may start or stop working in
    // place: its rows at the steps outside the window hold with the values fixed there (and keep
    // it off unless its whole range can change).
    for (o, z) in concats.map({ ($0.op, $0.variable) }) + views.map({ ($0.op, $0.variable) }) {
      let step = run[o.rawValue].first { values[$0.value.rawValue] > 0.5 }?.key
      if let step, window.contains(step) { continue }
      model.setBounds(z, lower: values[z.rawValue], upper: values[z.rawValue])
    }
    for (v, _, s) in inside where !window.contains(s) { model.setBounds(v, lower: values[v.rawValue], upper: values[v.rawValue]) }
    for row in reserve {
      for (s, v) in row where !window.contains(s) { model.setBounds(v, lower: values[v.rawValue], upper: values[v.rawValue]) }
    }
    for (t, sp) in spill.enumerated() {
      guard let sp, let w = tensorWindow[t], !w.overlaps(window) else { continue }
      model.setBounds(sp, lower: values[sp.rawValue], upper: values[sp.rawValue])
    }
  }

  /// Reads a schedule and a residency from solver values.
  func decode(_ values: [Double]) -> Residency {
    let n = problem.graph.operators.count
    var schedule = [OperatorID?](repeating: nil, count: n)
    for o in problem.graph.operatorIDs {
      let best = run[o.rawValue].byStep.max { values[$0.value.rawValue] < values[$1.value.rawValue] }!
      schedule[best.key] = o
    }
    let order = schedule.compactMap { $0 }
    precondition(order.count == n, "a solution runs one operator per step")
    var residency = Residency(problem: problem, schedule: order) { t, s in
      guard let v = res[t.rawValue][s] else { return false }
      return values[v.rawValue] > 0.5
    }
    for (w, s, v) in inPlace where values[v.rawValue] > 0.5 { residency.writeInPlace(w, at: s) }
    for (c, cp, z) in concats where values[z.rawValue] > 0.5 {
      if let s = order.firstIndex(of: c) { residency.concatenateInPlace(cp, at: s) }
    }
    for (o, x, parts, view, z) in views where values[z.rawValue] > 0.5 {
      if let s = order.firstIndex(of: o) { residency.readInPlace(x, parts: parts, view: view, at: s) }
    }
    return residency
  }

  /// The support of a no-good cut for a residency whose offsets do not fit: every (tensor, step)
  /// of its trimmed intervals. Any solution resident on all of them trims to intervals that
  /// contain these, and so cannot be placed either.
  static func cutSupport(_ residency: Residency) -> [(TensorID, Step)] {
    residency.intervals.flatMap { i in (i.first...i.last).map { (i.tensor, $0) } }
  }

  /// A complete assignment reproducing `plan` (for a MIP start), or nil when the plan's schedule
  /// lies outside the model's windows.
  func assignment(for plan: Plan) -> [Double]? {
    let g = problem.graph
    var values = [Double](repeating: 0, count: model.variables.count)
    let schedule = plan.schedule
    var pos = [Step](repeating: 0, count: g.operators.count)
    for (s, o) in schedule.enumerated() {
      guard let v = run[o.rawValue][s] else { return nil }
      values[v.rawValue] = 1
      pos[o.rawValue] = s
    }
    // Residency at each run.
    let at = plan.offsetsAtRuns(tensorCount: g.tensors.count)
    for t in g.tensorIDs {
      guard let w = tensorWindow[t.rawValue] else { continue }
      var spilled = false
      for s in w {
        let r = at[t.rawValue][s] != nil
        if r { values[res[t.rawValue][s]!.rawValue] = 1 }
        let prev = s > w.lowerBound && at[t.rawValue][s - 1] != nil
        let producedNow = g.producer[t.rawValue].map { pos[$0.rawValue] == s } ?? false
        if r && !prev && !producedNow, let v = reserve[t.rawValue][s], let p = g.producer[t.rawValue], pos[p.rawValue] > s {
          // A concatenation's output reserved before it is produced.
          values[v.rawValue] = 1
        } else if r && !prev && !producedNow {
          guard let l = load[t.rawValue][s] else { return nil }
          values[l.rawValue] = 1
          if g[t].kind == .activation { spilled = true }
        }
      }
      if spilled, let sp = spill[t.rawValue] { values[sp.rawValue] = 1 }
    }
    // In-place writes, at the step of the operator that writes over its input.
    var writes = Set<InPlaceWrite>()
    for e in plan.events {
      if case .allocInPlace(let y, _, let x) = e { writes.insert(InPlaceWrite(input: x, output: y)) }
    }
    var matched = 0
    for (w, s, v) in inPlace where writes.contains(w) {
      guard let p = g.producer[w.output.rawValue], pos[p.rawValue] == s else { continue }
      values[v.rawValue] = 1
      matched += 1
    }
    guard matched == writes.count else { return nil }
    var placedWithin = Set<TensorID>()
    for e in plan.events {
      if case .allocWithin(let x, _, _) = e { placedWithin.insert(x) }
    }
    for (_, cp, z) in concats where cp.parts.contains(where: { placedWithin.contains($0.input) }) {
      values[z.rawValue] = 1
      for (v, x, s) in inside where cp.parts.contains(where: { $0.input == x }) {
        if let r = res[x.rawValue][s], values[r.rawValue] > 0.5 { values[v.rawValue] = 1 }
      }
    }
    for (_, _, parts, _, z) in views where parts.contains(where: { placedWithin.contains($0.output) }) {
      values[z.rawValue] = 1
      for (v, y, s) in inside where parts.contains(where: { $0.output == y }) {
        if let r = res[y.rawValue][s], values[r.rawValue] > 0.5 { values[v.rawValue] = 1 }
      }
    }
    return values
  }
}

/// Cumulative precedence: `o` started by step `s` ⇒ each predecessor `p` started before `s`, for
/// the steps where both windows allow it. Shared by the residency and minimum-peak models.
func addPrecedenceRows(
  _ model: inout LinearModel, run: [[Step: VariableID]], windows: ScheduleWindows, graph g: Graph,
  before: [(OperatorID, OperatorID)] = []
) {
  var predecessors = g.predecessors
  for (a, b) in before { predecessors[b.rawValue].append(a) }
  for o in g.operatorIDs {
    for p in predecessors[o.rawValue] {
      let lo = windows.earliest[o.rawValue]
      let hi = windows.latest[p.rawValue]
      guard lo <= hi else { continue }
      for s in lo...hi {
        var terms: [(VariableID, Double)] = []
        for (step, v) in run[o.rawValue].byStep where step <= s { terms.append((v, 1)) }
        for (step, v) in run[p.rawValue].byStep where step < s { terms.append((v, -1)) }
        model.addLessOrEqual("before[\(g[p].name),\(g[o].name)@\(s)]", terms, 0)
      }
    }
  }
}
