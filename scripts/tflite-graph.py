#!/usr/bin/env python3
"""Writes a TFLite model (int8, one subgraph) as a cosma-graph (SPEC §2): the network Arm's Vela
compiles, operator for operator, so that COSMA and Vela plan the same graph.

Tensors keep their bytes; 4-D activations NHWC become N, C, H, W (COSMA's rows are H), filters
become O, I/groups, kH, kW. Constant tensors (with data) are weights; the subgraph's inputs and
outputs are `input` and `output`. Convolutions (depthwise ones with groups = channels) and
poolings carry their window (`kernel`, `strides`, `pads`, `dilations`, `groups`), SAME padding
resolved as TFLite does (the smaller half before). Reads the flatbuffer with the schema that
ships with ethos-u-vela (`pip install ethos-u-vela`).

Usage: scripts/tflite-graph.py model.tflite [name] > model.json
"""
import json
import sys

from ethosu.vela.tflite.BuiltinOperator import BuiltinOperator
from ethosu.vela.tflite.Conv2DOptions import Conv2DOptions
from ethosu.vela.tflite.DepthwiseConv2DOptions import DepthwiseConv2DOptions
from ethosu.vela.tflite.Model import Model
from ethosu.vela.tflite.Pool2DOptions import Pool2DOptions
from ethosu.vela.tflite.TensorType import TensorType

OPERATOR = {v: k for k, v in vars(BuiltinOperator).items() if not k.startswith("_")}
ELEMENT = {
    TensorType.INT8: ("int8", 1), TensorType.UINT8: ("uint8", 1), TensorType.INT16: ("int16", 2),
    TensorType.INT32: ("int32", 4), TensorType.FLOAT32: ("float32", 4), TensorType.INT64: ("int64", 8),
    TensorType.BOOL: ("bool", 1), TensorType.FLOAT16: ("float16", 2),
}
# TFLite's operators under the names COSMA knows (SPEC §2; ONNX's names, compared without case).
TYPE = {
    "CONV_2D": "Conv", "DEPTHWISE_CONV_2D": "Conv", "AVERAGE_POOL_2D": "AveragePool", "MAX_POOL_2D": "MaxPool",
    "ADD": "Add", "SUB": "Sub", "MUL": "Mul", "RELU": "Relu", "RELU6": "Relu6", "LOGISTIC": "Sigmoid",
    "HARD_SWISH": "HardSwish", "CONCATENATION": "Concat", "PAD": "Pad", "FULLY_CONNECTED": "linear",
    "RESHAPE": "Reshape", "SOFTMAX": "Softmax", "QUANTIZE": "QuantizeLinear", "DEQUANTIZE": "DequantizeLinear",
}


