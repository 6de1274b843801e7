import COSMA
import Foundation
import Testing

/// CBC through the C shim: optima, status mapping, limits and the process-wide mutex.
@Suite struct CbcTests {
  /// A 0/1 knapsack: maximize value (minimize its negation) under a weight capacity.
  func knapsack(values: [Int], weights: [Int], capacity: Int) -> LinearModel {
    var m = LinearModel()
    let x = values.indices.map { m.addBinary("take[\($0)]", objective: -Double(values[$0])) }
    m.addLessOrEqual("capacity", zip(x, weights).map { ($0, Double($1)) }, Double(capacity))
    return m
  }

  func bruteForce(values: [Int], weights: [Int], capacity: Int) -> Int {
    var best = 0
    for mask in 0..<(1 << values.count) {
      var w = 0
      var v = 0
      for i in values.indices where mask & (1 << i) != 0 {
        w += weights[i]
        v += values[i]
      }
      if w <= capacity { best = max(best, v) }
    }
    return best
  }

  /// With CBC's defaults, and without its heuristics, cuts, preprocessing and strong branching
  /// (deterministic mode's windows), the same optimum.
  @Test(arguments: [true, false]) func solvesAKnapsackToOptimality(defaults: Bool) {
    let values = [60, 100, 120, 80, 30, 70, 90, 45, 25, 110, 65, 55]
    let weights = [10, 20, 30, 25, 5, 15, 28, 12, 7, 33, 18, 14]
    let model = knapsack(values: values, weights: weights, capacity: 90)
    var options = SolveOptions()
    options.heuristics = defaults
    options.cuts = defaults
    options.preprocess = defaults
    options.strongBranching = defaults
    let r = CbcSolver().solve(model, options: options)
    #expect(r.termination == .optimal)
    let optimum = bruteForce(values: values, weights: weights, capacity: 90)
    #expect(r.objective.map { -$0 } == Double(optimum))
    #expect(model.violatedConstraints(r.values!) == [])
  }

  @Test func reportsInfeasibility() {
    var m = LinearModel()
    let x = m.addBinary("x")
    let y = m.addBinary("y")
    m.addGreaterOrEqual("both", [(x, 1), (y, 1)], 3)
    let r = CbcSolver().solve(m, options: SolveOptions())
    #expect(r.termination == .infeasible)
    #expect(r.values == nil)
  }

  @Test func objectiveOffsetIsIncluded() {
    var m = knapsack(values: [5, 4], weights: [1, 1], capacity: 1)
    m.objectiveOffset = 100
    let r = CbcSolver().solve(m, options: SolveOptions())
    #expect(r.objective == 95)
    #expect(r.bound == 95)
  }

  @Test func concurrentSolvesAreSerializedAndCorrect() async {
    let before = CbcSolver.solveCount
    let values = [60, 100, 120, 80, 30, 70, 90, 45]
    let weights = [10, 20, 30, 25, 5, 15, 28, 12]
    let results = await withTaskGroup(of: (Int, Double?).self) { group in
      for k in 0..<8 {
        group.addTask {
          let m = knapsack(values: values, weights: weights, capacity: 40 + k)
          return (k, CbcSolver().solve(m, options: SolveOptions()).objective)
        }
      }
      var out: [(Int, Double?)] = []
      for await r in group { out.append(r) }
      return out
    }
    #expect(results.count == 8)
    for (k, objective) in results {
      #expect(objective == -Double(bruteForce(values: values, weights: weights, capacity: 40 + k)), "capacity \(40 + k)")
    }
    #expect(CbcSolver.solveCount - before >= 8)
    // Eight tasks asked at once, yet CBC never ran two solves together.
    #expect(CbcSolver.mostConcurrentSolves == 1)
  }

  @Test func writesLPText() {
    let m = knapsack(values: [3, 4], weights: [2, 3], capacity: 4)
    let lp = m.lpText()
    #expect(lp.contains("Minimize"))
    #expect(lp.contains("capacity"))
    #expect(lp.contains("General"))
    #expect(lp.hasSuffix("End\n"))
  }
}
