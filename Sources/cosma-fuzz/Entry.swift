import Foundation

#if FUZZING
  // Built with `-sanitize=fuzzer -D FUZZING` (`make fuzz`). SwiftPM makes this module's entry
  // point the program's `main`, so it hands control to libFuzzer's driver, which calls
  // `fuzzOneInput` with each input; COSMA_FUZZ_TARGET names the target.
  nonisolated(unsafe) private var target: FuzzTarget?

  @_extern(c, "LLVMFuzzerRunDriver")
  func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
  ) -> CInt

  @_cdecl("cosma_fuzz_main")
  func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { bytes, size in
      guard let bytes else { return 0 }
      return fuzzOneInput(bytes, size)
    }
  }

  func fuzzOneInput(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    if target == nil {
      let name = ProcessInfo.processInfo.environment["COSMA_FUZZ_TARGET"] ?? ""
      guard let t = FuzzTarget(rawValue: name) else {
        FileHandle.standardError.write(Data("set COSMA_FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
        exit(2)
      }
      target = t
    }
    target!.run(Data(bytes: bytes, count: count))
    return 0
  }
#else
  /// `cosma-fuzz TARGET FILE|FOLDER...`: runs every input through a fuzz target without the
  /// fuzzer (to replay the corpus or a crash); `make fuzz` builds the libFuzzer version.
  @main struct FuzzReplay {
    static func main() {
      let args = Array(CommandLine.arguments.dropFirst())
      guard let name = args.first, let target = FuzzTarget(rawValue: name), args.count >= 2 else {
        FileHandle.standardError.write(
          Data("usage: cosma-fuzz \(FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")) FILE|FOLDER...\n".utf8))
        exit(2)
      }
      var files: [String] = []
      for path in args.dropFirst() {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
          FileHandle.standardError.write(Data("error: \(path): no such file or folder\n".utf8))
          exit(2)
        }
        if isDirectory.boolValue {
          let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
          files += names.sorted().filter { !$0.hasPrefix(".") }.map { "\(path)/\($0)" }
        } else {
          files.append(path)
        }
      }
      for f in files {
        guard let data = FileManager.default.contents(atPath: f) else { continue }
        target.run(data)
      }
      print("\(target.rawValue): \(files.count) inputs, no crash")
    }
  }
#endif
