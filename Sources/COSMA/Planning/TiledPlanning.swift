/// Whether planning may split operators into tiles (``Graph/tiled(_:)``).
public enum TilingMode: String, Sendable, CaseIterable, Codable {
  /// Split operators when the scratchpad is below `M_R`.
  case auto
  /// Split operators below `M_R`, and at or above it try tilings with the time the untiled plan
  /// leaves, keeping a tiled plan only when it moves less.
  case always
  /// Never split: a scratchpad below `M_R` is refused.
  case off
}

/// One tiling tried by ``plan(graph:accelerator:planner:options:tiling:)``.
public struct TilingCandidate: Sendable, Equatable {
  /// Which operators it splits: those whose working set exceeds this many bytes.
  public var targetBytes: ByteCount
  /// The operators it splits.
  public var splitOperators: Int
  /// The tiled graph's operators.
  public var operators: Int
  /// Whether the row tiles of each resolution were lined up (``Graph/bandAligned(_:)``).
  public var rowsAligned = false
  /// The verified plan's non-compulsory bytes, or nil when planning it failed.
  public var nonCompulsoryBytes: ByteCount?
  /// Why it failed, when it did.
  public var failure: String?
}

/// A verified plan, on the tiled graph when operators had to be split.
public struct TiledPlanningResult: Sendable {
  public var result: PlanningResult
  /// What the plan solves: the tiled graph's problem when ``tiled`` is set.
  public var problem: PlanningProblem
  /// The tiled graph, when the scratchpad was below `M_R` and operators were split.
  public var tiled: TiledGraph?
  /// The tilings tried, in order.
  public var candidates: [TilingCandidate]
}

/// The most operators of a tiled graph tried beyond the first (the coarsest) tiling.
public let maximumTiledOperators = 4_000

/// The most tilings ``plan(graph:accelerator:planner:options:tiling:)`` tries one by one on a
/// small graph.
public let smallTilingCount = 64

/// Every tiling that leaves each operator whole or splits it into 2 to 4 row tiles, 2 to 4
/// channel tiles, or 2 partial sums (each as far as the operator allows), when there are at
/// most `most` of them; otherwise every tiling into 1 to 4 row tiles, when there are at most
/// `most` of those; none otherwise.
func smallTilings(of graph: Graph, most: Int) -> [Tiling] {
  let rich = smallTilings(of: graph, most: most, channelsAndSums: true)
  return rich.isEmpty ? smallTilings(of: graph, most: most, channelsAndSums: false) : rich
}

private func smallTilings(of graph: Graph, most: Int, channelsAndSums: Bool) -> [Tiling] {
  enum Split { case rows(Int), channels(Int), sums(Int) }
  var choices: [(OperatorID, [Split])] = []
  var total = 1
  for o in graph.operatorIDs {
    var splits: [Split] = []
    if let rows = graph.rowMap(of: o)?.extent, rows >= 2 { splits += (2...min(rows, 4)).map(Split.rows) }
    if channelsAndSums {
      if let channels = graph.channelMap(of: o)?.extent, channels >= 2 { splits += (2...min(channels, 4)).map(Split.channels) }
      if graph.reductionMap(of: o) != nil { splits.append(.sums(2)) }
    }
    guard !splits.isEmpty else { continue }
    total *= splits.count + 1
    if total > most { return [] }
    choices.append((o, splits))
  }
  var all = [Tiling()]
  for (o, splits) in choices {
    all = all.flatMap { t in
      [t]
        + splits.map { split in
          var u = t
          switch split {
          case .rows(let n): u.counts[o] = n
          case .channels(let n): u.counts[o] = n; u.channels.insert(o)
          case .sums(let n): u.steps[o] = n
          }
          return u
        }
    }
  }
  return all
}

