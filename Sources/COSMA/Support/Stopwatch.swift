import Foundation

/// Measures wall-clock seconds.
struct Stopwatch {
  private let start = DispatchTime.now()
  var seconds: Double { Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9 }
}
