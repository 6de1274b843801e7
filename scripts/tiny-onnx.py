#!/usr/bin/env python3
"""Writes a tiny ONNX model (Conv with pads, Relu, Add) with the protobuf wire format by hand,
so that no onnx package is needed: the seed of the ONNX fuzz target's corpus.

Usage: scripts/tiny-onnx.py OUT.onnx
"""
import struct
import sys


def varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def field(number, wire, payload):
    return varint(number << 3 | wire) + payload


def num(number, value):
    return field(number, 0, varint(value))


def msg(number, body):
    return field(number, 2, varint(len(body)) + body)


def text(number, s):
    return msg(number, s.encode())


def value_info(name, dims):
    shape = b"".join(msg(1, num(1, d)) for d in dims)
    tensor_type = num(1, 3) + msg(2, shape)  # elem_type INT8
    return text(1, name) + msg(2, msg(1, tensor_type))


def attribute_ints(name, values):
    return text(1, name) + b"".join(num(8, v) for v in values) + num(20, 7)  # type INTS


weight = text(8, "w") + num(1, 4) + num(1, 4) + num(1, 3) + num(1, 3) + num(2, 3) + msg(9, bytes(144))
conv = (text(1, "x") + text(1, "w") + text(2, "a") + text(3, "conv") + text(4, "Conv")
        + msg(5, attribute_ints("pads", [1, 1, 1, 1])) + msg(5, attribute_ints("kernel_shape", [3, 3])))
relu = text(1, "a") + text(2, "b") + text(3, "relu") + text(4, "Relu")
add = text(1, "b") + text(1, "x") + text(2, "y") + text(3, "add") + text(4, "Add")
graph = (msg(1, conv) + msg(1, relu) + msg(1, add) + text(2, "tiny") + msg(5, weight)
         + msg(11, value_info("x", [1, 4, 8, 8])) + msg(12, value_info("y", [1, 4, 8, 8]))
         + msg(13, value_info("a", [1, 4, 8, 8])) + msg(13, value_info("b", [1, 4, 8, 8])))
model = num(1, 8) + msg(8, num(2, 13)) + msg(7, graph)
with open(sys.argv[1], "wb") as f:
    f.write(model)
