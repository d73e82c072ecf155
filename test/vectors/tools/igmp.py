"""
IGMP, for make_vectors.py: an encoder and decoder written from the RFCs with nothing but
`struct`, independent of rawcraft (same interface as tunnels.py).

  igmp  RFC 1112 appendix I (v1 report), RFC 2236 section 2 (v2 query, report, leave group),
        RFC 3376 section 4 (v3 query with sources: 12 bytes and more; v3 report with group
        records), IP protocol 2; the checksum covers the whole message
"""
import socket
import struct

NAMES = ('igmp',)
IP_PROTO = {'igmp': 2}
UDP_PORTS = {}
TYPES = {'membership-query': 0x11, 'v1-membership-report': 0x12, 'v2-membership-report': 0x16, 'leave-group': 0x17, 'v3-membership-report': 0x22}
TYPE_NAME = {v: k for k, v in TYPES.items()}
RECORD_TYPES = {'mode-is-include': 1, 'mode-is-exclude': 2, 'change-to-include': 3, 'change-to-exclude': 4, 'allow-new-sources': 5, 'block-old-sources': 6}
RECORD_NAME = {v: k for k, v in RECORD_TYPES.items()}
V3_QUERY = ('reserved', 'suppress', 'qrv', 'qqic', 'sources')
DEFAULTS = {'igmp': {'type': 'membership-query', 'maxRespCode': 0, 'group': '0.0.0.0', 'reserved': 0, 'suppress': False, 'qrv': 2, 'qqic': 125,
                     'reserved2': 0}}
COMPUTED = {'igmp': ['checksum']}


def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s > 0xffff:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def A(s):
    return socket.inet_aton(s)


def kind(f):
    t = f.get('type', 'membership-query')
    return TYPES[t] if isinstance(t, str) else t


def measure(name, f):
    t = kind(f)
    if t == 0x22:
        return 8 + sum(8 + 4 * len(r.get('sources', [])) + len(bytes.fromhex(r.get('auxData', ''))) for r in f.get('records', []))
    if t == 0x11 and any(k in f for k in V3_QUERY):
        return 12 + 4 * len(f.get('sources', []))
    return 8


def encode(name, f, nxt):
    t = kind(f)
    out = struct.pack('!BBH', t, f.get('maxRespCode', 0), f.get('checksum', 0))
    if t == 0x22:
        recs = f.get('records', [])
        out += struct.pack('!HH', f.get('reserved2', 0), len(recs))
        for r in recs:
            rt = r.get('type', 'mode-is-include')
            aux = bytes.fromhex(r.get('auxData', ''))
            out += struct.pack('!BBH', RECORD_TYPES[rt] if isinstance(rt, str) else rt, len(aux) // 4, len(r.get('sources', []))) + A(r['multicastAddress'])
            out += b''.join(A(s) for s in r.get('sources', [])) + aux
        return out
    out += A(f.get('group', '0.0.0.0'))
    if t == 0x11 and any(k in f for k in V3_QUERY):
        srcs = f.get('sources', [])
        out += struct.pack('!BBH', (f.get('reserved', 0) << 4) | (8 if f.get('suppress', False) else 0) | f.get('qrv', 2), f.get('qqic', 125), len(srcs))
        out += b''.join(A(s) for s in srcs)
    return out


def fill_checksum(name, f, buf, off, end):
    if 'checksum' not in f:
        buf[off + 2:off + 4] = struct.pack('!H', csum(bytes(buf[off:end])))


def decode(name, buf, off, end):
    t, mrc, ck = struct.unpack('!BBH', buf[off:off + 4])
    f = {'type': TYPE_NAME.get(t, t), 'maxRespCode': mrc, 'checksum': ck}
    if t == 0x22:
        f['reserved2'], n = struct.unpack('!HH', buf[off + 4:off + 8])
        at, recs = off + 8, []
        for _ in range(n):
            rt, aux, ns = struct.unpack('!BBH', buf[at:at + 4])
            srcs = [socket.inet_ntoa(bytes(buf[at + 8 + 4 * k:at + 12 + 4 * k])) for k in range(ns)]
            recs.append({'type': RECORD_NAME.get(rt, rt), 'multicastAddress': socket.inet_ntoa(bytes(buf[at + 4:at + 8])), 'sources': srcs,
                         'auxData': bytes(buf[at + 8 + 4 * ns:at + 8 + 4 * ns + 4 * aux]).hex()})
            at += 8 + 4 * ns + 4 * aux
        f['records'] = recs
        return f, at, end, 'raw'
    f['group'] = socket.inet_ntoa(bytes(buf[off + 4:off + 8]))
    if t == 0x11 and end - off >= 12:
        b, qqic, n = struct.unpack('!BBH', buf[off + 8:off + 12])
        f.update({'reserved': b >> 4, 'suppress': bool(b & 8), 'qrv': b & 7, 'qqic': qqic,
                  'sources': [socket.inet_ntoa(bytes(buf[off + 12 + 4 * k:off + 16 + 4 * k])) for k in range(n)]})
        return f, off + 12 + 4 * n, end, 'raw'
    return f, off + 8, end, 'raw'


def verdict(name, buf, off, hend, pend, f):
    data = bytes(buf[off:off + 2]) + b'\0\0' + bytes(buf[off + 4:pend])
    return {'status': 'valid' if csum(bytes(buf[off:pend])) == 0 else 'invalid', 'expected': csum(data), 'actual': f['checksum']}
