import ArgumentParser
import COSMA

@main
struct Cosma: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cosma",
    abstract: "Plan DNN inference on a scratchpad accelerator with minimal off-chip traffic.",
    discussion: """
      COSMA chooses the operator order, the scratchpad offset of every tensor, and which tensors \
      to spill and reload, so that DRAM traffic is as small as possible. Every plan is checked \
      by an independent verifier before it is written.

      Typical session:
        cosma inspect Models/resnet50.json
        cosma budgets Models/resnet50.json --weights external
        cosma optimize Models/resnet50.json --scratchpad MR -o resnet50.plan.json
        cosma verify Models/resnet50.json resnet50.plan.json
        cosma simulate Models/resnet50.json resnet50.plan.json --svg occupancy.svg
        cosma compare Models/resnet50.json --tiers MR,MH
        cosma optimize model.onnx --element-bytes 1 --scratchpad 2MiB

      Exit codes:
        0   success
        1   the plan is invalid (verify, simulate), or the buffers do not fit
            (allocate)
        2   bad input: a file that cannot be read or breaks the format
        3   does not fit: the scratchpad is below M_R
        4   compare, bench: some instances failed (the others are written)
        64  bad command line
        70  internal error: a planner produced a plan the verifier rejected
      """,
    version: "0.1.0",
    subcommands: [Optimize.self, Compare.self, Bench.self, Verify.self, Simulate.self, Allocate.self, Bound.self, Budgets.self, Inspect.self, Convert.self]
  )
}
