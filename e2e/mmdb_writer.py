"""A tiny writer of MaxMind DB files (format 2.0), for tests that give Cognate a geo-IP database of their own.

It writes an IPv6 search tree (IPv4 networks live under ::/96, where libmaxminddb looks IPv4 addresses up), 24-bit
records, and a data section of maps, strings and integers: just enough for `city.names.en` and
`country.names.en`. The format: https://maxmind.github.io/MaxMind-DB/
"""

import ipaddress
import struct
import time

METADATA_MARKER = b"\xab\xcd\xefMaxMind.com"


def _control(type_number, size):
    """A field's control byte(s): its type (extended types after the first byte) and its payload size."""
    if size < 29:
        head, extra = size, b""
    elif size < 29 + 256:
        head, extra = 29, bytes([size - 29])
    elif size < 285 + 65536:
        head, extra = 30, (size - 285).to_bytes(2, "big")
    else:
        head, extra = 31, (size - 65821).to_bytes(3, "big")
    if type_number <= 7:
        return bytes([(type_number << 5) | head]) + extra
    return bytes([head, type_number - 7]) + extra


def encode(value):
    """One value in the data section's encoding."""
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _control(2, len(data)) + data
    if isinstance(value, dict):
        out = _control(7, len(value))
        for key, item in value.items():
            out += encode(str(key)) + encode(item)
        return out
    if isinstance(value, list):
        return _control(11, len(value)) + b"".join(encode(item) for item in value)
    if isinstance(value, tuple):  # (type, integer): uint16 = 5, uint32 = 6, uint64 = 9
        type_number, number = value
        data = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
        return _control(type_number, len(data)) + data
    raise TypeError(f"cannot encode {value!r}")


def write(path, networks, database_type="Cognate-Test-City", build_epoch=None):
    """Writes a database that maps each network (CIDR text, IPv4 or IPv6) to its record (a dict)."""
    # The tree as nested two-element lists; a leaf is a record's index.
    root = [None, None]
    records = []
    for network, record in networks.items():
        net = ipaddress.ip_network(network)
        if net.version == 4:
            bits = "0" * 96 + format(int(net.network_address), "032b")[: net.prefixlen]
        else:
            bits = format(int(net.network_address), "0128b")[: net.prefixlen]
        records.append(record)
        node = root
        for bit in bits[:-1]:
            side = int(bit)
            if not isinstance(node[side], list):
                node[side] = [None, None]
            node = node[side]
        node[int(bits[-1])] = len(records) - 1
    # Number the nodes breadth first; encode the records once each.
    order, queue = [], [root]
    while queue:
        node = queue.pop(0)
        order.append(node)
        queue.extend(child for child in node if isinstance(child, list))
    index = {id(node): number for number, node in enumerate(order)}
    node_count = len(order)
    data, offsets = b"", []
    for record in records:
        offsets.append(len(data))
        data += encode(record)

    def value(child):
        if isinstance(child, list):
            return index[id(child)]
        if child is None:
            return node_count  # no data
        return node_count + 16 + offsets[child]

    tree = b"".join(struct.pack(">I", value(left))[1:] + struct.pack(">I", value(right))[1:] for left, right in order)
    metadata = {
        "node_count": (6, node_count),
        "record_size": (5, 24),
        "ip_version": (5, 6),
        "database_type": database_type,
        "languages": ["en"],
        "binary_format_major_version": (5, 2),
        "binary_format_minor_version": (5, 0),
        "build_epoch": (9, int(time.time()) if build_epoch is None else build_epoch),
        "description": {"en": "A geo-IP database made by Cognate's tests"},
    }
    with open(path, "wb") as out:
        out.write(tree + b"\x00" * 16 + data + METADATA_MARKER + encode(metadata))


def city_record(city, country, iso_code):
    """A record shaped as GeoLite2-City's: English names of the city and the country."""
    record = {"country": {"iso_code": iso_code, "names": {"en": country}}}
    if city is not None:
        record["city"] = {"names": {"en": city}}
    return record
