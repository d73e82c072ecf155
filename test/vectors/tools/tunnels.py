"""
Tunnel headers, for make_vectors.py: an encoder and decoder written from the RFCs with nothing
but `struct`, independent of rawcraft.

  gre    RFC 2784 section 2 (C bit, Reserved0, Ver, Protocol Type; checksum and Reserved1),
         RFC 2890 section 2 (K and S bits; Key and Sequence Number), over IP protocol 47;
         the Protocol Type is an EtherType, 0x6558 (Transparent Ethernet Bridging) for Ethernet
  vxlan  RFC 7348 section 5 (flags with the I bit 0x08, 24-bit VNI), after UDP port 4789
"""
import struct

NAMES = ('gre', 'vxlan')
IP_PROTO = {'gre': 47}
UDP_PORTS = {4789: 'vxlan'}
DEFAULTS = {
    'gre': {'reserved0': 0, 'version': 0, 'reserved1': 0},
    'vxlan': {'flags': 0x08, 'reserved1': 0, 'vni': 0, 'reserved2': 0},
}
COMPUTED = {'gre': ['flags', 'protocolType', 'checksum'], 'vxlan': []}

GRE_FLAGS = ['checksum', 'routing', 'key', 'sequence']  # bits 0..3 of the first byte, most significant first
ETHERTYPE = {'ipv4': 0x0800, 'ipv6': 0x86dd, 'ethernet': 0x6558}
ETHERTYPE_LAYER = {0x0800: 'ipv4', 0x6558: 'ethernet'}


def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s > 0xffff:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def gre_bits(f):
    if 'flags' in f:
        return sum(8 >> GRE_FLAGS.index(n) for n in f['flags'])
    return (8 if 'checksum' in f or 'reserved1' in f else 0) | (2 if 'key' in f else 0) | (1 if 'sequence' in f else 0)


def measure(name, f):
    if name == 'vxlan':
        return 8
    b = gre_bits(f)
    return 4 + (4 if b & 0xc else 0) + (4 if b & 2 else 0) + (4 if b & 1 else 0)


def encode(name, f, nxt):
    if name == 'vxlan':
        return struct.pack('!I', (f.get('flags', 0x08) << 24) | f.get('reserved1', 0)) + struct.pack('!I', (f.get('vni', 0) << 8) | f.get('reserved2', 0))
    b = gre_bits(f)
    out = struct.pack('!HH', (b << 12) | (f.get('reserved0', 0) << 3) | f.get('version', 0), f.get('protocolType', ETHERTYPE.get(nxt, 0)))
    if b & 0xc:
        out += struct.pack('!HH', f.get('checksum', 0), f.get('reserved1', 0))
    if b & 2:
        out += struct.pack('!I', f.get('key', 0))
    if b & 1:
        out += struct.pack('!I', f.get('sequence', 0))
    return out


def fill_checksum(name, f, buf, off, end):
    """RFC 2784 section 2.5: the checksum over the GRE header and payload, the field taken as 0."""
    if name == 'gre' and gre_bits(f) & 8 and 'checksum' not in f:
        buf[off + 4:off + 6] = struct.pack('!H', csum(bytes(buf[off:end])))


def decode(name, buf, off, end):
    if name == 'vxlan':
        w1, w2 = struct.unpack('!II', buf[off:off + 8])
        return {'flags': w1 >> 24, 'reserved1': w1 & 0xffffff, 'vni': w2 >> 8, 'reserved2': w2 & 0xff}, off + 8, end, 'ethernet'
    w, proto = struct.unpack('!HH', buf[off:off + 4])
    b = w >> 12
    f = {'flags': [n for i, n in enumerate(GRE_FLAGS) if b & (8 >> i)], 'reserved0': (w >> 3) & 0x1ff, 'version': w & 7, 'protocolType': proto}
    at = off + 4
    if b & 0xc:
        f['checksum'], f['reserved1'] = struct.unpack('!HH', buf[at:at + 4])
        at += 4
    if b & 2:
        f['key'] = struct.unpack('!I', buf[at:at + 4])[0]
        at += 4
    if b & 1:
        f['sequence'] = struct.unpack('!I', buf[at:at + 4])[0]
        at += 4
    return f, at, end, ETHERTYPE_LAYER.get(proto, 'raw')


def verdict(name, buf, off, hend, pend, f):
    if name != 'gre' or 'checksum' not in f['flags']:
        return None
    data = bytes(buf[off:off + 4]) + b'\0\0' + bytes(buf[off + 6:pend])
    return {'status': 'valid' if csum(bytes(buf[off:pend])) == 0 else 'invalid', 'expected': csum(data), 'actual': f['checksum']}
