#!/usr/bin/env bash
# Regenerates Sources/COSMA/Import/onnx.pb.swift from proto/onnx.proto.
#
# proto/onnx.proto is the schema shipped in the `onnx` package on PyPI (Apache-2.0):
#   pip download --no-deps onnx && unzip -o onnx-*.whl onnx/onnx.proto
# protoc is Debian's protobuf-compiler; protoc-gen-swift builds from the swift-protobuf package
# at the version Package.swift resolves (a first build takes a few minutes, hence the committed
# output):
#   git clone https://github.com/apple/swift-protobuf && cd swift-protobuf &&
#   git checkout 1.39.0 && swift build -c release --product protoc-gen-swift
# Usage: scripts/generate-onnx.sh PATH/TO/protoc-gen-swift
set -euo pipefail
plugin=${1:?usage: scripts/generate-onnx.sh PATH/TO/protoc-gen-swift}
cd "$(dirname "$0")/.."
protoc --plugin="protoc-gen-swift=$plugin" --swift_out=Sources/COSMA/Import \
  --swift_opt=Visibility=Internal -I proto proto/onnx.proto
echo "wrote Sources/COSMA/Import/onnx.pb.swift"
