"""COSMA from Python: plan a neural network for an accelerator's scratchpad, place buffers at
offsets, and compute a graph's budget tiers.

    import cosma
    plan = cosma.optimize("resnet18.json", scratchpad="MR", weights="external", time_limit=10)
    print(plan.report["nonCompulsoryBytes"], plan.offsets["relu_"])

The work is done by COSMA's C library (libcosma-c.so), loaded with ctypes: the package has no
dependency beyond the standard library. Every error the command line reports is raised as a
`CosmaError` subclass with the same message.
"""
from __future__ import annotations

import ctypes
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

__all__ = [
    "optimize", "allocate", "budgets", "Plan", "Allocation", "Cancellation",
    "CosmaError", "BadInputError", "DoesNotFitError", "NotPlacedError", "InternalError", "API_VERSION",
]

API_VERSION = 1

Graph = Union[dict, str, os.PathLike, bytes]


class CosmaError(Exception):
    """An error from COSMA; `status` is the command line's exit code for it."""

    status = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotPlacedError(CosmaError):
    """allocate: the buffers do not fit the capacity, or were not placed within the time limit."""
    status = 1


class BadInputError(CosmaError):
    """A graph, option or argument breaks its format or rules."""
    status = 2


class DoesNotFitError(CosmaError):
    """The scratchpad is below what the graph needs (M_R, or M_T with tiles)."""
    status = 3


class InternalError(CosmaError):
    """A bug in COSMA (a plan the verifier rejected)."""
    status = 70


_ERRORS = {1: NotPlacedError, 2: BadInputError, 3: DoesNotFitError, 70: InternalError}


def _library_path() -> str:
    explicit = os.environ.get("COSMA_LIBRARY")
    if explicit:
        return explicit
    here = Path(__file__).resolve().parent
    shipped = here / "_lib" / "libcosma-c.so"
    if shipped.exists():
        return str(shipped)
    # Run from a checkout (PYTHONPATH=python) after `make lib`.
    for build in ("release", "debug"):
        candidate = here.parent.parent / ".build" / build / "libcosma-c.so"
        if candidate.exists():
            return str(candidate)
    raise ImportError("libcosma-c.so not found: install the package with pip from a COSMA checkout, "
                      "or set COSMA_LIBRARY to a built library (swift build -c release --product cosma-c)")


_lib = ctypes.CDLL(_library_path())
_char_pp = ctypes.POINTER(ctypes.c_void_p)
_PROGRESS = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_void_p)
_lib.cosma_api_version.restype = ctypes.c_int
_lib.cosma_free.argtypes = [ctypes.c_void_p]
_lib.cosma_cancel_create.restype = ctypes.c_void_p
_lib.cosma_cancel_request.argtypes = [ctypes.c_void_p]
_lib.cosma_cancel_destroy.argtypes = [ctypes.c_void_p]
_lib.cosma_plan.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, _PROGRESS, ctypes.c_void_p,
                            ctypes.c_void_p, _char_pp, _char_pp, _char_pp]
_lib.cosma_plan.restype = ctypes.c_int
_lib.cosma_budgets.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, _char_pp, _char_pp]
_lib.cosma_budgets.restype = ctypes.c_int
_i64p = ctypes.POINTER(ctypes.c_int64)
_lib.cosma_allocate.argtypes = [ctypes.c_size_t, _i64p, _i64p, _i64p, ctypes.c_int64, ctypes.c_int64,
                                ctypes.c_double, _i64p, _i64p, _char_pp]
_lib.cosma_allocate.restype = ctypes.c_int

if _lib.cosma_api_version() != API_VERSION:
    raise ImportError(f"libcosma-c implements interface version {_lib.cosma_api_version()}, "
                      f"this package wants {API_VERSION}")


def _take(p: ctypes.c_void_p) -> Optional[str]:
    """The text of a string the library returned, released."""
    if not p.value:
        return None
    try:
        return ctypes.string_at(p.value).decode("utf-8")
    finally:
        _lib.cosma_free(p.value)


