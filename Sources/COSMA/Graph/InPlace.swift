/// An operator that may write its output over one of its inputs (SPEC §1, "In-place
/// operators"): the output takes the input's range of the scratchpad, and the input is gone.
public struct InPlaceWrite: Sendable, Equatable, Hashable {
  public var input: TensorID
  public var output: TensorID

  public init(input: TensorID, output: TensorID) {
    self.input = input
    self.output = output
  }
}

extension Graph {
  /// The operator types whose every output element depends only on the input elements at the
  /// same position (of each input of the output's shape): such an operator can overwrite an
  /// input as it goes.
  public static let inPlaceTypes: Set<String> = [
    "add", "add_", "sub", "mul", "div", "relu", "relu_", "relu6", "hardtanh", "hardtanh_", "hardswish", "hardswish_",
    "hardsigmoid", "sigmoid", "silu", "silu_", "gelu", "tanh", "clamp", "clip", "batch_norm", "batchnormalization",
    "dropout", "identity", "leakyrelu", "leaky_relu", "elu", "neg", "abs", "sqrt", "exp", "erf", "pow",
  ]

  /// The in-place writes operator `o` allows: one per distinct input that its single output may
  /// overwrite. The type must be in ``inPlaceTypes``; the input is not a weight; when both have
  /// a shape, the shapes are equal (the input is not broadcast); otherwise their bytes are equal;
  /// and the output needs no more bytes than the input. Whether the input dies at `o` depends on
  /// the schedule and is the planner's (and the verifier's) business.
  public func inPlaceWrites(of o: OperatorID) -> [InPlaceWrite] {
    let op = self[o]
    guard op.outputs.count == 1, Self.inPlaceTypes.contains(op.type.lowercased()) else { return [] }
    let y = op.outputs[0]
    let out = self[y]
    return distinctInputs[o.rawValue].compactMap { x in
      let input = self[x]
      guard input.kind != .weight, x != y, out.bytes <= input.bytes else { return nil }
      if let a = input.shape, let b = out.shape {
        guard a == b else { return nil }
      } else if input.bytes != out.bytes {
        return nil
      }
      return InPlaceWrite(input: x, output: y)
    }
  }
}

/// A concatenation whose inputs can be written straight into their regions of its output (SPEC
/// §1, "In-place operators"): the output's range holds each input at its offset, and the
/// concatenation itself moves nothing.
public struct ConcatInPlace: Sendable, Equatable {
  public var output: TensorID
  /// Each input with the byte offset of its region in the output.
  public var parts: [(input: TensorID, offset: ByteCount)]

  public static func == (a: ConcatInPlace, b: ConcatInPlace) -> Bool {
    a.output == b.output && a.parts.map(\.input) == b.parts.map(\.input) && a.parts.map(\.offset) == b.parts.map(\.offset)
  }
}

extension Graph {
  /// The operator types that concatenate their inputs.
  public static let concatenationInPlaceTypes: Set<String> = ["cat", "concat", "concatenate"]

  /// How operator `o` concatenates in place, or nil: a concatenation type with one output and
  /// distinct activation inputs, all with shapes, joined along one axis before which every
  /// dimension of the output is 1 (so each input is one contiguous block of the output), and
  /// whose bytes add up to the output's. Other operators may read the inputs too, before or
  /// after `o`: in place, they read them inside the output.
  public func concatInPlace(of o: OperatorID) -> ConcatInPlace? {
    let op = self[o]
    guard Self.concatenationInPlaceTypes.contains(op.type.lowercased()), op.outputs.count == 1, op.inputs.count >= 2,
      Set(op.inputs).count == op.inputs.count, let shape = self[op.outputs[0]].shape
    else { return nil }
    guard op.inputs.allSatisfy({ self[$0].kind == .activation }),
      let axis = cuttingAxis(of: op.outputs[0], into: op.inputs), shape[..<axis].allSatisfy({ $0 == 1 })
    else { return nil }
    return ConcatInPlace(output: op.outputs[0], parts: zip(op.inputs, consecutiveOffsets(op.inputs)).map { (input: $0, offset: $1) })
  }

