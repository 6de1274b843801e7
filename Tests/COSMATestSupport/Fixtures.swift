import COSMA
import Foundation

/// Small literal graphs named by shape, and the bundled models.
public enum Fixtures {
  /// The repository's `Models/` folder.
  public static let modelsDirectory: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Models")

  public static func model(_ name: String) throws -> Graph {
    try Graph(contentsOf: modelsDirectory.appendingPathComponent("\(name).json").path)
  }

  /// Every model file name (without `.json`), sorted.
  public static var modelNames: [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: modelsDirectory.path)) ?? [])
      .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
  }

  /// Builds a graph from a compact description: tensors `name:kind:bytes`, operators
  /// `name: in1,in2 -> out1`.
  public static func graph(_ name: String, tensors: [String], operators: [String]) throws -> Graph {
    var ts: [Tensor] = []
    var index: [String: Int] = [:]
    for spec in tensors {
      let p = spec.split(separator: ":").map(String.init)
      index[p[0]] = ts.count
      ts.append(Tensor(name: p[0], kind: TensorKind(rawValue: p[1])!, bytes: Int(p[2])!))
    }
    var ops: [Operator] = []
    for spec in operators {
      let parts = spec.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
      let io = parts[1].components(separatedBy: "->").map { $0.trimmingCharacters(in: .whitespaces) }
      func ids(_ s: String) -> [TensorID] {
        s.split(separator: ",").map { TensorID(index[$0.trimmingCharacters(in: .whitespaces)]!) }
      }
      ops.append(Operator(name: parts[0], type: "op", inputs: ids(io[0]), outputs: ids(io[1])))
    }
    return try Graph(name: name, tensors: ts, operators: ops)
  }

  /// x -> a -> b -> y
  public static func chain() throws -> Graph {
    try graph(
      "chain", tensors: ["x:input:100", "w:weight:50", "a:activation:200", "b:activation:100", "y:output:10"],
      operators: ["op1: x,w -> a", "op2: a -> b", "op3: b -> y"])
  }

  /// x -> a; a -> b; a -> c; b,c -> y
  public static func diamond() throws -> Graph {
    try graph(
      "diamond",
      tensors: ["x:input:64", "a:activation:128", "b:activation:64", "c:activation:192", "y:output:64"],
      operators: ["split: x -> a", "left: a -> b", "right: a -> c", "join: b,c -> y"])
  }

  /// A residual block: x -> a -> b -> c; add(a, c) -> y. `a` is live across the block, so a
  /// scratchpad at M_R forces a spill of `a`.
  public static func mustSpill() throws -> Graph {
    try graph(
      "mustSpill",
      tensors: ["x:input:64", "a:activation:256", "b:activation:256", "c:activation:256", "y:output:64"],
      operators: ["stem: x -> a", "f1: a -> b", "f2: b -> c", "add: a,c -> y"])
  }

  /// A seeded random DAG with weights, branches, multiple outputs and an output read later.
  public static func random(seed: UInt64, operators n: Int, maxUnits: UInt64 = 8) throws -> Graph {
    var rng = SplitMix64(seed: seed)
    func bytes() -> Int { 64 * Int(1 + rng.next() % maxUnits) - Int(rng.next() % 16) }
    var tensors: [String] = ["in0:input:\(bytes())"]
    var available = ["in0"]
    var ops: [String] = []
    for i in 0..<n {
      var inputs: [String] = []
      let k = 1 + Int(rng.next() % 2)
      for _ in 0..<k {
        let t = available[Int(rng.next() % UInt64(available.count))]
        if !inputs.contains(t) { inputs.append(t) }
      }
      if rng.next() % 3 == 0 {
        tensors.append("w\(i):weight:\(bytes())")
        inputs.append("w\(i)")
      }
      let outs = rng.next() % 5 == 0 ? 2 : 1
      var outputs: [String] = []
      for j in 0..<outs {
        let name = "t\(i)_\(j)"
        let kind = (i == n - 1 || rng.next() % 7 == 0) ? "output" : "activation"
        tensors.append("\(name):\(kind):\(bytes())")
        outputs.append(name)
        available.append(name)
      }
      ops.append("op\(i): \(inputs.joined(separator: ",")) -> \(outputs.joined(separator: ","))")
    }
    return try graph("random\(seed)", tensors: tensors, operators: ops)
  }
}

/// Plans with `planner` and checks the plan with the verifier; the verifier's violations are
/// returned so tests can assert on them.
public func verifiedPlan(_ problem: PlanningProblem, _ planner: any Planner) throws -> Plan {
  try plan(problem, with: planner).plan
}

extension Fixtures {
  /// A plan written by hand: its events, with the traffic they move (or `totalBytes`, to state a
  /// wrong figure) and the compulsory bytes given.
  public static func handPlan(
    _ events: [PlanEvent], graph: Graph, graphName: String? = nil, accelerator: Accelerator, compulsoryBytes: Int,
    totalBytes: Int? = nil
  ) -> Plan {
    var moved = 0
    for e in events {
      switch e {
      case .load(let x, _), .store(let x): moved += graph[x].bytes
      default: break
      }
    }
    return Plan(
      graphName: graphName ?? graph.name, accelerator: accelerator, planner: PlannerInfo(method: "hand", status: .heuristic),
      traffic: Traffic(totalBytes: totalBytes ?? moved, compulsoryBytes: compulsoryBytes), events: events)
  }
}
