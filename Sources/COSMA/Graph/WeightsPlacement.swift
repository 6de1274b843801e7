/// Where weights live (SPEC §1).
public enum WeightsPlacement: String, Sendable, CaseIterable, Codable {
  /// Weights occupy the scratchpad like any other tensor (the default).
  case scratchpad
  /// Weights are read from a separate buffer: they never occupy the scratchpad and are left out
  /// of every traffic figure (the COSMA paper's "activation tensors only" setting).
  case external
}
