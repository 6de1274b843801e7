/// SVG output: a picture of scratchpad occupancy over simulated time.
extension SimulationResult {
  /// Draws every residency as a rectangle: time on the horizontal axis, scratchpad address on the
  /// vertical axis (0 at the bottom), coloured by tensor kind. A red bar on a rectangle's right
  /// edge marks a spill (an activation stored to DRAM before leaving), a purple bar on its left
  /// edge a reload. Two lanes under the plot show when the compute and DMA engines were busy.
  /// Hovering a rectangle shows the tensor, its range and its cycles.
  public func occupancySVG(program: SimProgram, title: String) -> String {
    let width = 1200.0
    let height = 720.0
    let left = 96.0
    let right = 24.0
    let top = 70.0
    let plotHeight = 520.0
    let laneTop = top + plotHeight + 34
    let lane = 14.0
    let plotWidth = width - left - right
    let horizon = Double(max(1, totalCycles))
    let capacity = Double(max(1, program.machine.scratchpadBytes))
    func x(_ cycle: Int) -> Double { left + Double(cycle) / horizon * plotWidth }
    func y(_ address: Int) -> Double { top + plotHeight - Double(address) / capacity * plotHeight }
    func f(_ v: Double) -> String { number((v * 10).rounded() / 10) }

    var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
    s += "viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
    s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    s += "<text x=\"\(f(left))\" y=\"24\" font-size=\"16\" font-weight=\"bold\">\(xmlEscape(title))</text>\n"
    let summary =
      "\(grouped(totalCycles)) cycles · peak \(grouped(peakOccupancyBytes)) of \(grouped(program.machine.scratchpadBytes)) B · "
      + "non-compulsory \(grouped(nonCompulsoryBytes)) B · \(residencies.filter(\.stored).filter { program.tensors[$0.tensor].kind == .activation }.count) spills, "
      + "\(residencies.filter(\.reload).count) reloads"
    s += "<text x=\"\(f(left))\" y=\"42\" fill=\"#444\">\(xmlEscape(summary))</text>\n"

    // Legend.
    let kinds: [(String, String)] = [
      ("input", color(.input)), ("weight", color(.weight)), ("activation", color(.activation)),
      ("output", color(.output)),
    ]
    var lx = left
    for (label, fill) in kinds {
      s += "<rect x=\"\(f(lx))\" y=\"50\" width=\"12\" height=\"12\" fill=\"\(fill)\"/>"
      s += "<text x=\"\(f(lx + 16))\" y=\"60\">\(label)</text>\n"
      lx += 90
    }
    s += "<rect x=\"\(f(lx))\" y=\"50\" width=\"4\" height=\"12\" fill=\"#d62728\"/><text x=\"\(f(lx + 8))\" y=\"60\">spill</text>\n"
    lx += 60
    s += "<rect x=\"\(f(lx))\" y=\"50\" width=\"4\" height=\"12\" fill=\"#7b3fa0\"/><text x=\"\(f(lx + 8))\" y=\"60\">reload</text>\n"

    // Frame and axes.
    s += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotWidth))\" height=\"\(f(plotHeight))\" fill=\"#fafafa\" stroke=\"#888\"/>\n"
    for k in 0...5 {
      let address = Int(capacity * Double(k) / 5)
      let yy = y(address)
      s += "<line x1=\"\(f(left - 4))\" y1=\"\(f(yy))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(yy))\" stroke=\"#ddd\"/>"
      s += "<text x=\"\(f(left - 8))\" y=\"\(f(yy + 4))\" text-anchor=\"end\">\(bytesLabel(address))</text>\n"
      let cycle = Int(horizon * Double(k) / 5)
      let xx = x(cycle)
      s += "<line x1=\"\(f(xx))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(xx))\" y2=\"\(f(top + plotHeight + 4))\" stroke=\"#888\"/>"
      let anchor = k == 0 ? "start" : k == 5 ? "end" : "middle"
      s += "<text x=\"\(f(xx))\" y=\"\(f(top + plotHeight + 18))\" text-anchor=\"\(anchor)\">\(grouped(cycle))</text>\n"
    }
    s += "<text x=\"\(f(left + plotWidth / 2))\" y=\"\(f(laneTop + 2 * lane + 36))\" text-anchor=\"middle\">time (cycles)</text>\n"
    s += "<text transform=\"translate(18 \(f(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">scratchpad address</text>\n"

    // Residencies.
    for r in residencies {
      let t = program.tensors[r.tensor]
      let x0 = x(r.start)
      let w = max(0.6, x(r.end) - x0)
      let y0 = y(r.offset + r.size)
      let h = max(0.6, y(r.offset) - y0)
      let tip = "\(t.name) (\(kindName(t.kind))): [\(r.offset), \(r.offset + r.size)), cycles \(r.start)–\(r.end)"
        + (r.reload ? ", reloaded" : "") + (r.stored && t.kind == .activation ? ", spilled" : "")
      s += "<g><title>\(xmlEscape(tip))</title>"
      s += "<rect x=\"\(f(x0))\" y=\"\(f(y0))\" width=\"\(f(w))\" height=\"\(f(h))\" fill=\"\(color(t.kind))\" fill-opacity=\"0.85\" stroke=\"white\" stroke-width=\"0.3\"/>"
      if r.reload {
        s += "<rect x=\"\(f(x0))\" y=\"\(f(y0))\" width=\"\(f(min(3, w)))\" height=\"\(f(h))\" fill=\"#7b3fa0\"/>"
      }
      if r.stored && t.kind == .activation {
        s += "<rect x=\"\(f(x0 + w - min(3, w)))\" y=\"\(f(y0))\" width=\"\(f(min(3, w)))\" height=\"\(f(h))\" fill=\"#d62728\"/>"
      }
      if w > 60 && h > 13 {
        s += "<text x=\"\(f(x0 + 3))\" y=\"\(f(y0 + min(h, 26) / 2 + 4))\" font-size=\"10\" fill=\"white\">\(xmlEscape(clip(t.name, Int(w / 6))))</text>"
      }
      s += "</g>\n"
    }

    // Engine lanes.
    s += "<text x=\"\(f(left - 8))\" y=\"\(f(laneTop + 11))\" text-anchor=\"end\">compute</text>\n"
    s += "<text x=\"\(f(left - 8))\" y=\"\(f(laneTop + lane + 15))\" text-anchor=\"end\">DMA</text>\n"
    s += "<rect x=\"\(f(left))\" y=\"\(f(laneTop))\" width=\"\(f(plotWidth))\" height=\"\(f(lane))\" fill=\"#f3f3f3\"/>"
    s += "<rect x=\"\(f(left))\" y=\"\(f(laneTop + lane + 4))\" width=\"\(f(plotWidth))\" height=\"\(f(lane))\" fill=\"#f3f3f3\"/>\n"
    for e in timeline where e.engine != .none && e.end > e.start {
      let yy = e.engine == .compute ? laneTop : laneTop + lane + 4
      let fill = e.kind == "run" ? "#333" : e.kind == "load" ? "#4e79a7" : "#d62728"
      s += "<rect x=\"\(f(x(e.start)))\" y=\"\(f(yy))\" width=\"\(f(max(0.4, x(e.end) - x(e.start))))\" height=\"\(f(lane))\" fill=\"\(fill)\">"
      s += "<title>\(xmlEscape("\(e.kind) \(e.name): cycles \(e.start)–\(e.end)"))</title></rect>\n"
    }
    s += "</svg>\n"
    return s
  }
}