def same_pads(size, kernel, stride, dilation):
    out = -(-size // stride)
    total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
    return total // 2, total - total // 2


def main():
    path = sys.argv[1]
    name = sys.argv[2] if len(sys.argv) > 2 else path.rsplit("/", 1)[-1].removesuffix(".tflite")
    model = Model.GetRootAsModel(open(path, "rb").read(), 0)
    if model.SubgraphsLength() != 1:
        sys.exit(f"{path}: {model.SubgraphsLength()} subgraphs; expected one")
    sg = model.Subgraphs(0)
    inputs = set(sg.InputsAsNumpy().tolist())
    outputs = set(sg.OutputsAsNumpy().tolist())
    filters = {}  # tensor -> "conv" or "depthwise": the layout its shape converts from
    ops = []
    for k in range(sg.OperatorsLength()):
        op = sg.Operators(k)
        code = model.OperatorCodes(op.OpcodeIndex())
        kind = OPERATOR[max(code.BuiltinCode(), code.DeprecatedBuiltinCode())]
        ins = [i for i in op.InputsAsNumpy().tolist() if i >= 0]
        outs = op.OutputsAsNumpy().tolist()
        if kind in ("CONV_2D", "DEPTHWISE_CONV_2D") and len(ins) > 1:
            filters[ins[1]] = "conv" if kind == "CONV_2D" else "depthwise"
        ops.append((k, kind, op, ins, outs))

    def shape(t):
        s = sg.Tensors(t).ShapeAsNumpy()
        s = [] if isinstance(s, int) else [int(d) for d in s]
        if filters.get(t) == "conv" and len(s) == 4:  # O, kH, kW, I
            return [s[0], s[3], s[1], s[2]]
        if filters.get(t) == "depthwise" and len(s) == 4:  # 1, kH, kW, C
            return [s[3], 1, s[1], s[2]]
        if len(s) == 4 and t not in filters:  # N, H, W, C
            return [s[0], s[3], s[1], s[2]]
        return s

    def is_constant(t):
        b = sg.Tensors(t).Buffer()
        return b > 0 and model.Buffers(b).DataLength() > 0

    names = {}
    tensors = []
    used = sorted({t for _, _, _, ins, outs in ops for t in ins + outs})
    for t in used:
        tensor = sg.Tensors(t)
        raw = tensor.Name().decode()
        names[t] = f"t{t}_" + raw.split(";")[0].split("/")[-1][:40].replace(" ", "_")
        dtype, width = ELEMENT.get(tensor.Type(), ("int8", 1))
        s = shape(t)
        elements = 1
        for d in s:
            elements *= d
        kind = "input" if t in inputs else "output" if t in outputs else "weight" if is_constant(t) else "activation"
        entry = {"name": names[t], "kind": kind, "bytes": max(1, elements * width), "dtype": dtype}
        if s:
            entry["shape"] = s
        tensors.append(entry)

    operators = []
    for k, kind, op, ins, outs in ops:
        entry = {"name": f"{kind.lower()}_{k}", "type": TYPE.get(kind, kind.title().replace("_", "")),
                 "inputs": [names[t] for t in ins], "outputs": [names[t] for t in outs]}
        y = shape(outs[0])
        out_elements = 1
        for d in y:
            out_elements *= d
        if kind in ("CONV_2D", "DEPTHWISE_CONV_2D", "AVERAGE_POOL_2D", "MAX_POOL_2D"):
            table = op.BuiltinOptions()
            options = {"CONV_2D": Conv2DOptions, "DEPTHWISE_CONV_2D": DepthwiseConv2DOptions}.get(kind, Pool2DOptions)()
            options.Init(table.Bytes, table.Pos)
            x = shape(ins[0])
            if kind in ("CONV_2D", "DEPTHWISE_CONV_2D"):
                w = shape(ins[1])
                kernel = [w[2], w[3]]
                dilations = [options.DilationHFactor(), options.DilationWFactor()]
                groups = x[1] if kind == "DEPTHWISE_CONV_2D" else 1
                entry["macs"] = out_elements * w[1] * w[2] * w[3]
            else:
                kernel = [options.FilterHeight(), options.FilterWidth()]
                dilations = [1, 1]
                groups = 1
                entry["macs"] = out_elements * kernel[0] * kernel[1]
            strides = [options.StrideH(), options.StrideW()]
            if options.Padding() == 0:  # SAME
                (top, bottom), (left, right) = (same_pads(x[2 + a], kernel[a], strides[a], dilations[a]) for a in (0, 1))
            else:
                top = bottom = left = right = 0
            entry["attributes"] = {"kernel": kernel, "strides": strides, "pads": [top, left, bottom, right],
                                   "dilations": dilations, "groups": groups}
        elif kind == "FULLY_CONNECTED":
            w = shape(ins[1])
            entry["macs"] = out_elements * w[-1]
        tensors_by_name = {e["name"]: e for e in tensors}
        if kind == "MEAN" and len(y) in (2, 4) and tensors_by_name[names[ins[0]]].get("shape", [0])[1:2] == y[1:2]:
            entry["type"] = "GlobalAveragePool"
        operators.append(entry)
    json.dump({"format": "cosma-graph", "version": 1, "name": name,
               "source": f"TFLite {path.rsplit('/', 1)[-1]} (NHWC written as NCHW), int8", "tensors": tensors,
               "operators": operators}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
