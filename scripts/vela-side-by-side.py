#!/usr/bin/env python3
"""COSMA and Arm's Vela on the same int8 networks, in one run on one machine.

For MobileNetV2 (1.0, 224), ResNet-50 and DenseNet-121 as Keras builds them (random weights: the
traffic does not depend on their values), converted to int8 TFLite with a random
representative set:

- Vela on an Ethos-U55 (Shared_Sram, activations all in SRAM): the SRAM it needs, the smaller of
  its Size and Performance strategies.
- Vela on an Ethos-U65 whose SRAM of S bytes is a cache (Dedicated_Sram, --arena-cache-size S):
  the activation bytes it moves to and from DRAM beyond what it moves with a 64 MiB cache (its
  reads of the input and writes of the output), the smaller of the two strategies.
- COSMA on the same TFLite graph (scripts/tflite-graph.py), weights in the scratchpad, in-place
  writes on, tiles where needed: `cosma optimize G --scratchpad S --in-place on --time-limit T`,
  every plan verified (decomposition included); its non-compulsory activation bytes and weight
  reloads.
- COSMA at Vela's U55 figure: whether it moves no non-compulsory activation byte there.

Needs tensorflow and ethos-u-vela (pip install tensorflow-cpu ethos-u-vela) in this Python, and
`make release`. Prints a Markdown table.

Usage: scripts/vela-side-by-side.py [--time-limit 60] [--work DIR] [--cosma PATH] [NETWORK ...]
"""
import argparse
import contextlib
import csv
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SIZES = [256 << 10, 512 << 10, 1 << 20, 2 << 20]
NETWORKS = ["mobilenet_v2", "resnet50", "densenet121"]


def build_tflite(network, path):
    """The Keras network as full-integer int8 TFLite, seeded."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import numpy as np
    import tensorflow as tf

    constructors = {
        "mobilenet_v2": tf.keras.applications.MobileNetV2,
        "resnet50": tf.keras.applications.ResNet50,
        "densenet121": tf.keras.applications.DenseNet121,
    }
    tf.keras.utils.set_random_seed(1)
    model = constructors[network](weights=None, input_shape=(224, 224, 3))

    def representative():
        rng = np.random.default_rng(1)
        for _ in range(4):
            yield [rng.uniform(-1, 1, (1, 224, 224, 3)).astype(np.float32)]

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    with contextlib.redirect_stdout(sys.stderr):  # the converter prints the model's signature
        flatbuffer = converter.convert()
    with open(path, "wb") as f:
        f.write(flatbuffer)


def vela(tflite, accelerator, system, memory_mode, optimise, cache=None):
    """Vela's summary row for one compilation."""
    out = tempfile.mkdtemp()
    args = [sys.executable, "-m", "ethosu.vela", tflite, "--accelerator-config", accelerator, "--config",
            "Arm/vela.ini", "--system-config", system, "--memory-mode", memory_mode, "--optimise", optimise,
            "--output-dir", out]
    if cache is not None:
        args += ["--arena-cache-size", str(cache)]
    subprocess.run(args, check=True, capture_output=True)
    summary = [f for f in os.listdir(out) if f.endswith(".csv")][0]
    with open(os.path.join(out, summary)) as f:
        return next(csv.DictReader(f))


def vela_u55_sram(tflite):
    rows = [vela(tflite, "ethos-u55-256", "Ethos_U55_High_End_Embedded", "Shared_Sram", o) for o in ("Size", "Performance")]
    return min(round(float(r["sram_memory_used"]) * 1024) for r in rows)


def vela_u65_dram(tflite, cache):
    rows = [vela(tflite, "ethos-u65-256", "Ethos_U65_High_End", "Dedicated_Sram", o, cache) for o in ("Size", "Performance")]
    return min(int(float(r["dram_feature_map_read_bytes"])) + int(float(r["dram_feature_map_write_bytes"])) for r in rows)


def cosma(binary, graph, scratchpad, limit):
    """Non-compulsory activation and weight bytes of COSMA's verified plan, and its wall time."""
    started = time.monotonic()
    p = subprocess.run([binary, "optimize", graph, "--scratchpad", str(scratchpad), "--in-place", "on",
                        "--time-limit", str(limit)], capture_output=True, text=True)
    seconds = time.monotonic() - started
    if p.returncode != 0:
        return None, None, seconds, (p.stderr.strip().splitlines() or ["failed"])[-1]
    report = p.stdout + p.stderr  # the summary is on standard error

    def field(name):
        m = re.search(rf"^\s*{name}\s+([\d,]+) B", report, re.M)
        return int(m.group(1).replace(",", "")) if m else 0
    if not re.search(r"^verified\s+yes", report, re.M):
        return None, None, seconds, "not verified"
    # The split into activations and weights is printed when anything moves.
    total, activations, weights = field("non-compulsory"), field("activations"), field("weights")
    if activations + weights != total:
        return None, None, seconds, "no activation / weight split printed"
    return activations, weights, seconds, None


def fmt(n):
    return "–" if n is None else f"{n:,}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("networks", nargs="*", default=NETWORKS)
    parser.add_argument("--time-limit", type=float, default=60)
    parser.add_argument("--work", default=None)
    parser.add_argument("--cosma", default=os.path.join(HERE, "..", ".build", "release", "cosma"))
    a = parser.parse_args()
    work = a.work or tempfile.mkdtemp()
    os.makedirs(work, exist_ok=True)
    print("| network | S | Vela U65 moves | COSMA activations | COSMA weight reloads | COSMA / Vela | COSMA time |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    smallest = []
    for network in a.networks:
        tflite = os.path.join(work, f"{network}.tflite")
        graph = os.path.join(work, f"{network}.json")
        if not os.path.exists(tflite):
            build_tflite(network, tflite)
        with open(graph, "w") as f:
            subprocess.run([sys.executable, os.path.join(HERE, "tflite-graph.py"), tflite, network], stdout=f, check=True)
        base = vela_u65_dram(tflite, 64 << 20)
        for s in SIZES:
            moved = vela_u65_dram(tflite, s) - base
            act, w, seconds, error = cosma(a.cosma, graph, s, a.time_limit)
            ratio = "–" if act is None or moved == 0 else f"{act / moved:.0%}"
            label = f"{s >> 10} KiB" if s < 1 << 20 else f"{s >> 20} MiB"
            print(f"| {network} | {label} | {fmt(moved)} | {fmt(act) if error is None else error} | {fmt(w)} | {ratio} | {seconds:.1f} s |",
                  flush=True)
        u55 = vela_u55_sram(tflite)
        act, w, seconds, error = cosma(a.cosma, graph, u55, a.time_limit)
        smallest.append((network, u55, act, w, seconds, error))
    print()
    print("| network | Vela U55 SRAM | COSMA activations at that size | COSMA weight reloads | COSMA time |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for network, u55, act, w, seconds, error in smallest:
        print(f"| {network} | {u55:,} | {fmt(act) if error is None else error} | {fmt(w)} | {seconds:.1f} s |")


if __name__ == "__main__":
    main()
