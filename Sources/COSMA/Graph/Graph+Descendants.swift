extension Graph {
  /// The operators that depend on `o` through its outputs, directly or not (not `o` itself).
  public func descendants(of o: OperatorID) -> Set<OperatorID> {
    var seen = Set<OperatorID>()
    var stack = successors[o.rawValue]
    while let s = stack.popLast() {
      guard seen.insert(s).inserted else { continue }
      stack.append(contentsOf: successors[s.rawValue])
    }
    return seen
  }
}