def _check(status: int, error: ctypes.c_void_p) -> None:
    message = _take(error)
    if status != 0:
        raise _ERRORS.get(status, CosmaError)(message or f"COSMA failed with status {status}")


def _graph_bytes(graph: Graph) -> bytes:
    if isinstance(graph, dict):
        return json.dumps(graph).encode("utf-8")
    if isinstance(graph, (bytes, bytearray)):
        return bytes(graph)
    if isinstance(graph, (str, os.PathLike)):
        path = os.fspath(graph)
        if not os.path.exists(path):
            raise BadInputError(f"{path}: no such file")
        if os.path.isdir(path):
            raise BadInputError(f"{path}: is a directory, not a file")
        try:
            return Path(path).read_bytes()
        except OSError as e:
            raise BadInputError(f"{path}: cannot be read ({e.strerror})") from None
    raise TypeError("graph must be a dict, a path to a .json or .onnx file, or bytes")


def _source(graph: Graph, name: Optional[str]) -> Dict[str, Optional[str]]:
    """For a path: the file name in error messages, and an ONNX model's name (its stem), as the
    command line does."""
    if isinstance(graph, (str, os.PathLike)):
        path = os.fspath(graph)
        stem = Path(path).stem if path.lower().endswith(".onnx") else None
        return {"source": path, "name": name or stem}
    return {"source": None, "name": name}


def _options(**given: Any) -> bytes:
    names = {"time_limit": "timeLimit", "in_place": "inPlace", "element_bytes": "elementBytes"}
    options = {names.get(k, k): v for k, v in given.items() if v is not None}
    for key, value in options.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise BadInputError(f"options: {key}: must be a finite number, got {value}")
    return json.dumps(options).encode("utf-8")


class Cancellation:
    """Stops a running `optimize` between stages, from another thread: it then returns its best
    verified plan with report["termination"] == "cancelled"."""

    def __init__(self) -> None:
        self._handle = _lib.cosma_cancel_create()

    def cancel(self) -> None:
        _lib.cosma_cancel_request(self._handle)

    def __del__(self) -> None:
        handle, self._handle = getattr(self, "_handle", None), None
        if handle:
            _lib.cosma_cancel_destroy(handle)


@dataclass
class Plan:
    """A verified plan: `json` is the cosma-plan file (SPEC.md §4), byte for byte what
    `cosma optimize -o` writes; `events` its program; `offsets` the scratchpad offsets each tensor
    takes, in the order it takes them (a tensor reloaded elsewhere has several); `report` how it
    was found (status, traffic, bound, gap, seconds, ...)."""

    json: str
    report: Dict[str, Any]

    @property
    def document(self) -> Dict[str, Any]:
        return json.loads(self.json)

    @property
    def events(self) -> List[Dict[str, Any]]:
        return self.document["events"]

    @property
    def traffic(self) -> Dict[str, int]:
        return self.document["traffic"]

    @property
    def offsets(self) -> Dict[str, List[int]]:
        placed: Dict[str, List[int]] = {}
        for e in self.events:
            if "offset" in e:
                placed.setdefault(e["tensor"], []).append(e["offset"])
        return placed

    def write(self, path: Union[str, os.PathLike]) -> None:
        Path(path).write_text(self.json, encoding="utf-8")


