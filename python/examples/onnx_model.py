"""Builds a small model with the onnx package's helpers (no deep-learning framework), plans it
for a 64 KiB scratchpad, and prints what a runtime needs: the order of the operators and, for
each tensor, the scratchpad offset it lives at, with the DMA transfers between.

    pip install ./python onnx
    python python/examples/onnx_model.py
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import cosma


def conv(name, x, y, channels_in, channels_out, rng):
    weight = numpy_helper.from_array(rng.integers(-8, 8, (channels_out, channels_in, 3, 3), dtype=np.int8), f"{name}_w")
    node = helper.make_node("Conv", [x, weight.name], [y], name=name, kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    return node, weight


def build():
    rng = np.random.default_rng(0)
    c1, w1 = conv("conv1", "image", "a", 8, 16, rng)
    c2, w2 = conv("conv2", "a", "b", 16, 16, rng)
    relu = helper.make_node("Relu", ["b"], ["c"], name="relu")
    add = helper.make_node("Add", ["c", "a"], ["d"], name="add")
    c3, w3 = conv("conv3", "d", "out", 16, 8, rng)
    shape = lambda c: [1, c, 32, 32]
    graph = helper.make_graph(
        [c1, c2, relu, add, c3], "small-residual",
        [helper.make_tensor_value_info("image", TensorProto.INT8, shape(8))],
        [helper.make_tensor_value_info("out", TensorProto.INT8, shape(8))],
        initializer=[w1, w2, w3],
        value_info=[helper.make_tensor_value_info(t, TensorProto.INT8, shape(16)) for t in ("a", "b", "c", "d")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    return model.SerializeToString()


def main():
    model = build()
    print("budgets:", cosma.budgets(model, name="small-residual"))
    plan = cosma.optimize(model, name="small-residual", scratchpad="64KiB", alignment=64, time_limit=10,
                          deterministic=True)
    r = plan.report
    print(f"plan: {r['status']}, {r['nonCompulsoryBytes']} B moved beyond the compulsory {r['compulsoryBytes']} B, "
          f"peak {r['peakOccupancyBytes']} of {r['scratchpadBytes']} B")
    for e in plan.events:
        if e["event"] == "run":
            print(f"  run   {e['operator']}")
        elif "offset" in e:
            print(f"  {e['event']:<5} {e['tensor']:<10} at offset {e['offset']}")
        else:
            print(f"  {e['event']:<5} {e['tensor']}")
    print("offsets:", plan.offsets)


if __name__ == "__main__":
    main()
