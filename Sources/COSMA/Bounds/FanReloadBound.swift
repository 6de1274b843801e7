extension PlanningProblem {
  /// What one activation read by several operators must cost, whatever the order (see
  /// ``fanReloads(free:arriving:)``).
  struct FanReload: Equatable {
    /// The tensor read by several operators.
    var tensor: TensorID
    /// A lower bound on the traffic of `charged` in every plan.
    var bytes: ByteCount
    /// The tensors whose transfers `bytes` counts: `tensor` and its readers' outputs.
    var charged: Set<TensorID>
  }

  /// A lower bound on the non-compulsory traffic of every plan, whatever the order, from the
  /// tensors read by several operators whose outputs leave no room for them (see
  /// ``fanReloads(free:arriving:)``): the sum over fans that charge disjoint tensors. It proves in
  /// milliseconds what CBC proves in 13–22 s on the stems of NASNet-A and PNASNet-5 at `M_R`.
  public var fanReloadBound: ByteCount { fanReloadBound(free: [], arriving: []) }

  /// The same, where the tensors of `free` cost nothing and the inputs of `arriving` stand for
  /// activations produced elsewhere, stored once when reloaded (a region's boundary, see
  /// ``RegionBound``).
  func fanReloadBound(free: Set<TensorID>, arriving: Set<TensorID>) -> ByteCount {
    disjointFans(free: free, arriving: arriving).bytes
  }

  /// The fan reload bound with what the chain of full operators adds to it: the chain's
  /// payments are tensors written at or after a full operator and live across another
  /// (``fullOperatorBound``), and the fans charge the tensors they count, so counted with those
  /// tensors free the two add up. NASNet-A's and PNASNet-5's stems at `M_R` are the case: the
  /// stem's activation is reloaded for each branch, and each branch's pad, which fills the
  /// scratchpad, finds a tensor of another branch waiting for its partner.
  public var fanReloadsWithFullOperators: ByteCount {
    let fans = disjointFans(free: [], arriving: [])
    guard fans.bytes > 0 else { return 0 }
    return fans.bytes + fullOperatorBound(free: fans.charged)
  }

  /// The fan reload bound with the step cover bound added (see ``StepCoverBound``): counted
  /// with the fans' tensors free, the step cover bound covers each step with other tensors, whose
  /// transfers no fan counts. NASNet-A at `M_R`: 13,068,000 + 1,453,704 = 14,521,704 B in 8 s.
  ///
  /// `bytes` is the sum, `steps` the step cover bound's own result (pass it as `continuing` to
  /// resume a search that stopped). Nil when there is no fan, or when it cannot prove more than
  /// `above`: one of `orders` has no step costing more than `above` less the fans, with their
  /// tensors free.
  public func fanReloadsWithStepCover(
    maxSteps: Int = 50_000_000, orders: [[OperatorID]] = [], above: ByteCount = 0, continuing: StepCoverBound? = nil,
    shouldStop: () -> Bool = { false }
  ) -> (bytes: ByteCount, steps: StepCoverBound)? {
    let fans = disjointFans(free: [], arriving: [])
    guard fans.bytes > 0 else { return nil }
    if let most = orders.compactMap({ costliestStep(of: $0, free: fans.charged) }).min(), fans.bytes + most <= above {
      return nil
    }
    let steps = stepCoverBound(
      free: fans.charged, maxSteps: maxSteps, orders: orders, continuing: continuing, shouldStop: shouldStop)
    return (fans.bytes + steps.bytes, steps)
  }

  /// The fans ``fanReloadBound(free:arriving:)`` adds up, the largest first, and the tensors
  /// they charge.
  private func disjointFans(free: Set<TensorID>, arriving: Set<TensorID>) -> (bytes: ByteCount, charged: Set<TensorID>) {
    let fans = disjointFanList(free: free, arriving: arriving)
    return (fans.reduce(0) { $0 + $1.bytes }, fans.reduce(into: Set<TensorID>()) { $0.formUnion($1.charged) })
  }

  /// The fans themselves, those that charge disjoint tensors, the largest first.
  func disjointFanList(free: Set<TensorID>, arriving: Set<TensorID>) -> [FanReload] {
    var taken = Set<TensorID>()
    var fans: [FanReload] = []
    for f in fanReloads(free: free, arriving: arriving).sorted(by: { ($0.bytes, $1.tensor.rawValue) > ($1.bytes, $0.tensor.rawValue) })
    where taken.isDisjoint(with: f.charged) {
      taken.formUnion(f.charged)
      fans.append(f)
    }
    return fans
  }

  /// For each tensor `t` read by several operators, what its reads force.
  ///
  /// Take two of `t`'s readers `a` and `b` that run one after the other among its readers, and an
  /// output `y` of `a` that one of its readers cannot read beside `t` (their working set and `t`
  /// exceed the capacity), that no reader of `t` reads, and that cannot be resident while any
  /// other reader of `t` runs (that reader's working set and `y` exceed the capacity). Between
  /// `a` and `b`, either `y`'s readers all run, and one of them evicts `t`, which is loaded again
  /// for `b` (its size); or `y` is still live at `b`, where it cannot be resident, so it was
  /// stored and is loaded again (twice its size). Each pair of consecutive readers pays its own
  /// transfers (reloads of `t` in disjoint intervals, stores and reloads of different outputs),
  /// and the first reload of an activation `t` needs its store, once (an input's first load is
  /// compulsory, and a graph output is stored anyway). In any order some reader
  /// is last and pays nothing; the bound is the least over which.
  ///
  /// Sizes in the scratchpad are aligned and less what in-place memory may save (as in
  /// ``spillLowerBound``), traffic counts raw bytes. A tensor of `free` costs nothing, so a pair
  /// that would be paid with it counts nothing.
  ///
  /// - Complexity: O(Σ (readers · log readers + readers' outputs' readers)) over the shared
  ///   tensors.
  func fanReloads(free: Set<TensorID>, arriving: Set<TensorID>) -> [FanReload] {
    let g = graph
    let inside = partsHeldInPlace
    func size(_ t: TensorID) -> ByteCount { inside.contains(t) ? 0 : self.size(t) }
    let limit = roundDown(capacity, to: alignment)
    let footprint = orderFreeWorkingSets
    func workingSet(_ o: OperatorID) -> ByteCount { footprint[o.rawValue] }
    var fans: [FanReload] = []
    for t in g.tensorIDs where isPlanned(t) && !free.contains(t) {
      var isReader = Set<OperatorID>()
      let readers = g.consumers[t.rawValue].filter { isReader.insert($0).inserted }
      guard readers.count >= 2 else { continue }
      // `y` fits beside no other reader of `t` when it does not fit beside the one with the
      // least working set among the others.
      let sorted = readers.sorted { workingSet($0) < workingSet($1) }
      let s = g[t].bytes
      // What the pair starting at each reader costs at least, with the reload of `t` (`reload`)
      // or the spill of its output (`spill`), and the outputs that count.
      var pairs: [(reload: ByteCount, spill: ByteCount)] = []
      var charged: Set<TensorID> = [t]
      for a in readers {
        var best: (reload: ByteCount, spill: ByteCount)?
        let smallestOther = sorted[0] == a ? sorted[1] : sorted[0]
        for y in Set(g[a].outputs) where g[y].kind == .activation && isPlanned(y) && !free.contains(y) {
          let readersOfY = g.consumers[y.rawValue]
          guard !readersOfY.contains(where: isReader.contains),
            readersOfY.contains(where: { !g[$0].inputs.contains(t) && workingSet($0) + size(t) > limit }),
            workingSet(smallestOther) + size(y) > limit
          else { continue }
          let option = (reload: s, spill: 2 * g[y].bytes)
          if best.map({ min($0.reload, $0.spill) < min(option.reload, option.spill) }) ?? true { best = option }
          charged.insert(y)
        }
        pairs.append(best ?? (0, 0))
      }
      // A plan reloads `t` in some pairs (and stores it once, if it is an activation) and
      // spills the output in the others; the last reader's pair is not paid.
      let stores = g[t].kind == .activation || arriving.contains(t)
      let paying = pairs.filter { $0.reload > 0 }
      let allSpilled = paying.reduce(0) { $0 + $1.spill }
      let cheapest = paying.reduce(0) { $0 + min($1.reload, $1.spill) }
      var bound = ByteCount.max
      for last in pairs {
        let pays = last.reload > 0
        guard paying.count - (pays ? 1 : 0) > 0 else {
          bound = 0
          break
        }
        let spilled = allSpilled - (pays ? last.spill : 0)
        let cheap = cheapest - (pays ? min(last.reload, last.spill) : 0)
        bound = min(bound, spilled, (stores ? s : 0) + cheap)
      }
      if bound > 0 { fans.append(FanReload(tensor: t, bytes: bound, charged: charged)) }
    }
    return fans
  }
}
