// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "COSMA",
  products: [
    .library(name: "COSMA", targets: ["COSMA"]),
    .library(name: "AcceleratorSim", targets: ["AcceleratorSim"]),
    .executable(name: "cosma", targets: ["cosma-cli"]),
    // The C library (include/cosma.h): libcosma-c.so.
    .library(name: "cosma-c", type: .dynamic, targets: ["CosmaC"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-protobuf", from: "1.28.0"),
  ],
  targets: [
    // The only code that includes <coin/...>; owns the process-wide solve mutex.
    .target(
      name: "CCbc",
      linkerSettings: [.linkedLibrary("CbcSolver"), .linkedLibrary("pthread")]
    ),
    // The cycle-approximate simulator: a leaf module that knows nothing of COSMA's planners.
    .target(name: "AcceleratorSim"),
    .target(
      name: "COSMA",
      dependencies: ["CCbc", "AcceleratorSim", .product(name: "SwiftProtobuf", package: "swift-protobuf")]
    ),
    .executableTarget(
      name: "cosma-cli",
      dependencies: [
        "COSMA", "AcceleratorSim",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // The C interface: functions exported with C names, declared in include/cosma.h.
    .target(name: "CosmaC", dependencies: ["COSMA", "AcceleratorSim"]),
    // Fuzz targets for every reader (`make fuzz` builds them with libFuzzer; plain builds replay
    // inputs: `cosma-fuzz graph Fuzz/corpus/graph`).
    .executableTarget(name: "cosma-fuzz", dependencies: ["COSMA"]),
    // The library embedded as a compiler would: `swift run embed-cosma` (run by `make test`).
    .executableTarget(name: "embed-cosma", dependencies: ["COSMA"], path: "Examples/EmbedCOSMA"),
    .testTarget(name: "AcceleratorSimTests", dependencies: ["AcceleratorSim"]),
    // Fixtures, the exhaustive search and a scripted solver, shared by the test targets.
    .target(name: "COSMATestSupport", dependencies: ["COSMA"], path: "Tests/COSMATestSupport"),
    .testTarget(
      name: "COSMATests",
      dependencies: ["COSMA", "COSMATestSupport", "AcceleratorSim", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
      exclude: ["../Fixtures"]
    ),
    .testTarget(name: "CLITests", dependencies: ["COSMA"]),
    // The layering of Sources/COSMA (README "Layout"): reads the sources, links nothing.
    .testTarget(name: "LayeringTests"),
  ]
)
