import AcceleratorSim

/// Bridges COSMA's graph and plan types to the independent simulator (SPEC §6).
///
/// The simulator lives in the leaf module `AcceleratorSim` and shares no code with the planners
/// or the verifier; this file only translates names into indices and settings into figures.
extension Plan {
  /// Replays the plan on the cycle-approximate accelerator model.
  ///
  /// - Parameter accelerator: the machine to simulate; by default the plan's own settings.
  /// - Throws: ``InputError`` when the scratchpad size is not a number of bytes,
  ///   `SimulationError` when the simulator rejects the plan (with the event to blame).
  public func simulate(graph: Graph, accelerator: Accelerator? = nil) throws -> SimulationResult {
    try Simulator(simulationProgram(graph: graph, accelerator: accelerator)).run()
  }

  /// The simulator's view of this plan.
  public func simulationProgram(graph: Graph, accelerator: Accelerator? = nil) throws -> SimProgram {
    let a = accelerator ?? self.accelerator
    guard case .bytes(let capacity) = a.scratchpad else {
      throw InputError(
        file: "accelerator", element: "scratchpadBytes",
        rule: "simulation needs the scratchpad size in bytes, not the budget \(a.scratchpad)")
    }
    let machine = SimMachine(
      scratchpadBytes: capacity, alignment: a.alignment, externalWeights: a.weights == .external,
      dmaBytesPerCycle: a.dmaBytesPerCycle, dmaSetupCycles: a.dmaSetupCycles,
      macsPerCycle: a.macsPerCycle, vectorElementsPerCycle: a.vectorElementsPerCycle,
      clockMHz: a.clockMHz)
    let tensors = graph.tensors.map { t in
      SimTensor(name: t.name, kind: simKind(t.kind), bytes: t.bytes, elements: t.elementCount)
    }
    let operators = graph.operators.map { o in
      SimOperator(
        name: o.name, inputs: o.inputs.map(\.rawValue), outputs: o.outputs.map(\.rawValue), macs: o.macs)
    }
    let events = self.events.map { e -> SimEvent in
      switch e {
      case .load(let t, let offset): return .load(tensor: t.rawValue, offset: offset)
      case .alloc(let t, let offset): return .alloc(tensor: t.rawValue, offset: offset)
      case .allocInPlace(let t, let offset, let x): return .allocInPlace(tensor: t.rawValue, offset: offset, over: x.rawValue)
      case .allocWithin(let t, let offset, let y): return .allocWithin(tensor: t.rawValue, offset: offset, within: y.rawValue)
      case .run(let o): return .run(operator: o.rawValue)
      case .store(let t): return .store(tensor: t.rawValue)
      case .free(let t): return .free(tensor: t.rawValue)
      }
    }
    return SimProgram(tensors: tensors, operators: operators, machine: machine, events: events)
  }
}

private func simKind(_ k: TensorKind) -> SimTensorKind {
  switch k {
  case .input: return .input
  case .weight: return .weight
  case .activation: return .activation
  case .output: return .output
  }
}
