import COSMA
import COSMATestSupport
import Foundation
import Testing

/// Every plan every planner makes replays on the simulator, which agrees with the verifier on
/// traffic and occupancy. The ILP runs on the smaller models by default, on all of them with
/// `COSMA_LONG_TESTS=1`.
@Suite struct SimulationTests {
  static let long = TestScale.long
  static let ilpModels: Set<String> = ["resnet18", "resnet50", "squeezenet1_1", "mobilenet_v2"]

  static func check(_ problem: PlanningProblem, _ planner: any Planner, _ label: String) throws {
    let result = try plan(problem, with: planner)  // verified
    let p = result.plan
    let sim = try p.simulate(graph: problem.graph)
    #expect(sim.totalBytes == p.traffic.totalBytes, "\(label)")
    #expect(sim.compulsoryBytes == p.traffic.compulsoryBytes, "\(label)")
    #expect(sim.nonCompulsoryBytes == p.traffic.nonCompulsoryBytes, "\(label)")
    #expect(sim.peakOccupancyBytes == result.peakOccupancy, "\(label)")
    #expect(sim.computeBusyCycles <= sim.totalCycles && sim.dmaBusyCycles <= sim.totalCycles, "\(label)")
    #expect(sim.totalCycles >= max(sim.computeBusyCycles, sim.dmaBusyCycles), "\(label)")
  }

  @Test(arguments: Fixtures.modelNames)
  func everyPlanSimulates(model: String) throws {
    let graph = try Fixtures.model(model)
    for weights in WeightsPlacement.allCases {
      for tier in BudgetTier.allCases {
        let problem = try PlanningProblem(
          graph: graph, accelerator: Accelerator(scratchpad: .budget(tier), weights: weights))
        for baseline in BaselinePlanner.all {
          try Self.check(problem, baseline, "\(model) \(weights) \(tier) \(baseline.name)")
        }
        if Self.long || (Self.ilpModels.contains(model) && tier == .mr) {
          let ilp = IlpPlanner(options: PlannerOptions(timeLimit: Self.long ? 60 : 10))
          try Self.check(problem, ilp, "\(model) \(weights) \(tier) ilp")
        }
      }
    }
  }

  @Test func presetsDifferInSpeedNotInTraffic() throws {
    let graph = try Fixtures.model("resnet18")
    let problem = try PlanningProblem(graph: graph, accelerator: Accelerator(scratchpad: .budget(.mr)))
    let p = try plan(problem, with: BestBaselinePlanner()).plan
    var edge = Accelerator.presets["edge-npu"]!
    var dc = Accelerator.presets["datacenter"]!
    edge.scratchpad = p.accelerator.scratchpad
    dc.scratchpad = p.accelerator.scratchpad
    edge.alignment = p.accelerator.alignment
    dc.alignment = p.accelerator.alignment
    let slow = try p.simulate(graph: graph, accelerator: edge)
    let fast = try p.simulate(graph: graph, accelerator: dc)
    #expect(slow.totalBytes == fast.totalBytes)
    #expect(fast.seconds < slow.seconds)
  }

  @Test func aBudgetIsNotAScratchpadSize() throws {
    let graph = try Fixtures.model("resnet18")
    let problem = try PlanningProblem(graph: graph, accelerator: Accelerator(scratchpad: .budget(.mr)))
    let p = try plan(problem, with: BestBaselinePlanner()).plan
    #expect(throws: InputError.self) {
      try p.simulate(graph: graph, accelerator: Accelerator(scratchpad: .budget(.mr)))
    }
  }
}