  /// The axis along which the tensors `pieces` cut `whole` into consecutive blocks, or nil: all
  /// have shapes of `whole`'s rank, equal to it but in one dimension, whose sizes add up to
  /// `whole`'s there, and their bytes add up to `whole`'s.
  func cuttingAxis(of whole: TensorID, into pieces: [TensorID]) -> Int? {
    guard let shape = self[whole].shape, pieces.allSatisfy({ self[$0].shape?.count == shape.count }),
      pieces.reduce(0, { $0 + self[$1].bytes }) == self[whole].bytes
    else { return nil }
    let shapes = pieces.map { self[$0].shape! }
    guard let axis = shape.indices.first(where: { d in shapes.contains { $0[d] != shape[d] } }) ?? (shape.isEmpty ? nil : 0),
      shapes.reduce(0, { $0 + $1[axis] }) == shape[axis],
      shapes.allSatisfy({ s in s.indices.allSatisfy { $0 == axis || s[$0] == shape[$0] } })
    else { return nil }
    return axis
  }

  /// The byte offset of each of `pieces` laid one after the other.
  func consecutiveOffsets(_ pieces: [TensorID]) -> [ByteCount] {
    var offset = 0
    return pieces.map { t in
      defer { offset += self[t].bytes }
      return offset
    }
  }
}

/// A split whose outputs can be read in place (SPEC §1, "In-place operators"): each output is
/// its region of the input's range, and the split itself moves nothing. The input stays where it
/// is while any output is resident.
public struct SplitInPlace: Sendable, Equatable {
  public var input: TensorID
  /// Each output with the byte offset of its region in the input.
  public var parts: [(output: TensorID, offset: ByteCount)]

  public static func == (a: SplitInPlace, b: SplitInPlace) -> Bool {
    a.input == b.input && a.parts.map(\.output) == b.parts.map(\.output) && a.parts.map(\.offset) == b.parts.map(\.offset)
  }
}

extension Graph {
  /// The operator types that cut their input into outputs along one axis.
  public static let splitInPlaceTypes: Set<String> = ["split", "split_with_sizes", "chunk", "tensor_split"]

  /// How operator `o` splits in place, or nil: a split type with one input (an activation, a
  /// graph input or a weight) and at least two distinct activation outputs, all with shapes of
  /// the input's rank, cut along one axis, whose bytes add up to the input's. Each output is its
  /// region of the input: one contiguous block when every dimension before the axis is 1,
  /// strided otherwise (its readers read it with a stride, as NPUs read a split view); either
  /// way the outputs take the input's space once, output `k` placed at the bytes of the outputs
  /// before it. The outputs may be read by any operators, the input by others too.
  public func splitInPlace(of o: OperatorID) -> SplitInPlace? {
    let op = self[o]
    guard Self.splitInPlaceTypes.contains(op.type.lowercased()), Set(op.inputs).count == 1, op.outputs.count >= 2,
      Set(op.outputs).count == op.outputs.count
    else { return nil }
    let x = op.inputs[0]
    guard self[x].kind != .output, op.outputs.allSatisfy({ self[$0].kind == .activation }),
      cuttingAxis(of: x, into: op.outputs) != nil
    else { return nil }
    return SplitInPlace(input: x, parts: zip(op.outputs, consecutiveOffsets(op.outputs)).map { (output: $0, offset: $1) })
  }
}

/// A pad fused into its readers (SPEC §1, "In-place operators"): its output is a view of its
/// input, which its readers (convolutions and poolings) read with the pad's borders supplied as
/// they go, as NPUs pad in hardware. The output takes no space; the input stays where it is
/// while the output is resident, and the pad itself moves nothing.
public struct PadView: Sendable, Equatable, Hashable {
  public var input: TensorID
  public var output: TensorID

  public init(input: TensorID, output: TensorID) {
    self.input = input
    self.output = output
  }
}

extension Graph {
  /// The operator types that pad their input.
  public static let padViewTypes: Set<String> = ["pad", "constant_pad_nd"]

  /// Whether an operator of this type reads its input through a sliding window that can supply
  /// a pad's borders: a convolution or a pooling that is not global.
  public static func readsThroughWindow(_ type: String) -> Bool {
    let t = type.lowercased()
    return t.contains("conv") || (t.contains("pool") && !t.contains("global") && !t.contains("adaptive"))
  }

  /// How operator `o` is fused into its readers, or nil: a pad type with one distinct input (an
  /// activation or a graph input) and one activation output at least as large, read by at least
  /// one operator, every one a convolution or a pooling.
  public func padView(of o: OperatorID) -> PadView? {
    let op = self[o]
    guard Self.padViewTypes.contains(op.type.lowercased()), Set(op.inputs).count == 1, op.outputs.count == 1 else { return nil }
    let (x, y) = (op.inputs[0], op.outputs[0])
    let readers = consumers[y.rawValue]
    guard [.activation, .input].contains(self[x].kind), self[y].kind == .activation, self[y].bytes >= self[x].bytes,
      !readers.isEmpty, readers.allSatisfy({ Self.readsThroughWindow(self[$0].type) })
    else { return nil }
    return PadView(input: x, output: y)
  }
}

