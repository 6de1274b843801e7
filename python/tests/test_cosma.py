"""The Python package against the command line: the same plans byte for byte, the same
budgets, the same error messages. Run by `make test` (python-test) on the library built by it."""
import os
import subprocess
import threading
from pathlib import Path

import pytest

import cosma

ROOT = Path(__file__).resolve().parents[2]
CLI = os.environ.get("COSMA_BIN", str(ROOT / ".build" / "debug" / "cosma"))


def cli(*args):
    return subprocess.run([CLI, *args], cwd=ROOT, capture_output=True, text=True)


def model(name):
    return str(ROOT / "Models" / f"{name}.json")


@pytest.mark.parametrize("name,scratchpad,weights", [
    ("resnet18", "MR", "scratchpad"),
    ("squeezenet1_1", "MR", "external"),
    ("mobilenet_v2", "MH", "scratchpad"),
])
def test_plan_equals_the_cli_plan_byte_for_byte(tmp_path, name, scratchpad, weights):
    out = tmp_path / "cli.plan.json"
    r = cli("optimize", model(name), "--scratchpad", scratchpad, "--weights", weights, "--time-limit", "20",
            "--deterministic", "-o", str(out))
    assert r.returncode == 0, r.stderr
    plan = cosma.optimize(model(name), scratchpad=scratchpad, weights=weights, time_limit=20, deterministic=True)
    assert plan.json == out.read_text(encoding="utf-8")
    assert plan.report["status"] == "optimal"
    assert plan.report["deterministic"] is True
    assert plan.report["nonCompulsoryBytes"] == plan.traffic["nonCompulsoryBytes"]


def test_onnx_path_and_bytes(tmp_path):
    onnx = ROOT / "Fuzz" / "corpus" / "onnx" / "tiny.onnx"
    out = tmp_path / "cli.plan.json"
    r = cli("optimize", str(onnx), "--scratchpad", "MR", "--deterministic", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert cosma.optimize(onnx, scratchpad="MR", deterministic=True).json == out.read_text(encoding="utf-8")
    # Bytes carry no file name: the graph is named by `name`.
    from_bytes = cosma.optimize(onnx.read_bytes(), scratchpad="MR", deterministic=True, name="tiny")
    assert from_bytes.json == out.read_text(encoding="utf-8")


def test_dict_graph_offsets_and_events():
    graph = {
        "format": "cosma-graph", "version": 1, "name": "pair",
        "tensors": [
            {"name": "x", "kind": "input", "bytes": 1024},
            {"name": "a", "kind": "activation", "bytes": 2048},
            {"name": "y", "kind": "output", "bytes": 1024},
        ],
        "operators": [
            {"name": "f", "type": "Conv", "inputs": ["x"], "outputs": ["a"]},
            {"name": "g", "type": "Relu", "inputs": ["a"], "outputs": ["y"]},
        ],
    }
    plan = cosma.optimize(graph, scratchpad=4096, alignment=1, time_limit=5)
    assert [e["operator"] for e in plan.events if e["event"] == "run"] == ["f", "g"]
    assert set(plan.offsets) == {"x", "a", "y"}
    # x and a are live together, then a and y: neither pair overlaps.
    x, a, y = plan.offsets["x"][0], plan.offsets["a"][0], plan.offsets["y"][0]
    assert x + 1024 <= a or a + 2048 <= x
    assert y + 1024 <= a or a + 2048 <= y
    assert plan.report["nonCompulsoryBytes"] == 0


def test_budgets_equal_the_cli():
    r = cli("budgets", model("resnet18"), "--weights", "external")
    assert r.returncode == 0, r.stderr
    printed = dict(line.split() for line in r.stdout.splitlines())
    b = cosma.budgets(model("resnet18"), weights="external")
    assert {k: b[k] for k in printed} == {k: int(v) for k, v in printed.items()}


def message_of(result):
    assert result.stderr.startswith("error: "), result.stderr
    return result.stderr[len("error: "):].strip()


def test_errors_have_the_cli_messages(tmp_path):
    truncated = tmp_path / "truncated.json"
    truncated.write_text('{"format": "cosma-graph", "version": 1', encoding="utf-8")
    cases = [
        (cosma.BadInputError, [str(truncated)], {}),
        (cosma.BadInputError, [str(tmp_path / "missing.json")], {}),
        (cosma.DoesNotFitError, [model("resnet18"), "--scratchpad", "1000"], {"scratchpad": 1000}),
    ]
    for error, args, options in cases:
        r = cli("optimize", *args)
        assert r.returncode == error.status
        with pytest.raises(error) as raised:
            cosma.optimize(args[0], **options)
        assert str(raised.value) == message_of(r)
    with pytest.raises(cosma.BadInputError, match="no preset .no-such-npu."):
        cosma.budgets(model("resnet18"), accelerator="no-such-npu")
    with pytest.raises(cosma.BadInputError, match="timeLimit"):
        cosma.optimize(model("resnet18"), time_limit=float("nan"))
    with pytest.raises(cosma.BadInputError, match="planner"):
        cosma.optimize(model("resnet18"), planner="magic")
    with pytest.raises(cosma.BadInputError, match="seed"):
        cosma.optimize(model("resnet18"), seed=-1)
    with pytest.raises(cosma.BadInputError):
        cosma.optimize(b"\x00\x01 not a model")


def test_allocate():
    sizes, starts, ends = [4096, 2048, 2048, 8192, 1024], [0, 1, 2, 3, 0], [3, 4, 5, 6, 6]
    smallest = cosma.allocate(sizes, starts, ends, alignment=64)
    assert smallest.capacity == 13312  # the peak of live bytes, at step 3
    for i in range(5):
        for j in range(i + 1, 5):
            if starts[i] < ends[j] and starts[j] < ends[i]:
                oi, oj = smallest.offsets[i], smallest.offsets[j]
                assert oi + sizes[i] <= oj or oj + sizes[j] <= oi
    assert cosma.allocate(sizes, starts, ends, capacity=16384).capacity == 16384
    with pytest.raises(cosma.NotPlacedError):
        cosma.allocate(sizes, starts, ends, capacity=13311)
    with pytest.raises(cosma.BadInputError):
        cosma.allocate([1], [5], [2])  # an empty lifetime
    with pytest.raises(cosma.BadInputError):
        cosma.allocate([1, 2], [0], [1])


def test_progress_cancellation_and_threads():
    lines = []
    plan = cosma.optimize(model("resnet18"), scratchpad="MR", time_limit=10, progress=lines.append)
    assert any("baseline" in line for line in lines)
    stop = cosma.Cancellation()
    stop.cancel()
    cancelled = cosma.optimize(model("mobilenet_v2"), scratchpad="MR", time_limit=10, cancellation=stop)
    assert cancelled.report["termination"] in ("cancelled", "optimal")
    # Two plans from two threads at once: the results a lone call gives.
    results = {}

    def run(k):
        results[k] = cosma.optimize(model("resnet18"), scratchpad="MR", time_limit=10).report["nonCompulsoryBytes"]

    threads = [threading.Thread(target=run, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {0: plan.report["nonCompulsoryBytes"], 1: plan.report["nonCompulsoryBytes"]}
