extension Dictionary where Key == Step, Value == VariableID {
  /// The variables in step order. A dictionary's own order changes from process to process, so
  /// every row and every decision built from these tables goes through here: the same problem
  /// gives the same model, term for term, and the same plan.
  var byStep: [(key: Step, value: VariableID)] { sorted { $0.key < $1.key } }
}
