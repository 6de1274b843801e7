import ArgumentParser
import COSMA

/// The longest time limit accepted, in seconds (about 11.6 days): longer ones are mistakes, and
/// limits are turned into integer milliseconds.
let maximumSeconds = 1e6

/// Checks a time limit: a number of seconds in (0, 10^6], or [0, 10^6] when `zero` is allowed.
/// NaN and infinity fail.
func validateSeconds(_ value: Double, flag: String = "--time-limit", zero: Bool = false) throws {
  guard value.isFinite, zero ? value >= 0 : value > 0, value <= maximumSeconds else {
    throw ValidationError("\(flag) must be a number of seconds \(zero ? "from 0" : "above 0") up to \(Int(maximumSeconds)), not \(value)")
  }
}

/// Checks an alignment: 1 byte to ``Accelerator/maximumAlignment``.
func validateAlignment(_ value: Int, flag: String = "--alignment") throws {
  guard value > 0, value <= Accelerator.maximumAlignment else {
    throw ValidationError("\(flag) must be between 1 and \(Accelerator.maximumAlignment) bytes, not \(value)")
  }
}
