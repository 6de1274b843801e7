/// The automatic planner (the CLI's default): the joint ILP when the model is small enough for
/// CBC, divide and conquer otherwise; both start from the best baseline and never return worse.
/// The report's path (and the plan's method line) says which path ran and why.
public struct AutoPlanner: Planner {
  public var options: PlannerOptions
  public init(options: PlannerOptions = PlannerOptions()) { self.options = options }
  public var kind: PlannerKind { .auto }

  public func makePlan(for problem: PlanningProblem) throws -> PlannerOutput {
    var run = try PlanningRun(problem: problem, options: options, kind: kind, path: .ilp)
    if !run.shouldContinue { return run.finish() }
    // The free-order model's size decides: it has one integer per operator and feasible step,
    // and one per tensor and step of its window.
    let size = ResidencyFormulation.integerEstimate(problem)
    if size <= options.maxIntegerVariables {
      run.path = .jointILP(integerVariables: size)
      run.runJointILP()
    } else {
      run.path = .divideAndConquer(integerVariables: size, limit: options.maxIntegerVariables)
      run.say(.path(run.path))
      run.divideAndConquer(width: DivideAndConquerPlanner.initialWindow)
    }
    return run.finish()
  }
}
