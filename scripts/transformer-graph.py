#!/usr/bin/env python3
"""Writes a transformer's graph in the cosma-graph format from its published shapes, one byte per
element (int8), as an accelerator compiler sees it after torch.export: activations fused into the
matrix product that feeds them, views folded away, one tensor per operator output.

Architectures (--arch):
  bert-base     BERT-base encoder (Devlin et al. 2019): 12 layers, d_model 768, 12 heads, feed-
                forward 3072, post-norm, separate query, key and value projections.
  gpt2-small    GPT-2 small decoder (Radford et al. 2019): 12 layers, d_model 768, 12 heads,
                feed-forward 3072, pre-norm, one fused QKV projection split in three, causal
                attention, final layer norm.
  llama-block   One decoder block with TinyLlama-1.1B's shapes (Zhang et al. 2024): d_model 2048,
                32 query heads and 4 key-value heads of 64 (grouped-query attention), SwiGLU
                feed-forward 5632, RMS norm, rotary embeddings.

The graph starts at the embedded sequence (token embeddings are a gather, not a matrix product,
and their tables dwarf the layers) and ends at the last hidden state (no pooler, no language-model
head). Attention is one `scaled_dot_product_attention` operator by default (what torch.export
writes, and what a fused attention kernel runs); --attention explicit writes the score matrix,
its softmax (with its `axis`) and the second product as operators of their own, so that the
heads x S x S scores are tensors the plan must hold. Activations are `[1, S, F]` (batch, sequence,
features), so that tiles can split them along the sequence.

Usage: scripts/transformer-graph.py --arch bert-base --seq 128 [--layers N] [--attention fused|explicit] > graph.json
"""
import argparse
import json
import sys

ARCHS = {
    "bert-base": dict(d=768, heads=12, kv_heads=12, ff=3072, layers=12, norm="post"),
    "gpt2-small": dict(d=768, heads=12, kv_heads=12, ff=3072, layers=12, norm="pre"),
    "llama-block": dict(d=2048, heads=32, kv_heads=4, ff=5632, layers=1, norm="pre"),
}


class Graph:
    def __init__(self):
        self.tensors = []
        self.operators = []
        self.names = set()

    def tensor(self, name, kind, shape):
        assert name not in self.names, name
        self.names.add(name)
        size = 1
        for d in shape:
            size *= d
        self.tensors.append({"name": name, "kind": kind, "bytes": size, "shape": shape, "dtype": "int8"})
        return name

    def weight(self, name, shape):
        return self.tensor(name, "weight", shape)

    def op(self, name, type_, inputs, outputs, macs=None, attributes=None):
        o = {"name": name, "type": type_, "inputs": inputs, "outputs": outputs}
        if macs:
            o["macs"] = macs
        if attributes:
            o["attributes"] = attributes
        self.operators.append(o)


