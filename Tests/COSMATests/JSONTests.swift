import COSMA
import Testing

/// The JSON writer behind every file COSMA writes (plans, graphs, reports).
@Suite struct JSONTests {
  /// One line where the compact form fits the width, one element per line where it does not;
  /// escapes, negative numbers, zero and a non-ASCII name (counted as one column) as JSON wants.
  @Test func serializesCompactWhereItFitsAndBreaksWhereNot() {
    let event = JSONValue.object([("event", .string("load")), ("tensor", .string("x[0:3]")), ("offset", .int(-80640))])
    let value = JSONValue.object([
      ("name", .string("café \"q\"\n")),
      ("zero", .int(0)),
      ("flags", .array([.bool(true), .null, .double(1.5), .double(2)])),
      ("events", .array([event, event])),
    ])
    #expect(
      value.serialized(width: 60) == """
        {
          "name": "café \\"q\\"\\n",
          "zero": 0,
          "flags": [true, null, 1.5, 2],
          "events": [
            {"event": "load", "tensor": "x[0:3]", "offset": -80640},
            {"event": "load", "tensor": "x[0:3]", "offset": -80640}
          ]
        }

        """)
    // Exactly at the width: `{"a": "é"}` is 10 columns.
    let small = JSONValue.object([("a", .string("é"))])
    #expect(small.serialized(width: 10) == "{\"a\": \"é\"}\n")
    #expect(small.serialized(width: 9) == "{\n  \"a\": \"é\"\n}\n")
    #expect(JSONValue.array([.int(-7), .int(1234567890)]).serialized(width: 17) == "[-7, 1234567890]\n")
    #expect(JSONValue.array([.int(-7), .int(1234567890)]).serialized(width: 15) == "[\n  -7,\n  1234567890\n]\n")
  }
}
