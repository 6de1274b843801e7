import COSMA
import Foundation

/// The readers a fuzzer feeds, each followed by what a valid input leads to. Bad input must end
/// in a thrown error; any trap (overflow, out-of-range index, force unwrap) is a bug.
enum FuzzTarget: String, CaseIterable {
  /// A cosma-graph JSON file; a valid graph of at most 64 operators is also planned at `M_R`
  /// by the best baseline, verified and simulated.
  case graph
  /// An ONNX model (protobuf), imported as a graph.
  case onnx
  /// An accelerator JSON file; a valid one is used to plan the small graph.
  case accelerator
  /// A cosma-plan file for the small graph, verified and simulated.
  case plan
  /// A MiniMalloc CSV instance; a valid one of at most 200 buffers is allocated at its peak of
  /// live bytes with a node limit, and the result checked.
  case csv

  /// Runs one input. Errors are the expected outcome of bad input and are ignored.
  func run(_ data: Data) {
    switch self {
    case .graph:
      guard let g = try? Graph(jsonData: data, origin: "fuzz"), g.operators.count <= 64 else { return }
      for weights in WeightsPlacement.allCases {
        planAndCheck(g, Accelerator(scratchpad: .budget(.mr), weights: weights))
        // And with in-place memory: writes, concatenations, splits and pads.
        var a = Accelerator(scratchpad: .budget(.mr), weights: weights)
        a.inPlace = true
        planAndCheck(g, a)
      }
    case .onnx:
      _ = try? Graph(onnx: data, origin: "fuzz.onnx")
    case .accelerator:
      guard let a = try? Accelerator(jsonData: data, origin: "fuzz") else { return }
      planAndCheck(FuzzTarget.smallGraph, a)
    case .plan:
      let g = FuzzTarget.smallGraph
      guard let plan = try? Plan(jsonData: data, graph: g, origin: "fuzz") else { return }
      _ = Verifier(graph: g).violations(of: plan)
      _ = try? plan.simulate(graph: g)
    case .csv:
      guard let text = String(data: data, encoding: .utf8),
        let instance = try? AllocationInstance(csv: text, origin: "fuzz"), instance.buffers.count <= 200
      else { return }
      var events = instance.buffers.flatMap { [($0.lower, $0.size), ($0.upper, -$0.size)] }
      events.sort { ($0.0, $0.1) < ($1.0, $1.1) }
      var (live, peak) = (0, 0)
      for (_, d) in events {
        live += d
        peak = max(peak, live)
      }
      var allocator = OffsetAllocator(capacity: peak)
      allocator.nodeLimit = 20_000
      allocator.threads = 1
      if case .placed(let offsets) = allocator.allocate(instance.buffers) {
        precondition(
          allocationViolations(instance.buffers, offsets: offsets, capacity: peak).isEmpty,
          "the allocator placed overlapping buffers")
      }
    }
  }

  /// Plans `graph` on `accelerator` with the best baseline (tiles below `M_R`), then verifies
  /// and simulates the plan: a plan the verifier rejects is a bug.
  private func planAndCheck(_ graph: Graph, _ accelerator: Accelerator) {
    guard let result = try? COSMA.plan(graph: graph, accelerator: accelerator, planner: .bestBaseline) else { return }
    let g = result.problem.graph
    precondition(
      Verifier(graph: g).violations(of: result.result.plan).isEmpty, "a baseline plan failed verification")
    _ = try? result.result.plan.simulate(graph: g)
  }

  /// A small residual graph: the plan and accelerator targets use it.
  static let smallGraph: Graph = {
    let text = """
      {"format": "cosma-graph", "version": 1, "name": "fuzz",
       "tensors": [
         {"name": "x", "kind": "input", "bytes": 2048, "shape": [1, 8, 16, 16], "dtype": "int8"},
         {"name": "w1", "kind": "weight", "bytes": 576, "shape": [8, 8, 3, 3], "dtype": "int8"},
         {"name": "a", "kind": "activation", "bytes": 2048, "shape": [1, 8, 16, 16], "dtype": "int8"},
         {"name": "w2", "kind": "weight", "bytes": 576, "shape": [8, 8, 3, 3], "dtype": "int8"},
         {"name": "b", "kind": "activation", "bytes": 2048, "shape": [1, 8, 16, 16], "dtype": "int8"},
         {"name": "y", "kind": "output", "bytes": 2048, "shape": [1, 8, 16, 16], "dtype": "int8"}],
       "operators": [
         {"name": "conv1", "type": "Conv", "inputs": ["x", "w1"], "outputs": ["a"], "macs": 147456},
         {"name": "conv2", "type": "Conv", "inputs": ["a", "w2"], "outputs": ["b"], "macs": 147456},
         {"name": "add", "type": "Add", "inputs": ["b", "x"], "outputs": ["y"], "macs": 2048}]}
      """
    return try! Graph(jsonData: Data(text.utf8), origin: "fuzz graph")
  }()
}