private func color(_ kind: SimTensorKind) -> String {
  switch kind {
  case .input: return "#4e79a7"
  case .weight: return "#9d9d9d"
  case .activation: return "#59a14f"
  case .output: return "#f28e2b"
  }
}

private func kindName(_ kind: SimTensorKind) -> String {
  switch kind {
  case .input: return "input"
  case .weight: return "weight"
  case .activation: return "activation"
  case .output: return "output"
  }
}

private func clip(_ s: String, _ n: Int) -> String {
  s.count <= n ? s : String(s.prefix(max(1, n - 1))) + "…"
}

func xmlEscape(_ s: String) -> String {
  var out = ""
  for c in s {
    switch c {
    case "&": out += "&amp;"
    case "<": out += "&lt;"
    case ">": out += "&gt;"
    case "\"": out += "&quot;"
    default: out.append(c)
    }
  }
  return out
}

/// `1234567` as `1,234,567`.
func grouped(_ n: Int) -> String {
  let digits = String(abs(n))
  var out = ""
  for (i, c) in digits.enumerated() {
    if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
    out.append(c)
  }
  return (n < 0 ? "-" : "") + out
}

/// An address as `0`, `512 KiB`, `1.5 MiB`.
func bytesLabel(_ n: Int) -> String {
  if n == 0 { return "0" }
  if n >= 1 << 20 { return number((Double(n) / Double(1 << 20) * 100).rounded() / 100) + " MiB" }
  if n >= 1 << 10 { return number((Double(n) / 1024 * 10).rounded() / 10) + " KiB" }
  return "\(n) B"
}