extension Graph {
  /// The in-place writes of `o` whose input and output take the same space at `alignment`: the
  /// ones planners use, so that the output can keep the input's range to its own end.
  public func sameSizeInPlaceWrites(of o: OperatorID, alignment: Int) -> [InPlaceWrite] {
    inPlaceWrites(of: o).filter { roundUp(self[$0.input].bytes, to: alignment) == roundUp(self[$0.output].bytes, to: alignment) }
  }

  /// The bytes an in-place write can save while `o` runs: its output's aligned size when the
  /// output may be written over an input of the same aligned size, else 0.
  public func inPlaceSaving(of o: OperatorID, alignment: Int) -> ByteCount {
    sameSizeInPlaceWrites(of: o, alignment: alignment).isEmpty ? 0 : roundUp(self[self[o].outputs[0]].bytes, to: alignment)
  }

  /// How operator `o` splits in place for planning with this weights mode and alignment: the
  /// graph's split (``splitInPlace(of:)``) when every output's bytes are a multiple of the
  /// alignment (so each range is exactly its region of the input's) and the input is in the
  /// scratchpad (not a weight kept outside).
  public func splitInPlace(of o: OperatorID, weights: WeightsPlacement, alignment: Int) -> SplitInPlace? {
    guard let sp = splitInPlace(of: o), sp.parts.allSatisfy({ self[$0.output].bytes % alignment == 0 }),
      !(weights == .external && self[sp.input].kind == .weight)
    else { return nil }
    return sp
  }

  /// The bytes reading its outputs in place saves while `o` runs: a split's outputs or a fused
  /// pad's output take no space of their own (their input, in the working set, holds them).
  public func viewSaving(of o: OperatorID, weights: WeightsPlacement, alignment: Int) -> ByteCount {
    if let v = padView(of: o) { return roundUp(self[v.output].bytes, to: alignment) }
    if let sp = splitInPlace(of: o, weights: weights, alignment: alignment) {
      return sp.parts.reduce(0) { $0 + roundUp(self[$1.output].bytes, to: alignment) }
    }
    return 0
  }

  /// The most in-place memory can save while `o` runs: an elementwise write's or reading the
  /// outputs in place (the two never apply to one operator).
  public func memorySaving(of o: OperatorID, weights: WeightsPlacement, alignment: Int) -> ByteCount {
    max(inPlaceSaving(of: o, alignment: alignment), viewSaving(of: o, weights: weights, alignment: alignment))
  }

  /// The smallest scratchpad in which every operator runs, unsplit, when elementwise operators
  /// may write their output over an input of the same aligned size that can die there (one no
  /// descendant of the operator reads, and no operator with a larger working set overwrites),
  /// and splits and pads may have their outputs read in place: the largest working set, less that output where such a write exists, less a split's
  /// or pad's outputs. Between it and `M_R`, plans with in-place memory need no tiles.
  public func smallestInPlaceScratchpad(weights: WeightsPlacement, alignment: Int) -> (bytes: ByteCount, operator: OperatorID) {
    let size = { (t: TensorID) in roundUp(self[t].bytes, to: alignment) }
    let footprint = operatorIDs.map { o in Set(workingSet(of: o, weights: weights)).reduce(0) { $0 + size($1) } }
    var best: (bytes: ByteCount, operator: OperatorID) = (0, OperatorID(0))
    // An input is overwritten once: by the operator with the largest working set that needs it.
    var claimed = Set<TensorID>()
    // Largest working sets first: an operator needs at most its working set.
    for o in operatorIDs.sorted(by: { (footprint[$0.rawValue], $1.rawValue) > (footprint[$1.rawValue], $0.rawValue) }) {
      guard footprint[o.rawValue] > best.bytes else { break }
      var need = footprint[o.rawValue] - viewSaving(of: o, weights: weights, alignment: alignment)
      let writes = sameSizeInPlaceWrites(of: o, alignment: alignment)
      if !writes.isEmpty {
        let below = descendants(of: o)
        if let w = writes.first(where: { w in !claimed.contains(w.input) && consumers[w.input.rawValue].allSatisfy { !below.contains($0) } }) {
          need -= size(self[o].outputs[0])
          claimed.insert(w.input)
        }
      }
      if need > best.bytes { best = (need, o) }
    }
    return best
  }
}
