"""Send exact bytes to a server: what a hostile client sends, unencumbered by a well-behaved HTTP library."""
from __future__ import annotations

import asyncio
import json


async def raw_request(host: str, port: int, method: str, path: str, headers: list[tuple[bytes, bytes]] = (),
                      body: bytes = b"") -> tuple[int, dict, bytes]:
    """One request on a fresh connection: (status, headers, body). Header names and values are raw bytes."""
    reader, writer = await asyncio.open_connection(host, port)
    lines = [f"{method} {path} HTTP/1.1".encode(), b"Host: " + f"{host}:{port}".encode(), b"Connection: close",
             b"Content-Length: " + str(len(body)).encode()]
    lines += [name + b": " + value for name, value in headers]
    writer.write(b"\r\n".join(lines) + b"\r\n\r\n" + body)
    await writer.drain()
    data = await reader.read()
    writer.close()
    head, _, rest = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    fields = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        fields[name.strip().lower()] = value.strip()
    if fields.get("transfer-encoding") == "chunked":
        rest = _dechunk(rest)
    return int(status_line.split()[1]), fields, rest


def _dechunk(data: bytes) -> bytes:
    out = b""
    while data:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out, data = out + data[:size], data[size + 2:]
    return out


def error_of(body: bytes) -> str:
    return json.loads(body)["error"]
