/// The MILP solver COSMA uses unless told otherwise: COIN-OR CBC through the `CCbc` shim.
///
/// Planners take their solver from ``PlannerOptions/solver``, the bounds and the minimum-peak
/// ILP as a parameter; this is the one place that picks CBC for them.
public let defaultMILPSolver: any MILPSolver = CbcSolver()
