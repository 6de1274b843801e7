extension PlanningProblem {
  /// The traffic of a list of events, measured the planners' way (the verifier has its own).
  func traffic(of events: [PlanEvent]) -> Traffic {
    var total = 0
    for e in events {
      switch e {
      case .load(let t, _), .store(let t): total += graph[t].bytes
      case .alloc, .allocInPlace, .allocWithin, .run, .free: break
      }
    }
    return Traffic(totalBytes: total, compulsoryBytes: compulsoryBytes)
  }

  /// Wraps events into a plan with its measured traffic.
  func makePlan(events: [PlanEvent], info: PlannerInfo) -> Plan {
    let traffic = traffic(of: events)
    var info = info
    info.objectiveBytes = traffic.nonCompulsoryBytes
    return Plan(
      graphName: graph.name, accelerator: accelerator, planner: info, traffic: traffic,
      events: events)
  }

  /// The largest sum of resident (aligned) sizes over a plan's events. A tensor written in
  /// place lies inside the range of the input it overwrites, so it counts only once that input
  /// is freed; an input of a concatenation done in place lies inside the output's range and
  /// never counts.
  public func peakOccupancy(of events: [PlanEvent]) -> ByteCount {
    var resident = 0
    var peak = 0
    var writtenOver: [TensorID: TensorID] = [:]
    var inside = Set<TensorID>()
    for e in events {
      switch e {
      case .load(let t, _), .alloc(let t, _):
        resident += size(t)
        peak = max(peak, resident)
      case .allocInPlace(let t, _, let x):
        writtenOver[x] = t
      case .allocWithin(let t, _, _):
        inside.insert(t)
      case .free(let t):
        if inside.remove(t) != nil { break }
        resident -= size(t)
        if let y = writtenOver.removeValue(forKey: t) { resident += size(y) }
      case .run, .store:
        break
      }
    }
    return peak
  }
}

extension Plan {
  /// For each tensor (by index), its offset at each step where it is resident, a step being the
  /// index of a `run` event: one replay of the events for whoever reads a plan by step (the
  /// MIP start of a formulation, offsets kept around a re-planned window).
  func offsetsAtRuns(tensorCount: Int) -> [[Step: ByteCount]] {
    var at = [[Step: ByteCount]](repeating: [:], count: tensorCount)
    var resident: [TensorID: ByteCount] = [:]
    var step = 0
    for e in events {
      switch e {
      case .load(let t, let o), .alloc(let t, let o), .allocInPlace(let t, let o, _), .allocWithin(let t, let o, _):
        resident[t] = o
      case .free(let t): resident[t] = nil
      case .run:
        for (t, o) in resident { at[t.rawValue][step] = o }
        step += 1
      case .store: break
      }
    }
    return at
  }
}
