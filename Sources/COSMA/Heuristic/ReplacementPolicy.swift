/// How a baseline chooses what to evict when a tensor does not fit (the COSMA paper's
/// replacement policies).
public enum ReplacementPolicy: String, Sendable, CaseIterable {
  /// Belady's rule: evict the resident tensors whose next use is furthest in the future.
  case belady
  /// Evict the tensors whose eviction adds the least traffic (a spill store for a value DRAM
  /// does not hold, plus its reload).
  case greedy
}

/// The schedule a baseline follows.
public enum BaselineSchedule: String, Sendable, CaseIterable {
  /// The graph file's order: the framework's (PyTorch's) default.
  case `default`
  /// The memory-aware order of ``MinimumPeakScheduler``.
  case minPeak = "minpeak"
}
