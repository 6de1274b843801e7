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
