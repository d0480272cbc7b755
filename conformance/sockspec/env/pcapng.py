"""A minimal pcapng writer (and reader, for self-tests and tools).

One Section Header Block, one Interface Description Block per captured interface (its
name in if_name, nanosecond timestamps announced with if_tsresol = 9), then every frame
as an Enhanced Packet Block. Several cases can share one file: each gets its own IDB,
so tshark's frame.interface_id / frame.interface_name tell them apart.
"""

from __future__ import annotations

import struct

SHB, IDB, EPB = 0x0A0D0D0A, 0x00000001, 0x00000006
BYTE_ORDER_MAGIC = 0x1A2B3C4D
OPT_ENDOFOPT, OPT_COMMENT = 0, 1
IF_NAME, IF_DESCRIPTION, IF_TSRESOL = 2, 3, 9
SHB_USERAPPL = 4
SNAPLEN = 262144


def _option(code: int, value: bytes) -> bytes:
    pad = (-len(value)) % 4
    return struct.pack("<HH", code, len(value)) + value + b"\0" * pad


def _block(block_type: int, body: bytes) -> bytes:
    assert len(body) % 4 == 0
    total = 12 + len(body)
    return struct.pack("<II", block_type, total) + body + struct.pack("<I", total)


def _section_header() -> bytes:
    body = struct.pack("<IHHq", BYTE_ORDER_MAGIC, 1, 0, -1)
    body += _option(SHB_USERAPPL, b"sockspec") + _option(OPT_ENDOFOPT, b"")
    return _block(SHB, body)


def _interface(name: str, linktype: int, description: str | None) -> bytes:
    body = struct.pack("<HHI", linktype, 0, SNAPLEN)
    body += _option(IF_NAME, name.encode())
    if description:
        body += _option(IF_DESCRIPTION, description.encode())
    body += _option(IF_TSRESOL, bytes([9])) + _option(OPT_ENDOFOPT, b"")
    return _block(IDB, body)


def _packet(interface_id: int, ts_ns: int, frame: bytes) -> bytes:
    pad = (-len(frame)) % 4
    body = struct.pack("<IIIII", interface_id, (ts_ns >> 32) & 0xFFFFFFFF, ts_ns & 0xFFFFFFFF,
                       len(frame), len(frame))
    return _block(EPB, body + frame + b"\0" * pad)


def write(path: str, interfaces: list) -> None:
    """Write a pcapng file: interfaces is a list of (IDB name, CapturedInterface)."""
    with open(path, "wb") as f:
        f.write(_section_header())
        for name, captured in interfaces:
            f.write(_interface(name, captured.linktype, getattr(captured, "name", None)))
        chunks = []
        for index, (_name, captured) in enumerate(interfaces):
            for ts, frame in captured.packets:
                chunks.append(_packet(index, ts, frame))
                if len(chunks) >= 4096:
                    f.write(b"".join(chunks))
                    chunks.clear()
        f.write(b"".join(chunks))


def read(path: str) -> tuple[list[dict], list[tuple[int, int, bytes]]]:
    """Parse a little-endian pcapng file written by write(): (interfaces, packets) with
    interfaces [{"name", "linktype", "tsresol"}] and packets [(interface id, ts, frame)].
    Raises ValueError on anything malformed."""
    with open(path, "rb") as f:
        data = f.read()
    interfaces: list[dict] = []
    packets: list[tuple[int, int, bytes]] = []
    offset = 0
    while offset < len(data):
        if offset + 12 > len(data):
            raise ValueError(f"truncated block at {offset}")
        block_type, total = struct.unpack_from("<II", data, offset)
        if total < 12 or total % 4 or offset + total > len(data):
            raise ValueError(f"bad block length {total} at {offset}")
        (trailer,) = struct.unpack_from("<I", data, offset + total - 4)
        if trailer != total:
            raise ValueError(f"block at {offset}: trailing length {trailer} != {total}")
        body = data[offset + 8: offset + total - 4]
        if block_type == SHB:
            if struct.unpack_from("<I", body)[0] != BYTE_ORDER_MAGIC:
                raise ValueError("not a little-endian pcapng section")
        elif block_type == IDB:
            linktype, _, _snap = struct.unpack_from("<HHI", body)
            options = _parse_options(body[8:])
            interfaces.append({"name": options.get(IF_NAME, b"").decode(),
                               "linktype": linktype,
                               "tsresol": options.get(IF_TSRESOL, b"\x06")[0]})
        elif block_type == EPB:
            iface, hi, lo, caplen, _orig = struct.unpack_from("<IIIII", body)
            if iface >= len(interfaces):
                raise ValueError(f"packet for undeclared interface {iface}")
            packets.append((iface, (hi << 32) | lo, bytes(body[20:20 + caplen])))
        elif offset == 0:
            raise ValueError("file does not start with a section header")
        offset += total
    return interfaces, packets


def _parse_options(raw: bytes) -> dict[int, bytes]:
    options = {}
    pos = 0
    while pos + 4 <= len(raw):
        code, length = struct.unpack_from("<HH", raw, pos)
        if code == OPT_ENDOFOPT:
            break
        options[code] = raw[pos + 4: pos + 4 + length]
        pos += 4 + length + (-length) % 4
    return options
