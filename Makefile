# COSMA — set-up, build, run and test on a fresh Debian machine with Swift installed.
#
#   make run    installs CBC if missing, builds, and optimizes a bundled model
#   make test   installs CBC if missing, and runs the test suite
#   make lint   checks the layering of Sources/COSMA (README "Layout")
#   make lib    builds the C library (include/cosma.h); pip install ./python the Python package
#   make fuzz   runs every file reader under libFuzzer (FUZZ_SECONDS each)
#   make bench  runs the full evaluation (README "Results"); make bench-quick a subset;
#               make bench-tiles below M_R; make bench-alloc the allocation suites;
#               make bench-vela COSMA beside Arm's Vela (needs tensorflow, ethos-u-vela)
#
# Long sweeps run with COSMA_LONG_TESTS=1 make test.

SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
MODEL ?= Models/resnet50.json
BUDGET ?= MR

.PHONY: all deps build release run test lint lib c-example c-leak-check python-test fuzz bench bench-tiles bench-vela bench-alloc bench-quick clean

all: build

# COIN-OR CBC 2.10 from Debian (headers in /usr/include/coin, libCbcSolver).
deps:
	@if [ ! -f /usr/include/coin/Cbc_C_Interface.h ]; then \
	  echo "==> installing COIN-OR CBC (coinor-libcbc-dev) with apt-get"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq coinor-libcbc-dev coinor-libclp-dev >/dev/null; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product cosma

run: release
	.build/release/cosma optimize $(MODEL) --scratchpad $(BUDGET) -o resnet50.plan.json
	.build/release/cosma verify $(MODEL) resnet50.plan.json

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test
	$(SWIFT) run embed-cosma
	$(MAKE) c-example python-test
	@if [ -n "$$COSMA_LONG_TESTS" ]; then $(MAKE) c-leak-check fuzz; fi

# The C library (include/cosma.h) in release: .build/release/libcosma-c.so.
lib: deps
	$(SWIFT) build -c release --product cosma-c

# The C example (Examples/c/plan.c), compiled with the system C compiler against the library of
# the test build, and run.
C_EXAMPLE = .build/plan-c
c-example: deps
	$(SWIFT) build --product cosma-c
	$(CC) -std=c11 -Wall -Wextra -Werror -o $(C_EXAMPLE) Examples/c/plan.c -Iinclude -L.build/debug -lcosma-c \
	  -Wl,-rpath,$(CURDIR)/.build/debug
	$(C_EXAMPLE) Models/resnet18.json '{"scratchpad": "MR", "timeLimit": 10}'

# The C example under AddressSanitizer and LeakSanitizer: no leak (every string the library
# returns is freed), no invalid access (long tests). Valgrind 3.19 cannot read the Swift
# toolchain's debug information.
c-leak-check: c-example
	$(CC) -std=c11 -g -fsanitize=address -o $(C_EXAMPLE)-asan Examples/c/plan.c -Iinclude -L.build/debug -lcosma-c \
	  -Wl,-rpath,$(CURDIR)/.build/debug
	ASAN_OPTIONS=detect_leaks=1 $(C_EXAMPLE)-asan Models/squeezenet1_1.json '{"scratchpad": "MR", "timeLimit": 10}' > /dev/null
	ASAN_OPTIONS=detect_leaks=1 $(C_EXAMPLE)-asan Models/mobilenet_v2.json '{"scratchpad": "256KiB", "weights": "external", "timeLimit": 10}' > /dev/null
	@echo "c-leak-check: no leak, no invalid access"

# The Python package (python/), installed into a virtual environment from the checkout with the
# test build's library, its pytest suite, and the ONNX example (pip installs onnx if missing).
VENV = .build/venv
python-test: deps
	$(SWIFT) build --product cosma-c
	$(SWIFT) build --product cosma
	test -x $(VENV)/bin/python || python3 -m venv --system-site-packages $(VENV)
	$(VENV)/bin/python -c "import pytest, wheel, setuptools" 2>/dev/null || $(VENV)/bin/pip install -q pytest wheel setuptools
	COSMA_LIBRARY=$(CURDIR)/.build/debug/libcosma-c.so $(VENV)/bin/pip install -q --no-build-isolation ./python
	cd python && ../$(VENV)/bin/python -m pytest -q tests
	$(VENV)/bin/python -c "import onnx" 2>/dev/null || $(VENV)/bin/pip install -q onnx
	$(VENV)/bin/python python/examples/onnx_model.py

