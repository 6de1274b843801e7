import Foundation

/// Writes `text` to `path`, safely for what is already there.
///
/// - A regular file, or nothing: a temporary file renamed over it, so that a reader never sees a
///   half-written file.
/// - A symbolic link: the same, at the file the link names (the link stays).
/// - A device or a FIFO (`/dev/null`, `/dev/stdout`, a pipe): written in place; never replaced
///   by a regular file.
/// - A directory, or anything that cannot be written (a full device, a missing folder, no
///   permission): an ``InputError`` naming the path.
public func writeTextFile(_ text: String, to path: String) throws {
  func fail(_ rule: String) -> InputError { InputError(file: path, element: "output", rule: rule) }
  let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
  let type = (try? FileManager.default.attributesOfItem(atPath: target))?[.type] as? FileAttributeType
  switch type {
  case .typeDirectory?:
    throw fail("is a directory")
  case let t? where t != .typeRegular:
    guard let handle = FileHandle(forWritingAtPath: target) else { throw fail("cannot be opened for writing") }
    defer { try? handle.close() }
    do {
      try handle.write(contentsOf: Data(text.utf8))
    } catch {
      throw fail("cannot be written: \(error.localizedDescription)")
    }
  default:
    do {
      try text.write(toFile: target, atomically: true, encoding: .utf8)
    } catch {
      let folder = URL(fileURLWithPath: target).deletingLastPathComponent().path
      var isDirectory: ObjCBool = false
      if !FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) || !isDirectory.boolValue {
        throw fail("cannot be written: the folder \(folder) does not exist")
      }
      throw fail("cannot be written (permission or space)")
    }
  }
}
