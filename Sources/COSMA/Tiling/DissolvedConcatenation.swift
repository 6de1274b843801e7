/// A concatenation that a tiled graph leaves out (SPEC §2, "Dissolved concatenations"): its
/// output is never written; the readers of the output read the slices of its inputs instead,
/// each where it lies in the output.
struct DissolvedConcatenation {
  var output: TensorID
  /// The axis the inputs are joined along.
  var axis: Int
  /// Each input with the index along `axis` where it starts in the output.
  var parts: [(input: TensorID, start: Int)]
}

extension Graph {
  /// The concatenations a tiled graph may dissolve: of a concatenation type, one output, an
  /// `activation` that is not a graph output, with at least one reader; two or more distinct
  /// `activation` inputs with shapes, which cut the output along one axis; and every reader of
  /// the output an elementwise operator or a concatenation dissolved too (the readers whose
  /// tiles the decomposition check places on the inputs' slices without the original graph).
  func dissolvableConcatenations() -> [OperatorID: DissolvedConcatenation] {
    var found: [OperatorID: DissolvedConcatenation] = [:]
    for o in operatorIDs {
      let op = self[o]
      guard Graph.concatenationTypes.contains(op.type.lowercased()), op.outputs.count == 1, op.inputs.count >= 2,
        Set(op.inputs).count == op.inputs.count
      else { continue }
      let y = op.outputs[0]
      guard self[y].kind == .activation, !consumers[y.rawValue].isEmpty,
        op.inputs.allSatisfy({ self[$0].kind == .activation && self[$0].shape != nil }),
        let axis = cuttingAxis(of: y, into: op.inputs)
      else { continue }
      var start = 0
      let parts = op.inputs.map { x in
        defer { start += self[x].shape![axis] }
        return (input: x, start: start)
      }
      found[o] = DissolvedConcatenation(output: y, axis: axis, parts: parts)
    }
    // Drop those read by anything else, until none is.
    var changed = true
    while changed {
      changed = false
      for (o, d) in found {
        let fine = consumers[d.output.rawValue].allSatisfy { r in
          found[r] != nil || Graph.elementwiseTypes.contains(self[r].type.lowercased())
        }
        if !fine {
          found[o] = nil
          changed = true
        }
      }
    }
    return found
  }
}
