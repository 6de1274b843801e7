extension Tensor {
  /// Elements in the tensor: the product of its shape, or its bytes divided by the size of its
  /// `dtype` (1 byte when unknown).
  public var elementCount: Int {
    if let shape, !shape.isEmpty, let n = checkedProduct(shape) { return max(1, n) }
    return max(1, bytes / elementBytes(dtype))
  }
}

/// Bytes per element of a dtype name (`int8`, `float16`, `fp32`, ...); 1 when unknown.
func elementBytes(_ dtype: String?) -> Int {
  guard let d = dtype?.lowercased() else { return 1 }
  if d.contains("64") { return 8 }
  if d.contains("32") || d == "float" { return 4 }
  if d.contains("16") || d == "half" { return 2 }
  return 1
}
