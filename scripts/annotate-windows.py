#!/usr/bin/env python3
"""Writes the convolution and pooling windows into the bundled graphs (Models/*.json).

The graphs were exported with `torch.export` and carry no `attributes`, and a 3x3 convolution
that keeps its size, or any pooling, has a window its shapes do not decide (SPEC §2). This script
exports the same architectures again, reads each convolution's and pooling's kernel, stride,
padding, dilation, groups and ceil_mode from the exported program, and writes them into the
operator of the same name, after checking that the operator reads the same weight and that the
window gives the recorded output shape. Nothing else in the files changes.

Needs torch, torchvision and timm (a virtual environment; not dependencies of COSMA):
    python3 -m venv /tmp/tv && /tmp/tv/bin/pip install torch torchvision timm
    /tmp/tv/bin/python scripts/annotate-windows.py Models/*.json
randwire_ws_small and transformer are left as they are: RandWire is not in either package, and
the transformer has no window.
"""
import json
import sys

import torch

# torchvision registers fake kernels for its detection operators at import; with a torch newer
# than the torchvision build those operators do not exist. No model here uses them.
_register_fake = torch.library.register_fake
torch.library.register_fake = lambda *a, **k: (lambda f: f)
import torchvision  # noqa: E402
torch.library.register_fake = _register_fake
import timm  # noqa: E402

IMAGE = (1, 3, 224, 224)
VIDEO = (1, 3, 16, 224, 224)
NAS = (1, 3, 331, 331)
tv, seg, video = torchvision.models, torchvision.models.segmentation, torchvision.models.video
MODELS = {
    "resnet18": (lambda: tv.resnet18(), IMAGE),
    "resnet50": (lambda: tv.resnet50(), IMAGE),
    "resnext50_32x4d": (lambda: tv.resnext50_32x4d(), IMAGE),
    "densenet121": (lambda: tv.densenet121(), IMAGE),
    "mobilenet_v2": (lambda: tv.mobilenet_v2(), IMAGE),
    "squeezenet1_1": (lambda: tv.squeezenet1_1(), IMAGE),
    "vit_b_16": (lambda: tv.vit_b_16(), IMAGE),
    "r2plus1d_18": (lambda: video.r2plus1d_18(), VIDEO),
    "s3d": (lambda: video.s3d(), VIDEO),
    "fcn_resnet50": (lambda: seg.fcn_resnet50(weights=None, weights_backbone=None), IMAGE),
    "deeplabv3_resnet50": (lambda: seg.deeplabv3_resnet50(weights=None, weights_backbone=None), IMAGE),
    "lraspp_mobilenet_v3_large": (
        lambda: seg.lraspp_mobilenet_v3_large(weights=None, weights_backbone=None), IMAGE),
    "nasnetalarge": (lambda: timm.create_model("nasnetalarge"), NAS),
    "pnasnet5large": (lambda: timm.create_model("pnasnet5large"), NAS),
}


def arg(node, index, name, default):
    if len(node.args) > index:
        return node.args[index]
    return node.kwargs.get(name, default)


def spatial(value, n):
    value = list(value) if isinstance(value, (list, tuple)) else [value]
    return value * n if len(value) == 1 else value


def window(node):
    """(weight name or None, attributes) of a convolution or pooling node, or None."""
    name = str(node.target)
    if ("conv" not in name and "pool" not in name) or not hasattr(node.args[0], "meta"):
        return None
    n = node.args[0].meta["val"].dim() - 2
    if "conv" in name and "transpose" not in name:
        w = node.args[1]
        stride, padding, dilation, groups = (arg(node, 3, "stride", 1), arg(node, 4, "padding", 0),
                                             arg(node, 5, "dilation", 1), arg(node, 6, "groups", 1))
        if isinstance(padding, str):
            return None
        kernel = list(w.meta["val"].shape[2:])
        pads = spatial(padding, n)
        return w.name, {"kernel": kernel, "strides": spatial(stride, n), "pads": pads + pads,
                        "dilations": spatial(dilation, n), "groups": groups}
    if "max_pool" in name or ("avg_pool" in name and "adaptive" not in name):
        kernel = spatial(node.args[1], n)
        stride = arg(node, 2, "stride", []) or kernel
        pads = spatial(arg(node, 3, "padding", 0), n)
        attributes = {"kernel": kernel, "strides": spatial(stride, n), "pads": pads + pads}
        if "max_pool" in name:
            attributes["dilations"] = spatial(arg(node, 4, "dilation", 1), n)
            ceil = arg(node, 5, "ceil_mode", False)
        else:
            ceil = arg(node, 4, "ceil_mode", False)
        if ceil:
            attributes["ceilMode"] = True
        return None, attributes
    return None


def output_size(size, k, s, p0, p1, d, ceil):
    span = size + p0 + p1 - d * (k - 1) - 1
    return (-(-span // s) if ceil else span // s) + 1


def annotate(path):
    with open(path) as f:
        graph = json.load(f)
    model = graph["name"]
    if model not in MODELS:
        print(f"{path}: no architecture to export, left as it is")
        return
    build, shape = MODELS[model]
    program = torch.export.export(build().eval(), (torch.randn(*shape),))
    operators = {o["name"]: o for o in graph["operators"]}
    shapes = {t["name"]: t.get("shape") for t in graph["tensors"]}
    written, skipped = 0, []
    for node in program.graph.nodes:
        if node.op != "call_function":
            continue
        found = window(node)
        if found is None:
            continue
        weight, attributes = found
        op = operators.get(node.name)
        if op is None or (weight is not None and weight not in op["inputs"]):
            skipped.append(node.name)
            continue
        x, y = shapes.get(op["inputs"][0]), shapes.get(op["outputs"][0])
        n = len(attributes["kernel"])
        d = attributes.get("dilations", [1] * n)
        pads = attributes["pads"]
        if x is None or y is None or any(
                output_size(x[2 + i], attributes["kernel"][i], attributes["strides"][i], pads[i], pads[n + i], d[i],
                            attributes.get("ceilMode", False)) != y[2 + i] for i in range(n)):
            skipped.append(node.name)
            continue
        op["attributes"] = attributes
        written += 1
    with open(path, "w") as f:
        json.dump(graph, f, indent=1, ensure_ascii=False)
    print(f"{path}: {written} windows written" + (f", not matched: {', '.join(skipped)}" if skipped else ""))


if __name__ == "__main__":
    for p in sys.argv[1:]:
        annotate(p)
