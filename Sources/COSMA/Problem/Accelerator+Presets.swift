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
  public static let presets: [String: Accelerator] = {
    var edge = Accelerator(name: "edge-npu", scratchpad: .bytes(2 << 20), alignment: 64)
    edge.dmaBytesPerCycle = 32
    edge.dmaSetupCycles = 64
    edge.macsPerCycle = 1024
    edge.vectorElementsPerCycle = 64
    edge.clockMHz = 1000
    var dc = Accelerator(name: "datacenter", scratchpad: .bytes(32 << 20), alignment: 256)
    dc.dmaBytesPerCycle = 512
    dc.dmaSetupCycles = 500
    dc.macsPerCycle = 65536
    dc.vectorElementsPerCycle = 1024
    dc.clockMHz = 940
    return ["edge-npu": edge, "datacenter": dc]
  }()
}
