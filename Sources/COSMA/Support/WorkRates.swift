/// How work converts to seconds in deterministic mode (``PlannerOptions/deterministic``): the
/// rates at which a 2-core machine did each kind of work on the bundled models, so that a limit
/// of `T` work seconds takes roughly `T` wall-clock seconds there.
public struct WorkRates: Sendable, Equatable {
  /// Branch-and-bound nodes of the MILP solver per second, beyond their simplex iterations.
  public var solverNodesPerSecond: Double = 5_000
  /// Simplex iterations of the MILP solver per second, CBC's root (cuts, heuristics) included.
  /// With the node rate, fitted to the logarithm of the wall-clock time of 63 solves (of 0.1 s
  /// and more) in deterministic runs of nn.Transformer, NASNet-A, PNASNet-5, RandWire, BERT-base
  /// and GPT-2 on a 2-core machine: the charge was 0.4 to 2.5 times the time in 51 of them, and
  /// 0.17 to 5.9 times in all. The rate of a simplex iteration differs between models more than
  /// any measure of their size explains.
  public var simplexIterationsPerSecond: Double = 3_500
  /// Search nodes of the exact offset allocator per second, as it counts them (see
  /// `OffsetAllocator.spentNodes`; its threads on two cores). On the planners' residencies a
  /// node took 6 to 32 µs (DenseNet-121's 257 buffers to PNASNet-5's 679) and NASNet-A's 1,410
  /// buffers 4 million nodes in 94 s; on MiniMalloc's suite, one thread, 9 to 36 µs.
  public var allocatorNodesPerSecond: Double = 60_000
  /// Operators evaluated per second by the order search (one move evaluates the whole order):
  /// NASNet-A, PNASNet-5, RandWire and nn.Transformer evaluated 1.3 to 1.8 million a second.
  public var orderOperatorsPerSecond: Double = 1_500_000
  /// Steps evaluated per second by the step cover bound's search (``StepCoverBound/steps``).
  public var stepCoverStepsPerSecond: Double = 1_000_000
  /// Orders of the full operators, partial or whole, visited per second by the waiting bound's
  /// search (``WaitingBound/nodes``).
  public var waitingOrdersPerSecond: Double = 100_000
  /// A solve stopped on its node limit may still overrun, in its root or where its nodes take
  /// ten times the iterations the run's earlier solves of its size took; a wall-clock limit of
  /// this many times its share plus ``solverSafetySeconds`` stops it, and the run then records
  /// that it is no longer deterministic. (At five times plus 10 s, PNASNet-5's windows of 2 s
  /// reached it in pairs of `--deterministic` benches on two cores: 88 nodes of a limit of 98
  /// in 19.8 s, at 574 iterations a node.)
  public var solverSafetyFactor: Double = 10
  public var solverSafetySeconds: Double = 20

  public init() {}
}