/// Plans `graph` on `accelerator`, splitting operators into row or channel tiles (or grids of both) when the scratchpad is
/// below `M_R` and `tiling` allows it.
///
/// At or above `M_R` this is ``plan(_:with:)`` on the graph itself. Below, it tries tilings from
/// ``Graph/tilingToFit(capacity:target:weights:alignment:inPlace:)`` with the targets capacity, a half
/// and a quarter of it (the smaller, the more operators are split and can hand rows to each
/// other), plans each tiled graph with the planner in an equal share of what is left of the time
/// limit, and keeps the verified plan with the least non-compulsory traffic (the fewest split
/// operators on a tie). A bound reported for a tiled plan holds for its tiling only.
///
/// - Throws: ``DoesNotFitError`` below `M_R` with tiling off, and below `M_T` (the smallest
///   scratchpad any row tiling reaches) with tiling on.
public func plan(
  graph: Graph, accelerator: Accelerator, planner kind: PlannerKind, options: PlannerOptions = PlannerOptions(),
  tiling mode: TilingMode = .auto
) throws -> TiledPlanningResult {
  var options = options
  let clock = options.clock ?? RunClock(deterministic: options.deterministic)
  options.clock = clock
  let start = clock.seconds
  let whole: PlanningProblem
  do {
    whole = try PlanningProblem(graph: graph, accelerator: accelerator)
  } catch let refusal as DoesNotFitError where mode != .off {
    return try planTiled(
      graph: graph, accelerator: accelerator, capacity: refusal.scratchpadBytes, planner: kind, options: options)
  }
  let result = try plan(whole, with: kind.planner(options: options))
  var untiled = TiledPlanningResult(result: result, problem: whole, tiled: nil, candidates: [])
  // At or above M_R, tiles may still move less: split operators hand rows to each other, so
  // fewer whole tensors compete for the scratchpad. Tried in what time is left.
  let left = options.timeLimit - (clock.seconds - start)
  guard mode == .always, !kind.isBaseline, result.plan.traffic.nonCompulsoryBytes > 0, left >= 1 else { return untiled }
  var rest = options
  rest.timeLimit = left
  guard
    let tiled = try? planTiled(
      graph: graph, accelerator: accelerator, capacity: whole.capacity, planner: kind, options: rest, divisors: [2, 4, 8, 16])
  else { return untiled }
  guard tiled.result.plan.traffic.nonCompulsoryBytes < result.plan.traffic.nonCompulsoryBytes else {
    untiled.candidates = tiled.candidates
    untiled.result.report.notes.append(
      "tiles: \(tiled.candidates.count) tilings tried at or above M_R, none moved less than the whole operators")
    return untiled
  }
  var chosen = tiled
  chosen.result.report.seconds = clock.seconds - start
  chosen.result.plan.planner.seconds = clock.seconds - start
  chosen.result.report.deterministic = clock.stayedDeterministic
  chosen.result.plan.planner.deterministic = clock.stayedDeterministic
  return chosen
}

