/// Chrome trace output: the simulated timeline as JSON for Perfetto (ui.perfetto.dev) or
/// chrome://tracing.
extension SimulationResult {
  /// The timeline in the Trace Event Format: one process with a DMA track and a compute track,
  /// one complete event per transfer or run, and a counter of scratchpad bytes in use.
  ///
  /// Timestamps are microseconds of the simulated clock (`cycles / clockMHz`); every event also
  /// carries its cycle numbers and its index in the plan.
  public func chromeTrace(title: String) -> String {
    var out = "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"title\":\(jsonString(title)),"
    out += "\"totalCycles\":\(totalCycles),\"clockMHz\":\(number(clockMHz))},\"traceEvents\":[\n"
    var lines: [String] = [
      "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":1,\"tid\":0,\"args\":{\"name\":\(jsonString(title))}}",
      "{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":1,\"tid\":1,\"args\":{\"name\":\"DMA\"}}",
      "{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":1,\"tid\":2,\"args\":{\"name\":\"compute\"}}",
      "{\"ph\":\"M\",\"name\":\"thread_sort_index\",\"pid\":1,\"tid\":1,\"args\":{\"sort_index\":1}}",
      "{\"ph\":\"M\",\"name\":\"thread_sort_index\",\"pid\":1,\"tid\":2,\"args\":{\"sort_index\":2}}",
    ]
    func us(_ cycles: Int) -> String { number(Double(cycles) / clockMHz) }
    for e in timeline where e.engine != .none {
      let tid = e.engine == .dma ? 1 : 2
      var args = "\"event\":\(e.eventIndex),\"startCycle\":\(e.start),\"endCycle\":\(e.end)"
      if e.bytes > 0 { args += ",\"bytes\":\(e.bytes)" }
      if let o = e.offset { args += ",\"offset\":\(o)" }
      lines.append(
        "{\"ph\":\"X\",\"pid\":1,\"tid\":\(tid),\"cat\":\"\(e.kind)\",\"name\":\(jsonString("\(e.kind) \(e.name)")),"
          + "\"ts\":\(us(e.start)),\"dur\":\(us(e.end - e.start)),\"args\":{\(args)}}")
    }
    // Occupancy counter: +size when a range is claimed, -size when it is released.
    var changes: [(time: Int, delta: Int)] = []
    for r in residencies {
      changes.append((r.start, r.size))
      changes.append((r.end, -r.size))
    }
    changes.sort { ($0.time, $0.delta) < ($1.time, $1.delta) }
    var inUse = 0
    var index = 0
    while index < changes.count {
      let t = changes[index].time
      while index < changes.count && changes[index].time == t {
        inUse += changes[index].delta
        index += 1
      }
      lines.append(
        "{\"ph\":\"C\",\"pid\":1,\"tid\":0,\"name\":\"scratchpad bytes\",\"ts\":\(us(t)),\"args\":{\"bytes\":\(inUse)}}")
    }
    out += lines.joined(separator: ",\n")
    out += "\n]}\n"
    return out
  }
}

/// A JSON string literal.
func jsonString(_ s: String) -> String {
  var out = "\""
  for u in s.unicodeScalars {
    switch u {
    case "\"": out += "\\\""
    case "\\": out += "\\\\"
    case "\n": out += "\\n"
    case "\r": out += "\\r"
    case "\t": out += "\\t"
    default:
      if u.value < 0x20 {
        let hex = String(u.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      } else {
        out.unicodeScalars.append(u)
      }
    }
  }
  return out + "\""
}

/// A number as JSON, without a trailing `.0` on integers and with at most 4 decimals.
func number(_ x: Double) -> String {
  if x == x.rounded() && abs(x) < 1e15 { return String(Int(x)) }
  let scaled = (x * 10_000).rounded() / 10_000
  return String(scaled)
}
