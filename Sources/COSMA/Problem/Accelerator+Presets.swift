extension Accelerator {
  /// Named machines worth planning for, selectable with `--accelerator NAME`.
  ///
  /// | name | scratchpad | alignment | DMA | MACs/cycle | vector/cycle | clock |
  /// | --- | --- | --- | --- | --- | --- | --- |
  /// | `edge-npu` | 2 MiB | 64 B | 32 B/cycle, 64-cycle setup | 1,024 (32×32 array) | 64 | 1 GHz |
  /// | `datacenter` | 32 MiB | 256 B | 512 B/cycle, 500-cycle setup | 65,536 (256×256 array) | 1,024 | 940 MHz |
  ///
  /// `edge-npu` is a phone or camera NPU: 32 GB/s of DRAM bandwidth against 2 TMAC/s, so
  /// convolutions are compute-bound and spills of large activations are not. `datacenter` is a
  /// TPU-class core: 480 GB/s (HBM-like) against 62 TMAC/s, where a reload costs more compute
  /// time than on the edge part and DMA setup latency dominates small transfers.
  public static let presets: [String: Accelerator] = [
    "edge-npu": machine(
      "edge-npu", scratchpad: 2 << 20, alignment: 64, dma: (32, 64), macs: 1024, vector: 64, mhz: 1000),
    "datacenter": machine(
      "datacenter", scratchpad: 32 << 20, alignment: 256, dma: (512, 500), macs: 65536, vector: 1024, mhz: 940),
  ]

  private static func machine(
    _ name: String, scratchpad: Int, alignment: Int, dma: (bytesPerCycle: Int, setupCycles: Int), macs: Int,
    vector: Int, mhz: Double
  ) -> Accelerator {
    var a = Accelerator(name: name, scratchpad: .bytes(scratchpad), alignment: alignment)
    a.dmaBytesPerCycle = dma.bytesPerCycle
    a.dmaSetupCycles = dma.setupCycles
    a.macsPerCycle = macs
    a.vectorElementsPerCycle = vector
    a.clockMHz = mhz
    return a
  }
}