# Every reader under libFuzzer (Swift's -sanitize=fuzzer), FUZZ_SECONDS each, from Fuzz/corpus;
# crashing inputs go to Fuzz/crashes/. COSMA_LONG_TESTS=1 make test runs it too. (The toolchain's
# lld links it: gold fails on the instrumented objects.)
FUZZ_SECONDS ?= 60
fuzz: deps
	$(SWIFT) build -c release --build-path .build/fuzz --product cosma-fuzz -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING \
	  -Xswiftc -enable-experimental-feature -Xswiftc Extern -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld
	scripts/fuzz.sh $(FUZZ_SECONDS)

# The layering lint alone: a file of a low layer that uses a name of a higher one fails it.
lint:
	$(SWIFT) test --filter LayeringTests

# The evaluation of README "Results": every model x MR/MH/MP x both weights modes, the four
# baselines and the automatic planner (60 s each on the machine's two cores: the time and the
# machine the quality targets are set for), one process at a time; writes bench/.
bench: release bench-alloc
	.build/release/cosma bench Models --tiers MR,MH,MP --weights scratchpad,external \
	  --planners auto --time-limit 60 --jobs 1 -o bench

# Below M_R: every model at NPU scratchpad sizes, operators split into tiles, with weights
# external and then in the scratchpad. Models that cannot fit a size even split (below M_T) are
# recorded as failed rows and bench exits 4 after writing every result, which is this target's
# expected outcome.
bench-tiles: release
	.build/release/cosma bench Models --tiers 2MiB,1MiB,512KiB,256KiB --weights external \
	  --planners auto --time-limit 30 --jobs 2 -o bench/tiles || test $$? -eq 4
	.build/release/cosma bench Models --tiers 2MiB,1MiB,512KiB,256KiB --weights scratchpad \
	  --planners auto --time-limit 30 --jobs 2 -o bench/tiles-scratchpad || test $$? -eq 4

# COSMA and Arm's Vela on the same int8 networks (Keras-built, converted to TFLite), in one run:
# needs tensorflow and ethos-u-vela in VELA_PYTHON (pip install tensorflow-cpu ethos-u-vela).
VELA_PYTHON ?= python3
bench-vela: release
	@if $(VELA_PYTHON) -c "import tensorflow, ethosu.vela" 2>/dev/null; then \
	  $(VELA_PYTHON) scripts/vela-side-by-side.py --time-limit 60 --work bench/vela-models > bench/vela.md && cat bench/vela.md; \
	else echo "tensorflow and ethos-u-vela are not installed for $(VELA_PYTHON): no Vela table (pip install tensorflow-cpu ethos-u-vela, or set VELA_PYTHON)"; fi

# The MiniMalloc challenging suite (offset allocation), each placement checked independently,
# then generated instances of 10k, 100k and 1M buffers in the smallest arena (10 s each), then,
# when omnimalloc imports, its SuperMalloc and greedy by size on the same instances.
OMNIMALLOC_PYTHON ?= python3
bench-alloc: release
	mkdir -p bench
	scripts/minimalloc-table.sh > bench/minimalloc.md
	cat bench/minimalloc.md
	scripts/allocation-scale.sh bench/allocation-instances > bench/allocation-scale.md
	cat bench/allocation-scale.md
	@if $(OMNIMALLOC_PYTHON) -c "import omnimalloc" 2>/dev/null; then \
	  $(OMNIMALLOC_PYTHON) scripts/peer-allocators.py 10 benchmarks/minimalloc/*.csv \
	    bench/allocation-instances/scale-10000-*[0-9].csv bench/allocation-instances/scale-100000-*[0-9].csv \
	    > bench/allocation-peers.md && cat bench/allocation-peers.md; \
	else echo "omnimalloc is not installed for $(OMNIMALLOC_PYTHON): no peer table (pip install omnimalloc, or set OMNIMALLOC_PYTHON)"; fi

# A few minutes: four small models at MR and MH.
bench-quick: release
	.build/release/cosma bench Models/resnet18.json Models/squeezenet1_1.json Models/mobilenet_v2.json \
	  Models/resnet50.json --tiers MR,MH --planners auto --time-limit 20 --jobs 2 -o bench-quick

clean:
	rm -rf .build resnet50.plan.json
