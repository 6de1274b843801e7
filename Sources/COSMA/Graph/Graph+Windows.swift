/// The window of a convolution or a pooling with every field resolved: which input rows each
/// output row reads, what a tile along a spatial dimension needs of its input (its halo).
public struct SlidingWindow: Sendable, Equatable {
  public var kernel: [Int]
  public var strides: [Int]
  /// Start paddings, then end paddings, one per spatial dimension.
  public var pads: [Int]
  public var dilations: [Int]
  public var groups: Int
  public var ceilMode: Bool

  /// The number of spatial dimensions.
  public var dimensions: Int { kernel.count }

  /// The output size along spatial dimension `i` for an input of `input` elements.
  public func outputSize(input: Int, dimension i: Int) -> Int {
    let span = input + pads[i] + pads[dimensions + i] - dilations[i] * (kernel[i] - 1) - 1
    guard span >= 0 else { return 0 }
    return (ceilMode ? (span + strides[i] - 1) / strides[i] : span / strides[i]) + 1
  }

  /// The input positions (padding included: below 0 or past the input) that outputs `a...b`
  /// along spatial dimension `i` read.
  public func inputRange(outputs: ClosedRange<Int>, dimension i: Int) -> ClosedRange<Int> {
    let lo = outputs.lowerBound * strides[i] - pads[i]
    return lo...(outputs.upperBound * strides[i] - pads[i] + dilations[i] * (kernel[i] - 1))
  }
}

extension Graph {
  /// The sliding window of operator `o`, when it is known for sure: the declared attributes
  /// (SPEC §2) when they agree with the tensors' shapes, or else, for a convolution (its second
  /// input a weight of the same rank as its data), the only window its shapes allow.
  ///
  /// A convolution's weight shape `[C_out, C_in / groups, k...]` gives its kernel and groups;
  /// the input and output sizes constrain stride, dilation and the two paddings of each
  /// dimension. The candidates are every stride and dilation, and paddings of at most the
  /// dilated kernel's extent minus one at either end. Nothing else is assumed: a window the
  /// shapes leave open (a 3×3 convolution keeping its size may pad 1 with dilation 1, or 2 with
  /// dilation 2) is not derived, and such an operator can be split only where no halo is
  /// needed. The ONNX importer records every window, so imported graphs always have theirs.
  public func slidingWindow(of o: OperatorID) -> SlidingWindow? {
    let op = self[o]
    guard let x = op.inputs.first.flatMap({ self[$0].shape }), let y = op.outputs.first.flatMap({ self[$0].shape })
    else { return declaredWindow(op.attributes, spatial: nil) }
    let spatial = x.count - 2
    guard spatial >= 1, y.count == x.count else { return nil }
    if let declared = declaredWindow(op.attributes, spatial: spatial) {
      // Trusted only when it gives the output's shape.
      for i in 0..<spatial where declared.outputSize(input: x[2 + i], dimension: i) != y[2 + i] { return nil }
      return declared
    }
    // A convolution: the weight gives the kernel and the groups.
    guard op.inputs.count >= 2, self[op.inputs[1]].kind == .weight, let w = self[op.inputs[1]].shape,
      w.count == x.count, w[1] > 0, x[1] % w[1] == 0, y[1] == w[0]
    else { return nil }
    let groups = x[1] / w[1]
    guard groups > 0, w[0] % groups == 0 else { return nil }
    let kernel = Array(w[2...])
    var window = SlidingWindow(
      kernel: kernel, strides: [], pads: Array(repeating: 0, count: 2 * spatial), dilations: [], groups: groups,
      ceilMode: false)
    for i in 0..<spatial {
      guard let (s, d, start, end) = Self.onlyWindow(kernel: kernel[i], input: x[2 + i], output: y[2 + i]) else { return nil }
      window.strides.append(s)
      window.dilations.append(d)
      window.pads[i] = start
      window.pads[spatial + i] = end
    }
    return window
  }

  /// The declared window with ONNX's defaults filled in, when `kernel` is declared.
  private func declaredWindow(_ a: OperatorAttributes?, spatial: Int?) -> SlidingWindow? {
    guard let a, let kernel = a.kernel, spatial == nil || spatial == kernel.count else { return nil }
    let n = kernel.count
    return SlidingWindow(
      kernel: kernel, strides: a.strides ?? Array(repeating: 1, count: n), pads: a.pads ?? Array(repeating: 0, count: 2 * n),
      dilations: a.dilations ?? Array(repeating: 1, count: n), groups: a.groups ?? 1, ceilMode: a.ceilMode ?? false)
  }

  /// The stride, dilation and paddings of the only floor-mode window of size `k` taking `input`
  /// elements to `output`, or nil when none or several do.
  ///
  /// - Complexity: O(input²) in the worst case; a second candidate ends the search.
  static func onlyWindow(kernel k: Int, input: Int, output: Int) -> (Int, Int, Int, Int)? {
    guard k >= 1, input >= 1, output >= 1 else { return nil }
    var found: (Int, Int, Int, Int)?
    for d in 1...(k == 1 ? 1 : input) {
      let extent = d * (k - 1)
      for s in 1...input {
        // output = ⌊(input + P − extent − 1) / s⌋ + 1  ⇔  (output − 1)·s ≤ input + P − extent − 1 < output·s
        let lowest = max(0, (output - 1) * s - input + extent + 1)
        let highest = min(2 * extent, output * s - input + extent)
        guard lowest <= highest else { continue }
        for total in lowest...highest {
          for start in max(0, total - extent)...min(total, extent) {
            if found != nil { return nil }
            found = (s, d, start, total - start)
          }
        }
      }
    }
    return found
  }
}