/// Plans `graph` at `capacity` on the tilings that split every operator whose working set is
/// above `capacity / d` for each divisor `d`, with their row tiles lined up
/// (``Graph/bandAligned(_:)``), and every small tiling of a small graph, and keeps the one whose
/// verified plan moves the least.
private func planTiled(
  graph: Graph, accelerator: Accelerator, capacity: ByteCount, planner kind: PlannerKind, options: PlannerOptions,
  divisors: [Int] = [1, 2, 4, 8, 16]
) throws -> TiledPlanningResult {
  var options = options
  let clock = options.clock ?? RunClock(deterministic: options.deterministic)
  options.clock = clock
  let start = clock.seconds
  let (weights, alignment) = (accelerator.weights, accelerator.alignment)
  // The refusal when no tiling is found: below `M_T`, or above it where slices rounded up to
  // the alignment no longer fit. `M_T` is found only then: on a tiled R(2+1)D it takes 1.6 s.
  func refusal() -> DoesNotFitError {
    let mt = graph.smallestTiledScratchpad(weights: weights, alignment: alignment)
    guard capacity >= mt.bytes else {
      return DoesNotFitError(
        scratchpadBytes: capacity, requiredBytes: mt.bytes, operatorName: graph[mt.operator].name, evenTiled: true)
    }
    return DoesNotFitError(
      scratchpadBytes: capacity, requiredBytes: mt.bytes, operatorName: graph[mt.operator].name, evenTiled: true,
      detail: "no tiling fits: where neighbours cut a tensor further, each extra slice rounded up to the alignment "
        + "(\(alignment) B) no longer fits (M_T is exact with alignment 1)")
  }
  var tilings: [(target: ByteCount, tiled: TiledGraph, aligned: Bool)] = []
  func fits(_ tiled: TiledGraph) -> Bool {
    tiled.graph.operatorIDs.allSatisfy { t in
      tiled.graph.workingSet(of: t, weights: weights).reduce(0) { $0 + roundUp(tiled.graph[$1].bytes, to: alignment) }
        - (accelerator.inPlace ? tiled.graph.memorySaving(of: t, weights: weights, alignment: alignment) : 0) <= capacity
    }
  }
  func consider(_ target: ByteCount, _ tiled: TiledGraph?, aligned: Bool = false) {
    guard let tiled, !tilings.contains(where: { $0.tiled.tiling == tiled.tiling }) else { return }
    tilings.append((target, tiled, aligned))
  }
  // A simple compiler splits only what does not fit; the baselines are that compiler.
  var lastOperators = 0
  for divisor in kind.isBaseline ? [1] : divisors {
    // Finer targets make larger graphs; past these sizes the planners (the baselines have no
    // time limit) take longer than the limit allows. Counted before the row tiles are lined
    // up, which can add four fifths more (NASNet-A at 2 MiB: 1,700 operators, then 3,052).
    if lastOperators > maximumTiledOperators / 2 { break }
    if divisor > divisors[0], clock.seconds - start > options.timeLimit / 4 { break }
    let built = clock.seconds
    let tiled = try graph.tilingToFit(
      capacity: capacity, target: capacity / divisor, weights: weights, alignment: alignment, inPlace: accelerator.inPlace)
    if divisor > divisors[0], let t = tiled, t.graph.operators.count > maximumTiledOperators { break }
    lastOperators = tiled?.graph.operators.count ?? lastOperators
    // With the row tiles of each resolution lined up (``Graph/bandAligned(_:)``), so that bands
    // pass through chains whose operators needed different counts alone. It replaces the
    // tiling it comes from: tried as well, it moved less than that tiling on 11 of 13 pairs
    // (DenseNet-121 from Models/ and from Keras, NASNet-A), but the extra tilings took the
    // time of the finer ones, which then moved less still.
    // Counted before it is built: building R(2+1)D's tiles only to refuse them took seconds.
    if !kind.isBaseline, let t = tiled, let aligned = graph.bandAligned(t.tiling),
      graph.operatorIDs.reduce(0, { $0 + aligned.tiles(of: $1) }) <= maximumTiledOperators,
      let a = try? graph.tiled(aligned), fits(a)
    {
      consider(capacity / divisor, a, aligned: true)
    } else {
      consider(capacity / divisor, tiled)
    }
    if let t = tilings.last, t.target == capacity / divisor {
      options.progress?(
        .tiling(
          targetBytes: t.target, splitOperators: t.tiled.tiling.splitOperators, operators: t.tiled.graph.operators.count,
          rowsAligned: t.aligned, seconds: clock.seconds - built))
    }
  }
  if !kind.isBaseline {
    for var tiling in smallTilings(of: graph, most: smallTilingCount) {
      tiling.dissolvesConcatenations = accelerator.inPlace
      guard let tiled = try? graph.tiled(tiling) else { continue }
      if fits(tiled) { consider(0, tiled) }
    }
  }
  guard !tilings.isEmpty else { throw refusal() }
  var resolved = accelerator
  resolved.scratchpad = .bytes(capacity)
  var best: TiledPlanningResult?
  var candidates: [TilingCandidate] = []
  var firstError: Error?
  // What the last candidate cost besides its planner's search (checking the rewrite, building
  // the problem, the baselines, verifying), per operator of its graph: a finer tiling whose
  // graph would take longer than the time left is not started once a plan is in hand.
  var overheadPerOperator = 0.0
  for (i, (target, tiled, aligned)) in tilings.enumerated() {
    var candidate = TilingCandidate(
      targetBytes: target, splitOperators: tiled.tiling.splitOperators, operators: tiled.graph.operators.count,
      rowsAligned: aligned)
    let left = options.timeLimit - (clock.seconds - start)
    if best != nil, overheadPerOperator * Double(tiled.graph.operators.count) > left { break }
    let began = clock.seconds
    var share = options
    // CBC's preprocessing crashed undoing itself after a time-limit stop on a tiled MobileNetV2
    // (1 run in 4), and its root LP overran the limit by seconds on tiled graphs whose
    // free-order model had 8,600 integers: both are kept away from tiled graphs.
    share.solver = WithoutPreprocessing(options.solver)
    share.maxIntegerVariables = min(options.maxIntegerVariables, 4_000)
    // The rewrite is checked like a plan: by the verifier, against the original graph.
    let wrong = Verifier(graph: tiled.graph).decompositionViolations(original: graph)
    guard wrong.isEmpty else { throw InvalidPlanError(planner: "tiling", violations: wrong) }
    do {
      let problem = try PlanningProblem(graph: tiled.graph, accelerator: resolved)
      // An equal share of what is left once the check and the problem are done (on a tiled
      // R(2+1)D of 6,500 operators they took 7 s of a 30 s limit).
      share.timeLimit = max(0.5, (options.timeLimit - (clock.seconds - start)) / Double(tilings.count - i))
      options.progress?(.tilingPrepared(operators: tiled.graph.operators.count, seconds: clock.seconds - began, share: share.timeLimit))
      let result = try plan(problem, with: kind.planner(options: share))
      let bytes = result.plan.traffic.nonCompulsoryBytes
      candidate.nonCompulsoryBytes = bytes
      if best.map({ bytes < $0.result.plan.traffic.nonCompulsoryBytes }) ?? true {
        best = TiledPlanningResult(result: result, problem: problem, tiled: tiled, candidates: [])
      }
      // The baselines run whatever the limit (they are the plan of last resort), so they count
      // as overhead too: a tiled Llama block's fifth tiling spent 13 s on them and the rest
      // after a 30 s limit had nearly run out.
      let baselines = result.report.stages.first { $0.stage == .baselines }?.seconds ?? 0
      let overhead = max(0, clock.seconds - began - result.report.seconds + baselines)
      overheadPerOperator = overhead / Double(max(1, tiled.graph.operators.count))
    } catch {
      candidate.failure = String(describing: error)
      firstError = firstError ?? error
    }
    candidates.append(candidate)
    if options.cancellation?.isCancelled == true { break }
  }
  guard var chosen = best else { throw firstError ?? refusal() }
  chosen.candidates = candidates
  chosen.result.plan.planner.method = "tiles: \(chosen.tiled?.tiling.summary ?? "0 operators split"); " + chosen.result.plan.planner.method
  // The time of the whole search, every tiling tried, not only the chosen one's.
  chosen.result.report.seconds = clock.seconds - start
  chosen.result.plan.planner.seconds = clock.seconds - start
  chosen.result.report.deterministic = clock.stayedDeterministic
  chosen.result.plan.planner.deterministic = clock.stayedDeterministic
  chosen.result.report.notes.insert(
    "tiles: \(chosen.tiled?.tiling.splitOperators ?? 0) of \(graph.operators.count) operators split; the bound holds for this tiling only", at: 0)
  return chosen
}