def optimize(graph: Graph, *, scratchpad: Union[str, int, None] = None, weights: Optional[str] = None,
             planner: Optional[str] = None, time_limit: Optional[float] = None, gap: Optional[float] = None,
             deterministic: Optional[bool] = None, accelerator: Union[str, dict, None] = None,
             alignment: Optional[int] = None, in_place: Optional[bool] = None, tiling: Optional[str] = None,
             element_bytes: Optional[int] = None, name: Optional[str] = None, seed: Optional[int] = None,
             progress: Optional[Callable[[str], None]] = None, cancellation: Optional[Cancellation] = None) -> Plan:
    """Plans `graph` (a cosma-graph dict, a .json or .onnx path, or the file's bytes), as
    `cosma optimize` does with the same flags: `scratchpad` in bytes or a tier ("MR", "MH", "MP";
    the accelerator's, by default MH), `weights` "scratchpad" or "external", `planner` ("auto",
    "ilp", "divide-and-conquer", a baseline), `time_limit` in seconds (60), `gap`, `deterministic`
    (the limit counts work: the same plan on any machine), `seed` (the order search's, 0 or more:
    another seed is another draw of it), `accelerator` (a preset name or a cosma-accelerator
    dict), `alignment`, `in_place`, `tiling` ("auto", "off", "always").
    `progress` receives one line per planning event. Raises `DoesNotFitError` below the graph's
    smallest scratchpad and `BadInputError` for bad input."""
    data = _graph_bytes(graph)
    options = _options(scratchpad=scratchpad, weights=weights, planner=planner, time_limit=time_limit, gap=gap,
                       deterministic=deterministic, seed=seed, accelerator=accelerator, alignment=alignment,
                       in_place=in_place, tiling=tiling, element_bytes=element_bytes, **_source(graph, name))
    callback = _PROGRESS(lambda line, _: progress(line.decode("utf-8"))) if progress else _PROGRESS()
    plan, report, error = ctypes.c_void_p(), ctypes.c_void_p(), ctypes.c_void_p()
    status = _lib.cosma_plan(data, len(data), options, callback, None,
                             cancellation._handle if cancellation else None,
                             ctypes.byref(plan), ctypes.byref(report), ctypes.byref(error))
    plan_text, report_text = _take(plan), _take(report)
    _check(status, error)
    return Plan(json=plan_text, report=json.loads(report_text))


def budgets(graph: Graph, *, weights: Optional[str] = None, alignment: Optional[int] = None,
            in_place: Optional[bool] = None, accelerator: Union[str, dict, None] = None,
            time_limit: Optional[float] = None, element_bytes: Optional[int] = None,
            name: Optional[str] = None) -> Dict[str, int]:
    """The budget tiers of `graph`, as `cosma budgets` prints them: MR, MH, MP (MPLowerBound
    equals it when proven within `time_limit`, 10 s by default), MT, and MI with `in_place`."""
    data = _graph_bytes(graph)
    options = _options(weights=weights, alignment=alignment, in_place=in_place, accelerator=accelerator,
                       time_limit=time_limit, element_bytes=element_bytes, **_source(graph, name))
    result, error = ctypes.c_void_p(), ctypes.c_void_p()
    status = _lib.cosma_budgets(data, len(data), options, ctypes.byref(result), ctypes.byref(error))
    text = _take(result)
    _check(status, error)
    return json.loads(text)


@dataclass
class Allocation:
    """Offsets, one per buffer in input order, and the capacity they were placed in."""

    offsets: List[int]
    capacity: int


def allocate(sizes: Sequence[int], starts: Sequence[int], ends: Sequence[int], *, capacity: Optional[int] = None,
             alignment: int = 1, time_limit: float = 10.0) -> Allocation:
    """Places buffer i, live over [starts[i], ends[i]) with sizes[i] bytes, so that buffers live
    at the same time never overlap: within `capacity`, or in the smallest capacity found when it
    is None. Raises `NotPlacedError` when they do not fit, `BadInputError` for bad input."""
    n = len(sizes)
    if len(starts) != n or len(ends) != n:
        raise BadInputError(f"sizes, starts and ends must have the same length ({n}, {len(starts)}, {len(ends)})")
    try:
        arrays = [(ctypes.c_int64 * n)(*values) for values in (sizes, starts, ends)]
    except (TypeError, OverflowError) as e:
        raise BadInputError(f"sizes, starts and ends must be 64-bit integers ({e})") from None
    offsets = (ctypes.c_int64 * n)()
    used = ctypes.c_int64()
    error = ctypes.c_void_p()
    status = _lib.cosma_allocate(n, *arrays, alignment, capacity or 0, float(time_limit), offsets,
                                 ctypes.byref(used), ctypes.byref(error))
    _check(status, error)
    return Allocation(offsets=list(offsets), capacity=used.value)
