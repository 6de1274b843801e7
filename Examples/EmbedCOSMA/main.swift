// A compiler embedding COSMA: build the graph in memory, plan, verify, simulate. No file I/O.
import COSMA

// conv1 -> conv2 -> conv3 -> add(conv1, conv3): a residual block, 1 byte per element.
let tensors = [
  Tensor(name: "x", kind: .input, bytes: 64 * 1024),
  Tensor(name: "w1", kind: .weight, bytes: 16 * 1024),
  Tensor(name: "w2", kind: .weight, bytes: 16 * 1024),
  Tensor(name: "w3", kind: .weight, bytes: 16 * 1024),
  Tensor(name: "a", kind: .activation, bytes: 64 * 1024),
  Tensor(name: "b", kind: .activation, bytes: 64 * 1024),
  Tensor(name: "c", kind: .activation, bytes: 64 * 1024),
  Tensor(name: "y", kind: .output, bytes: 64 * 1024),
]
let graph = try Graph(name: "block", tensors: tensors, operators: [
  Operator(name: "conv1", type: "Conv", inputs: [TensorID(0), TensorID(1)], outputs: [TensorID(4)], macs: 1 << 20),
  Operator(name: "conv2", type: "Conv", inputs: [TensorID(4), TensorID(2)], outputs: [TensorID(5)], macs: 1 << 20),
  Operator(name: "conv3", type: "Conv", inputs: [TensorID(5), TensorID(3)], outputs: [TensorID(6)], macs: 1 << 20),
  Operator(name: "add", type: "Add", inputs: [TensorID(4), TensorID(6)], outputs: [TensorID(7)]),
])

// The smallest scratchpad the block can run in (M_R), on the edge-NPU preset.
var npu = Accelerator.presets["edge-npu"]!
npu.scratchpad = .budget(.mr)
let problem = try PlanningProblem(graph: graph, accelerator: npu)

let baseline = try plan(problem, with: BestBaselinePlanner())          // verified
let optimal = try plan(problem, with: IlpPlanner(options: PlannerOptions(timeLimit: 10)))  // verified
let cycles = try optimal.plan.simulate(graph: graph).totalCycles

print("scratchpad \(problem.capacity) B, \(optimal.report.summary)")
print("extra traffic: baseline \(baseline.plan.traffic.nonCompulsoryBytes) B, COSMA \(optimal.plan.traffic.nonCompulsoryBytes) B")
print("schedule: \(optimal.plan.schedule.map { graph.operators[$0.rawValue].name }), \(cycles) cycles")
precondition(optimal.plan.traffic.nonCompulsoryBytes <= baseline.plan.traffic.nonCompulsoryBytes)
