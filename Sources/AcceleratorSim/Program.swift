/// The input of a simulation: the graph's tensors and operators, the machine, and the plan's
/// events, as plain data.
///
/// AcceleratorSim is a leaf module: it knows nothing of how plans are made, parses no files and
/// shares no code with the planners or the verifier. Callers translate their own types into a
/// ``SimProgram`` (COSMA does it in `simulate(_:graph:)`), and the simulator checks everything it
/// is given for itself.

/// What a tensor is (SPEC §1): where its first value comes from and whether it must reach DRAM.
public enum SimTensorKind: Sendable, Equatable {
  /// Read from DRAM; never produced.
  case input
  /// Read from DRAM; never produced. Left out of the scratchpad with external weights.
  case weight
  /// Produced by one operator, read by others.
  case activation
  /// Produced by one operator and stored to DRAM at least once.
  case output
}

/// A tensor as the simulator sees it.
public struct SimTensor: Sendable, Equatable {
  public var name: String
  public var kind: SimTensorKind
  /// Bytes moved by a transfer of this tensor.
  public var bytes: Int
  /// Number of elements, for the vector-unit cost of an operator without a MAC count.
  public var elements: Int

  public init(name: String, kind: SimTensorKind, bytes: Int, elements: Int) {
    self.name = name
    self.kind = kind
    self.bytes = bytes
    self.elements = elements
  }
}

/// An operator as the simulator sees it: tensor indices into ``SimProgram/tensors``.
public struct SimOperator: Sendable, Equatable {
  public var name: String
  public var inputs: [Int]
  public var outputs: [Int]
  /// Multiply-accumulates, when known; otherwise the vector unit's cost applies.
  public var macs: Int?

  public init(name: String, inputs: [Int], outputs: [Int], macs: Int?) {
    self.name = name
    self.inputs = inputs
    self.outputs = outputs
    self.macs = macs
  }
}

/// The accelerator's figures (SPEC §3 and §6).
public struct SimMachine: Sendable, Equatable {
  public var scratchpadBytes: Int
  public var alignment: Int
  /// Weights live in a separate buffer: they take no scratchpad space and no DMA traffic.
  public var externalWeights: Bool
  public var dmaBytesPerCycle: Int
  public var dmaSetupCycles: Int
  public var macsPerCycle: Int
  public var vectorElementsPerCycle: Int
  public var clockMHz: Double

  public init(
    scratchpadBytes: Int, alignment: Int = 64, externalWeights: Bool = false,
    dmaBytesPerCycle: Int = 32, dmaSetupCycles: Int = 64, macsPerCycle: Int = 1024,
    vectorElementsPerCycle: Int = 64, clockMHz: Double = 1000
  ) {
    self.scratchpadBytes = scratchpadBytes
    self.alignment = alignment
    self.externalWeights = externalWeights
    self.dmaBytesPerCycle = dmaBytesPerCycle
    self.dmaSetupCycles = dmaSetupCycles
    self.macsPerCycle = macsPerCycle
    self.vectorElementsPerCycle = vectorElementsPerCycle
    self.clockMHz = clockMHz
  }
}

/// One plan event (SPEC §4), with tensor and operator indices.
public enum SimEvent: Sendable, Equatable {
  case load(tensor: Int, offset: Int)
  case alloc(tensor: Int, offset: Int)
  /// `alloc` of an operator's output over one of its inputs, which the operator overwrites.
  case allocInPlace(tensor: Int, offset: Int, over: Int)
  /// `alloc` of a concatenation's input inside the range of its output, already allocated, or of
  /// a split's output inside the range of its input, which holds its value.
  case allocWithin(tensor: Int, offset: Int, within: Int)
  case run(operator: Int)
  case store(tensor: Int)
  case free(tensor: Int)
}

/// Everything a simulation needs.
public struct SimProgram: Sendable {
  public var tensors: [SimTensor]
  public var operators: [SimOperator]
  public var machine: SimMachine
  public var events: [SimEvent]

  public init(tensors: [SimTensor], operators: [SimOperator], machine: SimMachine, events: [SimEvent]) {
    self.tensors = tensors
    self.operators = operators
    self.machine = machine
    self.events = events
  }
}
