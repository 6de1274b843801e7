extension PlanningProblem {
  /// The traffic of a list of events, measured the planners' way (the verifier has its own).
  func traffic(of events: [PlanEvent]) -> Traffic {
    var total = 0
    for e in events {
      switch e {
      case .load(let t, _), .store(let t): total += graph[t].bytes
      case .alloc, .run, .free: break
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

  /// The largest sum of resident (aligned) sizes over a plan's events.
  public func peakOccupancy(of events: [PlanEvent]) -> ByteCount {
    var resident = 0
    var peak = 0
    for e in events {
      switch e {
      case .load(let t, _), .alloc(let t, _):
        resident += size(t)
        peak = max(peak, resident)
      case .free(let t):
        resident -= size(t)
      case .run, .store:
        break
      }
    }
    return peak
  }
}
