import Foundation

/// How many cases a sweep runs: a default that keeps `make test` within a few minutes on two
/// cores, and the full sweep with `COSMA_LONG_TESTS=1`.
public enum TestScale {
  /// Whether `COSMA_LONG_TESTS` is set.
  public static let long = ProcessInfo.processInfo.environment["COSMA_LONG_TESTS"] != nil

  /// `quick` by default, `full` in the long tests.
  public static func count(_ quick: Int, full: Int) -> Int { long ? full : quick }
}