def build(arch, seq, layers, attention):
    a = ARCHS[arch]
    d, heads, kv_heads, ff = a["d"], a["heads"], a["kv_heads"], a["ff"]
    head = d // heads
    kv = kv_heads * head
    g = Graph()
    x = g.tensor("hidden", "input", [1, seq, d])
    llama = arch == "llama-block"
    causal = arch != "bert-base"

    def linear(name, src, n_in, n_out, act=None, out_kind="activation"):
        w = g.weight(f"{name}.weight", [n_out, n_in])
        inputs = [src, w]
        if not llama:
            inputs.append(g.weight(f"{name}.bias", [n_out]))
        y = g.tensor(act or name, out_kind, [1, seq, n_out])
        g.op(name, "linear", inputs, [y], macs=seq * n_in * n_out)
        return y

    def norm(name, src):
        if llama:
            y = g.tensor(name, "activation", [1, seq, d])
            g.op(name, "rms_norm", [src, g.weight(f"{name}.weight", [d])], [y])
        else:
            y = g.tensor(name, "activation", [1, seq, d])
            g.op(name, "layer_norm", [src, g.weight(f"{name}.weight", [d]), g.weight(f"{name}.bias", [d])], [y])
        return y

    def add(name, p, q, kind="activation"):
        y = g.tensor(name, kind, [1, seq, d])
        g.op(name, "add", [p, q], [y])
        return y

    def attend(p, q, k, v):
        if attention == "fused":
            y = g.tensor(f"{p}.attention", "activation", [1, seq, d])
            heads_attr = {"heads": heads} if kv_heads == heads else {"heads": heads, "kvHeads": kv_heads}
            g.op(f"{p}.attention", "scaled_dot_product_attention", [q, k, v], [y], macs=2 * heads * seq * seq * head,
                 attributes=heads_attr)
            return y
        s = g.tensor(f"{p}.scores", "activation", [heads, seq, seq])
        g.op(f"{p}.scores", "matmul", [q, k], [s], macs=heads * seq * seq * head)
        pr = g.tensor(f"{p}.probs", "activation", [heads, seq, seq])
        g.op(f"{p}.softmax", "softmax", [s], [pr], attributes={"axis": 2})
        y = g.tensor(f"{p}.context", "activation", [1, seq, d])
        g.op(f"{p}.context", "matmul", [pr, v], [y], macs=heads * seq * seq * head)
        return y

    for i in range(layers):
        p = f"layer{i}"
        last = i == layers - 1
        h = norm(f"{p}.norm1", x) if a["norm"] == "pre" else x
        if arch == "gpt2-small":
            qkv = g.tensor(f"{p}.qkv", "activation", [1, seq, 3 * d])
            g.op(f"{p}.qkv", "linear", [h, g.weight(f"{p}.qkv.weight", [3 * d, d]), g.weight(f"{p}.qkv.bias", [3 * d])],
                 [qkv], macs=seq * d * 3 * d)
            q, k, v = (g.tensor(f"{p}.{n}", "activation", [1, seq, d]) for n in "qkv")
            g.op(f"{p}.split", "split", [qkv], [q, k, v])
        else:
            q = linear(f"{p}.q", h, d, d)
            k = linear(f"{p}.k", h, d, kv)
            v = linear(f"{p}.v", h, d, kv)
        if llama:
            rope = g.weight(f"{p}.rope", [seq, head])
            qr = g.tensor(f"{p}.q_rotary", "activation", [1, seq, d])
            g.op(f"{p}.q_rotary", "rotary", [q, rope], [qr])
            kr = g.tensor(f"{p}.k_rotary", "activation", [1, seq, kv])
            g.op(f"{p}.k_rotary", "rotary", [k, rope], [kr])
            q, k = qr, kr
        ctx = attend(p, q, k, v)
        o = linear(f"{p}.out", ctx, d, d)
        x1 = add(f"{p}.residual1", x, o)
        if a["norm"] == "post":
            x1 = norm(f"{p}.norm1", x1)
            f1 = linear(f"{p}.ff1", x1, d, ff, act=f"{p}.gelu")
            f2 = linear(f"{p}.ff2", f1, ff, d)
            x = norm(f"{p}.norm2", add(f"{p}.residual2", x1, f2))
            if last:
                next(t for t in g.tensors if t["name"] == x)["kind"] = "output"
        else:
            h2 = norm(f"{p}.norm2", x1)
            if llama:
                gate = linear(f"{p}.gate", h2, d, ff, act=f"{p}.silu")
                up = linear(f"{p}.up", h2, d, ff)
                m = g.tensor(f"{p}.swiglu", "activation", [1, seq, ff])
                g.op(f"{p}.swiglu", "mul", [gate, up], [m])
                f2 = linear(f"{p}.down", m, ff, d)
            else:
                f1 = linear(f"{p}.ff1", h2, d, ff, act=f"{p}.gelu")
                f2 = linear(f"{p}.ff2", f1, ff, d)
            # The last hidden state is the graph's output (GPT-2 normalizes it once more).
            x = add(f"{p}.residual2", x1, f2, kind="output" if last and llama else "activation")
    if arch == "gpt2-small":
        y = g.tensor("final_norm", "output", [1, seq, d])
        g.op("final_norm", "layer_norm", [x, g.weight("final_norm.weight", [d]), g.weight("final_norm.bias", [d])], [y])
    return g


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--arch", choices=sorted(ARCHS), required=True)
    ap.add_argument("--seq", type=int, default=128, help="sequence length (128 to 2048 in the bench)")
    ap.add_argument("--layers", type=int, help="layers (default: the architecture's)")
    ap.add_argument("--attention", choices=["fused", "explicit"], default="fused")
    ap.add_argument("--name", help="graph name (default: from the architecture and length)")
    args = ap.parse_args()
    if args.seq < 1 or (args.layers is not None and args.layers < 1):
        sys.exit("error: --seq and --layers must be positive")
    layers = args.layers or ARCHS[args.arch]["layers"]
    g = build(args.arch, args.seq, layers, args.attention)
    name = args.name or f"{args.arch.replace('-', '_')}_s{args.seq}"
    command = f"scripts/transformer-graph.py --arch {args.arch} --seq {args.seq}"
    if args.layers:
        command += f" --layers {args.layers}"
    if args.attention != "fused":
        command += f" --attention {args.attention}"
    doc = {
        "format": "cosma-graph",
        "version": 1,
        "name": name,
        "source": f"{command}: {args.arch} from published shapes, {layers} layer(s), sequence {args.seq}, "
        f"{args.attention} attention, int8 (1 byte per element)",
        "tensors": g.tensors,
        "operators": g.operators,
    }
    json.dump(doc, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
