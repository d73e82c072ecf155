#!/usr/bin/env python3
"""
Writes test/vectors/*.json (one file per protocol, e.g. ipv4, icmp, udp, tcp, ethernet, gre, vxlan, igmp).

Independent of rawcraft: this file has its own small encoder and decoder, written from the
RFCs with nothing but `struct`, and produces for every vector
  - hex:    the bytes (from a real capture in captures/, or encoded here from a field list),
  - layers: the fields rawcraft's decoder should report (same names and JSON forms),
  - build:  the layers with only the explicit fields: defaults and computable values left out
            (a computed field is left out only when this encoder, leaving it out, gives the hex).
tshark then checks every vector in test/codec/vectors.test.ts.

The captures were made by capture.sh (real Linux 6.18 kernel traffic between two private
network namespaces, dumpcap on the veth end and on `any` as LINUX_SLL).
Run: python3 test/vectors/tools/make_vectors.py            (writes the files)
     python3 test/vectors/tools/make_vectors.py --check    (exit 1 when a file differs)
"""
import json
import os
import socket
import struct
import sys

import igmp
import link_layers
import tunnels

# Layers written in their own modules, each with NAMES, IP_PROTO, UDP_PORTS, DEFAULTS, COMPUTED,
# measure, encode, fill_checksum, decode and verdict.
MODULES = (tunnels, igmp)
BY_NAME = {n: m for m in MODULES for n in m.NAMES}
UDP_PORT_LAYER = {p: n for m in MODULES for p, n in m.UDP_PORTS.items()}

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.dirname(HERE)
CAPTURES = os.path.join(VECTORS, 'captures')


def read_pcap(name):
    with open(os.path.join(CAPTURES, name), 'rb') as f:
        data = f.read()
    magic, _, _, _, _, _, linktype = struct.unpack('<IHHiIII', data[:24])
    assert magic == 0xa1b2c3d4
    packets, at = [], 24
    while at < len(data):
        _, _, incl, _ = struct.unpack('<IIII', data[at:at + 16])
        packets.append(data[at + 16:at + 16 + incl])
        at += 16 + incl
    return linktype, packets


def csum_sum(b):
    if len(b) % 2:
        b += b'\0'
    return sum(struct.unpack('!%dH' % (len(b) // 2), b))


def fold(s):
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def csum(b, extra=0):
    """RFC 1071 Internet checksum."""
    return ~fold(csum_sum(b) + extra) & 0xffff


A = socket.inet_aton


def ntoa(b):
    return socket.inet_ntoa(bytes(b))


def mac(s):
    return bytes(int(x, 16) for x in s.split(':'))


def mac_text(b):
    return ':'.join('%02x' % x for x in b)


# ----------------------------------------------------------------------------------------------
# Names (RFC 791, 792, 1191, 2113, 3168, 9293, 7323, 2018)
ECN = {'not-ect': 0, 'ect1': 1, 'ect0': 2, 'ce': 3}
ECN_NAME = {v: k for k, v in ECN.items()}
IP_FLAGS = ['evil', 'df', 'mf']
TCP_FLAGS = ['ae', 'cwr', 'ece', 'urg', 'ack', 'psh', 'rst', 'syn', 'fin']
ICMP_TYPES = {
    'echo-reply': 0, 'destination-unreachable': 3, 'source-quench': 4, 'redirect': 5, 'echo-request': 8,
    'router-advertisement': 9, 'router-solicitation': 10, 'time-exceeded': 11, 'parameter-problem': 12,
    'timestamp-request': 13, 'timestamp-reply': 14, 'information-request': 15, 'information-reply': 16,
    'address-mask-request': 17, 'address-mask-reply': 18,
}
ICMP_TYPE_NAME = {v: k for k, v in ICMP_TYPES.items()}
ICMP_CODES = {
    3: ['net-unreachable', 'host-unreachable', 'protocol-unreachable', 'port-unreachable', 'fragmentation-needed',
        'source-route-failed', 'destination-network-unknown', 'destination-host-unknown', 'source-host-isolated',
        'network-prohibited', 'host-prohibited', 'network-unreachable-for-tos', 'host-unreachable-for-tos',
        'communication-prohibited', 'host-precedence-violation', 'precedence-cutoff'],
    5: ['network', 'host', 'tos-network', 'tos-host'],
    11: ['ttl-exceeded', 'reassembly-time-exceeded'],
    12: ['pointer', 'missing-option', 'bad-length'],
}
ICMP_ERRORS = {3, 4, 5, 11, 12}
# ICMP message layouts after type, code, checksum: (name, bytes, kind) where kind is 'u' or 'ip'.
ICMP_LAYOUT = {
    0: [('id', 2, 'u'), ('seq', 2, 'u')],
    3: [('unused', 1, 'u'), ('length', 1, 'u'), ('nextHopMtu', 2, 'u')],
    4: [('unused', 4, 'u')],
    5: [('gateway', 4, 'ip')],
    9: [('addressCount', 1, 'u'), ('addressEntrySize', 1, 'u'), ('lifetime', 2, 'u')],
    10: [('unused', 4, 'u')],
    11: [('unused', 1, 'u'), ('length', 1, 'u'), ('rest', 2, 'u')],
    12: [('pointer', 1, 'u'), ('length', 1, 'u'), ('unused', 2, 'u')],
    13: [('id', 2, 'u'), ('seq', 2, 'u'), ('originate', 4, 'u'), ('receive', 4, 'u'), ('transmit', 4, 'u')],
    17: [('id', 2, 'u'), ('seq', 2, 'u'), ('mask', 4, 'ip')],
}
for a, b in [(8, 0), (15, 0), (16, 0), (14, 13), (18, 17)]:
    ICMP_LAYOUT[a] = ICMP_LAYOUT[b]
ICMP_UNKNOWN = [('rest', 4, 'u')]
IP_PROTO = {'icmp': 1, 'ipv4': 4, 'tcp': 6, 'udp': 17, **{k: v for m in MODULES for k, v in m.IP_PROTO.items()}}
PROTO_LAYER = {v: k for k, v in IP_PROTO.items()}
IPV4_OPT = {'eol': 0, 'nop': 1, 'record-route': 7, 'lsrr': 131, 'ssrr': 137, 'timestamp': 68, 'router-alert': 148}
IPV4_OPT_NAME = {v: k for k, v in IPV4_OPT.items()}
TS_FLAG = {'timestamps-only': 0, 'with-addresses': 1, 'prespecified': 3}
TS_FLAG_NAME = {v: k for k, v in TS_FLAG.items()}
TCP_OPT = {'eol': 0, 'nop': 1, 'mss': 2, 'window-scale': 3, 'sack-permitted': 4, 'sack': 5, 'timestamps': 8}
TCP_OPT_NAME = {v: k for k, v in TCP_OPT.items()}
VLAN_TPIDS = {0x8100, 0x88a8, 0x9100}

DEFAULTS = {
    'ipv4': {'version': 4, 'dscp': 0, 'ecn': 'not-ect', 'id': 1, 'flags': [], 'fragmentOffset': 0, 'ttl': 64,
             'src': '127.0.0.1', 'dst': '127.0.0.1', 'options': []},
    'icmp': {'type': 'echo-request', 'code': 0, 'id': 0, 'seq': 0, 'unused': 0, 'length': 0, 'nextHopMtu': 0,
             'gateway': '0.0.0.0', 'addressCount': 0, 'addressEntrySize': 2, 'lifetime': 0, 'rest': 0, 'pointer': 0,
             'originate': 0, 'receive': 0, 'transmit': 0, 'mask': '0.0.0.0'},
    'udp': {'srcPort': 53, 'dstPort': 53},
    'tcp': {'srcPort': 20, 'dstPort': 80, 'seq': 0, 'ack': 0, 'reserved': 0, 'flags': ['syn'], 'window': 65535,
            'urgentPointer': 0, 'options': []},
    'ethernet': {'dst': 'ff:ff:ff:ff:ff:ff', 'src': '00:00:00:00:00:00', 'vlans': []},
    'linux-sll': {'packetType': 4, 'arphrdType': 772, 'addressLength': 0, 'address': '0000000000000000'},
    'raw': {},
}
COMPUTED = {
    'ipv4': ['ihl', 'totalLength', 'protocol', 'checksum'],
    'icmp': ['checksum'],
    'udp': ['length', 'checksum'],
    'tcp': ['dataOffset', 'checksum'],
    'ethernet': ['etherType'],
    'linux-sll': ['protocol'],
    'raw': [],
}


# ----------------------------------------------------------------------------------------------
# Options
def enc_ipv4_option(o):
    k = o['kind']
    if isinstance(k, int):
        body = bytes.fromhex(o.get('data', ''))
        return bytes([k, len(body) + 2]) + body
    code = IPV4_OPT[k]
    if k in ('eol', 'nop'):
        return bytes([code])
    if k in ('record-route', 'lsrr', 'ssrr'):
        body = bytes([o.get('pointer', 4)]) + b''.join(A(a) for a in o['addresses'])
    elif k == 'timestamp':
        flag = o.get('flag', 0)
        flag = TS_FLAG[flag] if isinstance(flag, str) else flag
        body = bytes([o.get('pointer', 5), (o.get('overflow', 0) << 4) | flag])
        for e in o['entries']:
            if flag in (1, 3):
                body += A(e['address'])
            body += struct.pack('!I', e['timestamp'])
    elif k == 'router-alert':
        body = struct.pack('!H', o.get('value', 0))
    return bytes([code, len(body) + 2]) + body


def dec_ipv4_option_body(code, body):
    name = IPV4_OPT_NAME.get(code)
    if name in ('record-route', 'lsrr', 'ssrr'):
        if len(body) < 1 or (len(body) - 1) % 4:
            return None
        return {'kind': name, 'pointer': body[0], 'addresses': [ntoa(body[i:i + 4]) for i in range(1, len(body), 4)]}
    if name == 'timestamp':
        if len(body) < 2:
            return None
        flag = body[1] & 15
        size = 8 if flag in (1, 3) else 4
        if (len(body) - 2) % size:
            return None
        entries = []
        for i in range(2, len(body), size):
            if size == 8:
                entries.append({'address': ntoa(body[i:i + 4]), 'timestamp': struct.unpack('!I', body[i + 4:i + 8])[0]})
            else:
                entries.append({'timestamp': struct.unpack('!I', body[i:i + 4])[0]})
        return {'kind': 'timestamp', 'pointer': body[0], 'overflow': body[1] >> 4, 'flag': TS_FLAG_NAME.get(flag, flag),
                'entries': entries}
    if name == 'router-alert':
        return {'kind': name, 'value': struct.unpack('!H', body)[0]} if len(body) == 2 else None
    return None


def enc_tcp_option(o):
    k = o['kind']
    if isinstance(k, int):
        body = bytes.fromhex(o.get('data', ''))
        return bytes([k, len(body) + 2]) + body
    code = TCP_OPT[k]
    if k in ('eol', 'nop'):
        return bytes([code])
    body = {
        'mss': lambda: struct.pack('!H', o['value']),
        'window-scale': lambda: bytes([o['shift']]),
        'sack-permitted': lambda: b'',
        'sack': lambda: b''.join(struct.pack('!II', b['left'], b['right']) for b in o['blocks']),
        'timestamps': lambda: struct.pack('!II', o['value'], o['echo']),
    }[k]()
    return bytes([code, len(body) + 2]) + body


def dec_tcp_option_body(code, body):
    name = TCP_OPT_NAME.get(code)
    n = len(body)
    if name == 'mss' and n == 2:
        return {'kind': name, 'value': struct.unpack('!H', body)[0]}
    if name == 'window-scale' and n == 1:
        return {'kind': name, 'shift': body[0]}
    if name == 'sack-permitted' and n == 0:
        return {'kind': name}
    if name == 'sack' and n % 8 == 0:
        return {'kind': name, 'blocks': [dict(zip(('left', 'right'), struct.unpack('!II', body[i:i + 8]))) for i in range(0, n, 8)]}
    if name == 'timestamps' and n == 8:
        v, e = struct.unpack('!II', body)
        return {'kind': name, 'value': v, 'echo': e}
    return None


def dec_options(buf, start, end, dec_body, enc, names):
    """Type-length-value list (RFC 791 section 3.1, RFC 9293 section 3.1); returns options, padding."""
    options, i = [], start
    while i < end:
        code = buf[i]
        if code in (0, 1):
            options.append({'kind': names[code]})
            i += 1
            if code == 0:
                break
            continue
        length = buf[i + 1] if i + 1 < end else -1
        if length < 2 or i + length > end:
            raise ValueError('malformed option')
        body = bytes(buf[i + 2:i + length])
        named = dec_body(code, body)
        if named is None or enc(named) != bytes(buf[i:i + length]):
            named = {'kind': code, 'data': body.hex()}
        options.append(named)
        i += length
    return options, bytes(buf[i:end])


def final_destination(options, dst):
    """RFC 791 section 3.1 / RFC 9293 section 3.1: while a source route is in progress (pointer not
    past the end), the last address of the route is the final destination."""
    for o in options:
        if o['kind'] in ('lsrr', 'ssrr'):
            if o['addresses'] and o['pointer'] <= 3 + 4 * len(o['addresses']):
                return o['addresses'][-1]
            return dst
    return dst


# ----------------------------------------------------------------------------------------------
# Encoder: rawcraft's documented rules (a field left out is computed, one given is written as is)
def g(f, layer, name):
    return f[name] if name in f else DEFAULTS[layer].get(name, 0)


def measure(l):
    f, name = l.get('fields', {}), l['layer']
    if name == 'ipv4' or name == 'tcp':
        if 'options' not in f and 'padding' not in f:
            return 20, b''
        enc = enc_ipv4_option if name == 'ipv4' else enc_tcp_option
        opts = b''.join(enc(o) for o in f.get('options', []))
        pad = bytes.fromhex(f['padding']) if 'padding' in f else bytes((4 - len(opts) % 4) % 4)
        return 20 + len(opts) + len(pad), opts + pad
    if name == 'icmp':
        t = g(f, 'icmp', 'type')
        t = ICMP_TYPES[t] if isinstance(t, str) else t
        return 4 + sum(n for _, n, _ in ICMP_LAYOUT.get(t, ICMP_UNKNOWN)), None
    if name == 'udp':
        return 8, None
    if name == 'ethernet':
        return 14 + 4 * len(f.get('vlans', [])), None
    if name == 'linux-sll':
        return 16, None
    if name == 'raw':
        return len(bytes.fromhex(f.get('data', ''))), None
    if name in link_layers.NAMES:
        return link_layers.measure(name, f), None
    if name in BY_NAME:
        return BY_NAME[name].measure(name, f), None


def encode(layers):
    n = len(layers)
    offs, lens, extra = [], [], []
    at = 0
    for l in layers:
        ln, ex = measure(l)
        offs.append(at)
        lens.append(ln)
        extra.append(ex)
        at += ln
    ends = [0] * n
    end = at
    for i in range(n - 1, -1, -1):
        ends[i] = end
        end += len(bytes.fromhex(layers[i].get('trailer', '')))
    buf = bytearray(end)
    nxt = lambda i: layers[i + 1]['layer'] if i + 1 < n else None
    for i, l in enumerate(layers):
        f, o, name = l.get('fields', {}), offs[i], l['layer']
        if name == 'ipv4':
            flags = g(f, name, 'flags')
            flags = flags if isinstance(flags, int) else sum(4 >> IP_FLAGS.index(x) for x in flags)
            ecn = g(f, name, 'ecn')
            ecn = ECN[ecn] if isinstance(ecn, str) else ecn
            buf[o:o + 20] = struct.pack(
                '!BBHHHBBH4s4s', (g(f, name, 'version') << 4) | f.get('ihl', lens[i] // 4), (g(f, name, 'dscp') << 2) | ecn,
                f.get('totalLength', ends[i] - o), g(f, name, 'id'), (flags << 13) | g(f, name, 'fragmentOffset'), g(f, name, 'ttl'),
                f.get('protocol', IP_PROTO.get(nxt(i), 253)), f.get('checksum', 0), A(g(f, name, 'src')), A(g(f, name, 'dst')))
            buf[o + 20:o + lens[i]] = extra[i]
        elif name == 'tcp':
            flags = g(f, name, 'flags')
            flags = flags if isinstance(flags, int) else sum(256 >> TCP_FLAGS.index(x) for x in flags)
            word = (f.get('dataOffset', lens[i] // 4) << 12) | (g(f, name, 'reserved') << 9) | flags
            buf[o:o + 20] = struct.pack('!HHIIHHHH', g(f, name, 'srcPort'), g(f, name, 'dstPort'), g(f, name, 'seq'), g(f, name, 'ack'),
                                        word, g(f, name, 'window'), f.get('checksum', 0), g(f, name, 'urgentPointer'))
            buf[o + 20:o + lens[i]] = extra[i]
        elif name == 'udp':
            buf[o:o + 8] = struct.pack('!HHHH', g(f, name, 'srcPort'), g(f, name, 'dstPort'), f.get('length', ends[i] - o), f.get('checksum', 0))
        elif name == 'icmp':
            t = g(f, name, 'type')
            t = ICMP_TYPES[t] if isinstance(t, str) else t
            code = g(f, name, 'code')
            code = ICMP_CODES[t].index(code) if isinstance(code, str) else code
            body = struct.pack('!BBH', t, code, f.get('checksum', 0))
            for fname, size, kind in ICMP_LAYOUT.get(t, ICMP_UNKNOWN):
                v = g(f, name, fname)
                body += A(v) if kind == 'ip' else v.to_bytes(size, 'big')
            buf[o:o + lens[i]] = body
        elif name == 'ethernet':
            hdr = mac(g(f, name, 'dst')) + mac(g(f, name, 'src'))
            for t in f.get('vlans', []):
                hdr += struct.pack('!HH', t.get('tpid', 0x8100), (t.get('pcp', 0) << 13) | (t.get('dei', 0) << 12) | t['vid'])
            hdr += struct.pack('!H', f.get('etherType', 0x0800 if nxt(i) == 'ipv4' else 0x88b5))
            buf[o:o + lens[i]] = hdr
        elif name == 'linux-sll':
            buf[o:o + 16] = struct.pack('!HHH8sH', g(f, name, 'packetType'), g(f, name, 'arphrdType'), g(f, name, 'addressLength'),
                                        bytes.fromhex(g(f, name, 'address')),
                                        f.get('protocol', 0x0800 if nxt(i) == 'ipv4' else 0x0004 if nxt(i) == 'llc' else 0x88b5))
        elif name == 'raw':
            buf[o:o + lens[i]] = bytes.fromhex(f.get('data', ''))
        elif name in BY_NAME:
            buf[o:o + lens[i]] = BY_NAME[name].encode(name, f, nxt(i))
        elif name in link_layers.NAMES:
            buf[o:o + lens[i]] = link_layers.encode(name, f, lens[i], nxt(i), {'ipv4': 0x0800, 'arp': 0x0806}.get(nxt(i), 0x88b5), ends[i] - o - lens[i])
        if 'trailer' in l:
            t = bytes.fromhex(l['trailer'])
            buf[ends[i]:ends[i] + len(t)] = t
    # Checksums, innermost first.
    for i in range(n - 1, -1, -1):
        f, o, name = layers[i].get('fields', {}), offs[i], layers[i]['layer']
        if name in BY_NAME:
            BY_NAME[name].fill_checksum(name, f, buf, o, ends[i])
        if 'checksum' in f or name not in ('ipv4', 'icmp', 'udp', 'tcp'):
            continue
        if name == 'ipv4':
            at, c = 10, csum(bytes(buf[o:o + lens[i]]))
        elif name == 'icmp':
            at, c = 2, csum(bytes(buf[o:ends[i]]))
        else:
            ip = max(j for j in range(i) if layers[j]['layer'] == 'ipv4')
            ipf, ipo = layers[ip].get('fields', {}), offs[ip]
            dst = final_destination(ipf.get('options', []), ntoa(buf[ipo + 16:ipo + 20]))
            ph = buf[ipo + 12:ipo + 16] + A(dst) + struct.pack('!BBH', 0, IP_PROTO[name], ends[i] - o)
            at, c = (6 if name == 'udp' else 16), csum(bytes(ph) + bytes(buf[o:ends[i]]))
            if name == 'udp' and c == 0:
                c = 0xffff  # RFC 768: a computed zero is sent as all ones
        buf[o + at:o + at + 2] = struct.pack('!H', c)
    return bytes(buf)


# ----------------------------------------------------------------------------------------------
# Decoder: the fields and checksum verdicts rawcraft should report
def decode(buf, start):
    layers, stack, quoted, complete = [], [], False, True
    name, off, end = start, 0, len(buf)
    while True:
        f, complete_here = {}, True
        if name == 'ethernet':
            f = {'dst': mac_text(buf[off:off + 6]), 'src': mac_text(buf[off + 6:off + 12]), 'vlans': []}
            at = off + 12
            t = struct.unpack('!H', buf[at:at + 2])[0]
            while t in VLAN_TPIDS:
                tci = struct.unpack('!H', buf[at + 2:at + 4])[0]
                f['vlans'].append({'tpid': t, 'pcp': tci >> 13, 'dei': (tci >> 12) & 1, 'vid': tci & 0xfff})
                at += 4
                t = struct.unpack('!H', buf[at:at + 2])[0]
            f['etherType'] = t
            # IEEE 802.3 clause 3.2.6: a value up to 1500 is the length of an LLC frame; the rest is padding.
            hend, pend, nxt = at + 2, (min(end, at + 2 + t) if t <= 1500 else end), ('ipv4' if t == 0x0800 else 'llc' if t <= 1500 else 'raw')
        elif name == 'linux-sll':
            pt, hat, al, addr, proto = struct.unpack('!HHH8sH', buf[off:off + 16])
            f = {'packetType': pt, 'arphrdType': hat, 'addressLength': al, 'address': addr.hex(), 'protocol': proto}
            hend, pend, nxt = off + 16, end, ('ipv4' if proto == 0x0800 else 'llc' if proto == 0x0004 else 'raw')
        elif name == 'ipv4':
            vi, ds, tl, ident, ff, ttl, proto, ck = struct.unpack('!BBHHHBBH', buf[off:off + 12])
            ihl = vi & 15
            f = {'version': vi >> 4, 'ihl': ihl, 'dscp': ds >> 2, 'ecn': ECN_NAME[ds & 3], 'totalLength': tl, 'id': ident,
                 'flags': [IP_FLAGS[b] for b in range(3) if ff & (0x8000 >> b)], 'fragmentOffset': ff & 0x1fff, 'ttl': ttl,
                 'protocol': proto, 'checksum': ck, 'src': ntoa(buf[off + 12:off + 16]), 'dst': ntoa(buf[off + 16:off + 20])}
            hl = ihl * 4
            f['options'], pad = dec_options(buf, off + 20, off + hl, dec_ipv4_option_body, enc_ipv4_option, IPV4_OPT_NAME)
            if len(pad) >= 4 or any(pad):
                f['padding'] = pad.hex()
            hend, pend = off + hl, off + tl
            if pend > end:
                pend, complete_here = end, False
            if ff & 0x2000 or f['fragmentOffset']:
                complete_here = False
            nxt = 'raw' if f['fragmentOffset'] else PROTO_LAYER.get(proto, 'raw')
        elif name == 'icmp':
            t, code, ck = struct.unpack('!BBH', buf[off:off + 4])
            f = {'type': ICMP_TYPE_NAME.get(t, t), 'code': ICMP_CODES[t][code] if t in ICMP_CODES and code < len(ICMP_CODES[t]) else code,
                 'checksum': ck}
            at = off + 4
            for fname, size, kind in ICMP_LAYOUT.get(t, ICMP_UNKNOWN):
                f[fname] = ntoa(buf[at:at + 4]) if kind == 'ip' else int.from_bytes(buf[at:at + size], 'big')
                at += size
            hend, pend, nxt = at, end, ('ipv4' if t in ICMP_ERRORS else 'raw')
        elif name == 'udp':
            sp, dp, ln, ck = struct.unpack('!HHHH', buf[off:off + 8])
            f = {'srcPort': sp, 'dstPort': dp, 'length': ln, 'checksum': ck}
            hend, pend, nxt = off + 8, off + ln, UDP_PORT_LAYER.get(dp, UDP_PORT_LAYER.get(sp, 'raw'))
            if pend > end:
                pend, complete_here = end, False
        elif name == 'tcp':
            sp, dp, seq, ack, word, win, ck, urg = struct.unpack('!HHIIHHHH', buf[off:off + 20])
            f = {'srcPort': sp, 'dstPort': dp, 'seq': seq, 'ack': ack, 'dataOffset': word >> 12, 'reserved': (word >> 9) & 7,
                 'flags': [TCP_FLAGS[b] for b in range(9) if word & (256 >> b)], 'window': win, 'checksum': ck, 'urgentPointer': urg}
            hl = (word >> 12) * 4
            f['options'], pad = dec_options(buf, off + 20, off + hl, dec_tcp_option_body, enc_tcp_option, TCP_OPT_NAME)
            if len(pad) >= 4 or any(pad):
                f['padding'] = pad.hex()
            hend, pend, nxt = off + hl, end, 'raw'
        elif name in BY_NAME:
            f, hend, pend, nxt = BY_NAME[name].decode(name, buf, off, end)
        elif name in link_layers.NAMES:
            f, hend, pend, nxt = link_layers.decode(name, buf, off, end, stack[-1] if stack else None)
            if isinstance(nxt, int):
                nxt = {0x0800: 'ipv4', 0x0806: 'arp'}.get(nxt, 'raw')
        else:
            f = {'data': bytes(buf[off:end]).hex()}
            hend, pend, nxt = end, end, None
        layer = {'layer': name, 'fields': f}
        if pend < end:
            layer['trailer'] = bytes(buf[pend:end]).hex()
        complete = complete and complete_here
        verdict = checksum_verdict(buf, name, off, hend, pend, f, stack, complete)
        if verdict:
            layer['checksum'] = verdict
        layers.append(layer)
        stack.append((name, off, f))
        if nxt is None or hend >= pend:
            return layers
        name, off, end = nxt, hend, pend


def checksum_verdict(buf, name, off, hend, pend, f, stack, complete):
    if name in link_layers.NAMES:
        return link_layers.verdict(name, buf, off, hend, pend, f)
    if name in BY_NAME:
        return BY_NAME[name].verdict(name, buf, off, hend, pend, f)
    if name not in ('ipv4', 'icmp', 'udp', 'tcp'):
        return None
    actual = f['checksum']
    if name == 'ipv4':
        expected = csum(bytes(buf[off:off + 10]) + b'\0\0' + bytes(buf[off + 12:hend]))
        ok = csum(bytes(buf[off:hend])) == 0
        return {'status': 'valid' if ok else 'invalid', 'expected': expected, 'actual': actual}
    if name == 'udp' and actual == 0:
        return {'status': 'unverifiable', 'actual': actual}
    if not complete:
        return {'status': 'unverifiable', 'actual': actual}
    at = {'icmp': 2, 'udp': 6, 'tcp': 16}[name]
    data = bytes(buf[off:off + at]) + b'\0\0' + bytes(buf[off + at + 2:pend])
    ph = b''
    if name != 'icmp':
        _, ipo, ipf = [s for s in stack if s[0] == 'ipv4'][-1]
        ph = bytes(buf[ipo + 12:ipo + 16]) + A(final_destination(ipf['options'], ipf['dst'])) + struct.pack('!BBH', 0, IP_PROTO[name], pend - off)
    expected = csum(ph + data)
    if name == 'udp' and expected == 0:
        expected = 0xffff
    ok = csum(ph + bytes(buf[off:pend])) == 0
    return {'status': 'valid' if ok else 'invalid', 'expected': expected, 'actual': actual}


# ----------------------------------------------------------------------------------------------
# Build: the layers with only explicit fields
def minimal_build(layers, hexdata):
    build = []
    for l in layers:
        d = DEFAULTS[l['layer']]
        f = {}
        for k, v in l['fields'].items():
            if k in d and d[k] == v:
                continue
            if l['layer'] == 'icmp' and k == 'code' and v == 0:
                continue
            if l['layer'] == 'ethernet' and k == 'vlans':
                v = [{kk: vv for kk, vv in t.items() if not ((kk == 'tpid' and vv == 0x8100) or (kk in ('pcp', 'dei') and vv == 0))} for t in v]
            f[k] = v
        b = {'layer': l['layer'], 'fields': f}
        if 'trailer' in l:
            b['trailer'] = l['trailer']
        build.append(b)
    data = bytes.fromhex(hexdata)
    assert encode(build) == data, 'explicit fields do not reproduce the bytes'
    for b in build:
        for k in COMPUTED[b['layer']]:
            if k in b['fields']:
                v = b['fields'].pop(k)
                if encode(build) != data:
                    b['fields'][k] = v
    assert encode(build) == data
    return build


DEFAULTS.update(link_layers.DEFAULTS)
COMPUTED.update(link_layers.COMPUTED)
for m in MODULES:
    DEFAULTS.update(m.DEFAULTS)
    COMPUTED.update(m.COMPUTED)


def vector(name, source, data, start, known_bug=None, link_type=None, file_byte_order=None):
    # `auto` (raw IP) picks the layer from the version nibble.
    layers = decode(data, 'ipv4' if start == 'auto' and data[0] >> 4 == 4 else start)
    v = {'name': name, 'source': source, 'hex': data.hex(), 'from': start, 'layers': layers, 'build': minimal_build(layers, data.hex())}
    if link_type is not None:
        v['linkType'] = link_type
    if file_byte_order is not None:
        v['fileByteOrder'] = file_byte_order
    if known_bug:
        v['knownBug'] = known_bug
    return v


def built(name, source, layers, start, known_bug=None, link_type=None, file_byte_order=None):
    data = encode(layers)
    v = vector(name, source, data, start, known_bug, link_type, file_byte_order)
    return v


# ----------------------------------------------------------------------------------------------
_, ETH = read_pcap('veth-ethernet.pcap')
_, SLL = read_pcap('any-linux-sll.pcap')
CAP = ('Linux 6.18 kernel output captured by test/vectors/tools/capture.sh with dumpcap on a veth pair between '
       'two private network namespaces (host 192.0.2.1, router 192.0.2.2; RFC 5737 documentation addresses), '
       'file captures/veth-ethernet.pcap frame %d')


def cap(frame, what):
    return CAP % frame + ': ' + what


def ip_of(frame):
    return ETH[frame - 1][14:]


H, R = '192.0.2.1', '192.0.2.2'
UDP_HELLO = [{'layer': 'udp', 'fields': {'srcPort': 40000, 'dstPort': 40001}}, {'layer': 'raw', 'fields': {'data': b'hello'.hex()}}]

ipv4_vectors = [
    vector('record-route', cap(17, 'RFC 791 section 3.1 Record Route (type 7), set with IP_OPTIONS; the sender recorded its own address, pointer 8'), ip_of(17), 'ipv4'),
    vector('timestamp-only', cap(20, 'RFC 791 section 3.1 Internet Timestamp (type 68), flag 0: timestamps only'), ip_of(20), 'ipv4'),
    vector('timestamp-with-addresses', cap(21, 'RFC 791 section 3.1 Internet Timestamp, flag 1: address and timestamp'), ip_of(21), 'ipv4'),
    vector('timestamp-prespecified', cap(22, 'RFC 791 section 3.1 Internet Timestamp, flag 3: prespecified addresses (the sender stamped its own slot)'), ip_of(22), 'ipv4'),
    vector('router-alert', cap(23, 'RFC 2113 section 2.1 Router Alert option (type 148, value 0)'), ip_of(23), 'ipv4'),
    vector('unknown-option', cap(24, 'RFC 4727 section 2.3 experimental IPv4 option 94 (EXP), unknown to rawcraft: kept raw'), ip_of(24), 'ipv4'),
    vector('lsrr-tcp', cap(25, 'RFC 791 section 3.1 Loose Source Route (type 131) on a TCP SYN: Linux wrote the first hop as the destination '
                              'and the final destination last in the route; RFC 9293 section 3.1 puts the final destination in the pseudo-header'), ip_of(25), 'ipv4'),
    built('lsrr-udp-in-progress', 'Encoded by tools/make_vectors.py: RFC 791 section 3.1 Loose Source Route, pointer 4 (route in progress): '
          'the UDP pseudo-header uses the final destination, the last route address (RFC 9293 section 3.1; Wireshark validates UDP the same way)',
          [{'layer': 'ipv4', 'fields': {'id': 1, 'src': H, 'dst': R, 'options': [{'kind': 'lsrr', 'pointer': 4, 'addresses': ['198.51.100.7', '203.0.113.1']}]}}] + UDP_HELLO, 'ipv4'),
    built('ssrr-udp-in-progress', 'Encoded by tools/make_vectors.py: RFC 791 section 3.1 Strict Source Route (type 137), pointer 4: '
          'final destination in the UDP pseudo-header', [{'layer': 'ipv4', 'fields': {'id': 2, 'src': H, 'dst': R, 'options': [
              {'kind': 'ssrr', 'pointer': 4, 'addresses': ['203.0.113.1']}, {'kind': 'eol'}]}}] + UDP_HELLO, 'ipv4'),
    built('lsrr-udp-completed', 'Encoded by tools/make_vectors.py: RFC 791 section 3.1 Loose Source Route as it arrives at the final destination: '
          'pointer 12 is past the route (length 11), every slot holds a recorded address and the header destination is the final one, '
          'so the pseudo-header uses the header destination (Wireshark agrees)',
          [{'layer': 'ipv4', 'fields': {'id': 3, 'ttl': 62, 'src': H, 'dst': '203.0.113.1', 'options': [
              {'kind': 'lsrr', 'pointer': 12, 'addresses': ['192.0.2.2', '198.51.100.7']}, {'kind': 'eol'}]}}] + UDP_HELLO, 'ipv4'),
    built('timestamp-full-overflow', 'Encoded by tools/make_vectors.py: RFC 791 section 3.1 Internet Timestamp, flag 1, full (pointer 21 past length 20) '
          'with overflow count 2', [{'layer': 'ipv4', 'fields': {'id': 4, 'src': H, 'dst': R, 'options': [
              {'kind': 'timestamp', 'pointer': 21, 'overflow': 2, 'flag': 'with-addresses', 'entries': [
                  {'address': '192.0.2.1', 'timestamp': 3600000}, {'address': '192.0.2.2', 'timestamp': 3600001}]}]}}] + UDP_HELLO, 'ipv4'),
    built('nop-eol-padding', 'Encoded by tools/make_vectors.py: RFC 791 section 3.1 No Operation and End of Option List, then zero padding '
          'to the 32-bit boundary', [{'layer': 'ipv4', 'fields': {'id': 5, 'src': H, 'dst': R, 'options': [
              {'kind': 'nop'}, {'kind': 'router-alert', 'value': 0}, {'kind': 'eol'}]}}] + UDP_HELLO, 'ipv4'),
    built('first-fragment-tcp', 'Encoded by tools/make_vectors.py: RFC 791 section 2.3 fragmentation: first fragment (MF set, offset 0) of a '
          'TCP segment: its checksum covers bytes not present, so it is unverifiable', [
              {'layer': 'ipv4', 'fields': {'id': 6, 'flags': ['mf'], 'src': H, 'dst': R}},
              {'layer': 'tcp', 'fields': {'srcPort': 40000, 'dstPort': 40001, 'seq': 1, 'ack': 1, 'flags': ['psh', 'ack'], 'checksum': 0x1234}},
              {'layer': 'raw', 'fields': {'data': bytes(range(16)).hex()}}], 'ipv4'),
    built('second-fragment', 'Encoded by tools/make_vectors.py: RFC 791 section 2.3 fragmentation: a non-first fragment (offset 2 = 16 bytes) '
          'holds only data, whatever the protocol', [
              {'layer': 'ipv4', 'fields': {'id': 6, 'fragmentOffset': 2, 'protocol': 6, 'src': H, 'dst': R}},
              {'layer': 'raw', 'fields': {'data': bytes(range(16, 32)).hex()}}], 'ipv4'),
    built('dscp-ecn-ip-in-ip', 'Encoded by tools/make_vectors.py: RFC 2474 DSCP 46 (EF) with RFC 3168 ECN CE, carrying IPv4 in IPv4 '
          '(RFC 2003, protocol 4) with an ICMP echo request', [
              {'layer': 'ipv4', 'fields': {'dscp': 46, 'ecn': 'ce', 'id': 7, 'src': H, 'dst': R}},
              {'layer': 'ipv4', 'fields': {'id': 8, 'src': '198.51.100.1', 'dst': '203.0.113.1'}},
              {'layer': 'icmp', 'fields': {'type': 'echo-request', 'id': 7, 'seq': 1}}], 'ipv4'),
]

icmp_vectors = [
    vector('echo-request', cap(26, 'RFC 792 Echo (type 8) with a 32-byte payload, sent through a raw socket'), ip_of(26), 'ipv4'),
    vector('echo-reply', cap(27, 'RFC 792 Echo Reply (type 0) written by the Linux kernel'), ip_of(27), 'ipv4'),
    vector('timestamp-request', cap(28, 'RFC 792 Timestamp (type 13), originate 1000 ms'), ip_of(28), 'ipv4'),
    vector('timestamp-reply', cap(29, 'RFC 792 Timestamp Reply (type 14) written by the Linux kernel'), ip_of(29), 'ipv4'),
    vector('port-unreachable', cap(5, 'RFC 792 Destination Unreachable (type 3, code 3 port unreachable) quoting the whole UDP datagram, DSCP CS6'), ip_of(5), 'ipv4'),
    vector('redirect-host', cap(31, 'RFC 792 Redirect (type 5, code 1 host) with the gateway 192.0.2.3'), ip_of(31), 'ipv4'),
    vector('time-exceeded', cap(33, 'RFC 792 Time Exceeded (type 11, code 0) for a TTL-1 UDP datagram'), ip_of(33), 'ipv4'),
    vector('fragmentation-needed', cap(35, 'RFC 792 Destination Unreachable code 4 with the RFC 1191 next-hop MTU 1280; '
                                          'the quoted 1428-byte datagram is cut at 576 bytes'), ip_of(35), 'ipv4'),
    vector('parameter-problem', cap(37, 'RFC 792 Parameter Problem (type 12, code 0) pointing at octet 21, the bad length of a timestamp option'), ip_of(37), 'ipv4'),
    built('source-quench', 'Encoded by tools/make_vectors.py: RFC 792 Source Quench (type 4) quoting an IPv4 header and 8 bytes', [
        {'layer': 'ipv4', 'fields': {'id': 9, 'src': R, 'dst': H}}, {'layer': 'icmp', 'fields': {'type': 'source-quench'}},
        {'layer': 'ipv4', 'fields': {'id': 10, 'src': H, 'dst': '203.0.113.1'}}] + UDP_HELLO[:1], 'ipv4'),
    built('address-mask-reply', 'Encoded by tools/make_vectors.py: RFC 950 appendix I Address Mask Reply (type 18), mask 255.255.255.0', [
        {'layer': 'ipv4', 'fields': {'id': 11, 'src': R, 'dst': H}},
        {'layer': 'icmp', 'fields': {'type': 'address-mask-reply', 'id': 3, 'seq': 4, 'mask': '255.255.255.0'}}], 'ipv4'),
    built('router-advertisement', 'Encoded by tools/make_vectors.py: RFC 1256 section 3.1 Router Advertisement, one entry (192.0.2.2, preference 0)', [
        {'layer': 'ipv4', 'fields': {'id': 12, 'ttl': 1, 'src': R, 'dst': '224.0.0.1'}},
        {'layer': 'icmp', 'fields': {'type': 'router-advertisement', 'addressCount': 1, 'lifetime': 1800}},
        {'layer': 'raw', 'fields': {'data': A(R).hex() + '00000000'}}], 'ipv4'),
    built('router-solicitation', 'Encoded by tools/make_vectors.py: RFC 1256 section 3.2 Router Solicitation', [
        {'layer': 'ipv4', 'fields': {'id': 13, 'ttl': 1, 'src': H, 'dst': '224.0.0.2'}},
        {'layer': 'icmp', 'fields': {'type': 'router-solicitation'}}], 'ipv4'),
    built('information-request', 'Encoded by tools/make_vectors.py: RFC 792 Information Request (type 15)', [
        {'layer': 'ipv4', 'fields': {'id': 14, 'src': H, 'dst': R}},
        {'layer': 'icmp', 'fields': {'type': 'information-request', 'id': 5, 'seq': 6}}], 'ipv4'),
    built('time-exceeded-rfc4884', 'Encoded by tools/make_vectors.py: RFC 4884 section 4.1 length attribute (7 words: a 28-byte quote) in '
          'Time Exceeded code 1 (reassembly)', [
              {'layer': 'ipv4', 'fields': {'id': 15, 'src': R, 'dst': H}},
              {'layer': 'icmp', 'fields': {'type': 'time-exceeded', 'code': 'reassembly-time-exceeded', 'length': 7}},
              {'layer': 'ipv4', 'fields': {'id': 16, 'flags': ['mf'], 'src': H, 'dst': R}},
              {'layer': 'udp', 'fields': {'srcPort': 40000, 'dstPort': 40001, 'length': 1008, 'checksum': 0xabcd}}], 'ipv4'),
]

udp_vectors = [
    vector('udp', cap(1, 'RFC 768 datagram 40000 > 40001 carrying "rawcraft"'), ip_of(1), 'ipv4'),
    vector('udp-checksum-zero', cap(2, 'RFC 768: checksum 0 means none was computed (Linux SO_NO_CHECK)'), ip_of(2), 'ipv4'),
    vector('udp-computed-zero', cap(3, 'RFC 768: the payload makes the checksum compute to 0, which Linux (and RFC 768) sends as 0xffff'), ip_of(3), 'ipv4'),
    vector('udp-to-closed-port', cap(4, 'RFC 768 datagram carrying "closed"'), ip_of(4), 'ipv4'),
]

tcp_vectors = [
    vector('syn-ecn', cap(6, 'RFC 9293 SYN with RFC 3168 section 6.1.1 ECN setup (ECE and CWR) and the Linux option list MSS, SACK permitted, '
                         'timestamps, NOP, window scale (RFC 9293 section 3.2, RFC 2018, RFC 7323)'), ip_of(6), 'ipv4'),
    vector('syn-ack-ecn', cap(7, 'RFC 9293 SYN-ACK with RFC 3168 ECE'), ip_of(7), 'ipv4'),
    vector('psh-ack-ect0', cap(9, 'RFC 9293 data segment "hello" (PSH, ACK) in an RFC 3168 ECT(0) datagram, timestamps option'), ip_of(9), 'ipv4'),
    vector('fin-ack', cap(11, 'RFC 9293 FIN, ACK'), ip_of(11), 'ipv4'),
    vector('rst-ack', cap(16, 'RFC 9293 section 3.10.7.1 RST, ACK from a closed port'), ip_of(16), 'ipv4'),
    built('all-flags', 'Encoded by tools/make_vectors.py: every control bit of RFC 9293 section 3.1 plus AE (RFC 9768 AccECN, former NS), '
          'CWR and ECE (RFC 3168), with an urgent pointer', [
              {'layer': 'ipv4', 'fields': {'id': 17, 'src': H, 'dst': R}},
              {'layer': 'tcp', 'fields': {'srcPort': 40000, 'dstPort': 40001, 'seq': 0xfffffff0, 'ack': 0x80000000,
                                          'flags': ['ae', 'cwr', 'ece', 'urg', 'ack', 'psh', 'rst', 'syn', 'fin'], 'window': 1024, 'urgentPointer': 3}},
              {'layer': 'raw', 'fields': {'data': b'urgent'.hex()}}], 'ipv4'),
    built('sack', 'Encoded by tools/make_vectors.py: RFC 2018 section 3 SACK option with two blocks after NOP, NOP, RFC 7323 timestamps', [
        {'layer': 'ipv4', 'fields': {'id': 18, 'src': H, 'dst': R}},
        {'layer': 'tcp', 'fields': {'srcPort': 40000, 'dstPort': 40001, 'seq': 1000, 'ack': 5000, 'flags': ['ack'], 'window': 501, 'options': [
            {'kind': 'nop'}, {'kind': 'nop'}, {'kind': 'timestamps', 'value': 123456, 'echo': 654321},
            {'kind': 'nop'}, {'kind': 'nop'}, {'kind': 'sack', 'blocks': [{'left': 6000, 'right': 7000}, {'left': 8000, 'right': 9000}]}]}}], 'ipv4'),
    built('experimental-option', 'Encoded by tools/make_vectors.py: RFC 6994 section 3 shared experimental TCP option (kind 254, ExID 0x1234, '
          'RFC 4727 section 7.2 experiment values), unknown to rawcraft: kept raw, after a NOP and before an EOL', [
              {'layer': 'ipv4', 'fields': {'id': 22, 'src': H, 'dst': R}},
              {'layer': 'tcp', 'fields': {'srcPort': 40000, 'dstPort': 40001, 'seq': 9, 'ack': 10, 'flags': ['ack'], 'window': 512, 'options': [
                  {'kind': 'nop'}, {'kind': 254, 'data': '1234abcd'}, {'kind': 'eol'}]}}], 'ipv4'),
    built('options-eol-padding', 'Encoded by tools/make_vectors.py: RFC 9293 section 3.2 option list ended by End of Option List and zero padding: '
          'SACK permitted (RFC 2018), window scale 14 (RFC 7323 section 2.3), MSS', [
              {'layer': 'ipv4', 'fields': {'id': 19, 'src': H, 'dst': R}},
              {'layer': 'tcp', 'fields': {'srcPort': 40000, 'dstPort': 40001, 'seq': 7, 'window': 29200, 'options': [
                  {'kind': 'mss', 'value': 1400}, {'kind': 'sack-permitted'}, {'kind': 'window-scale', 'shift': 14}, {'kind': 'eol'}]}}], 'ipv4'),
]

ethernet_vectors = [
    vector('ethernet-udp', cap(1, 'Ethernet II frame (IEEE 802.3 clause 3.2.6 type 0x0800) carrying UDP'), ETH[0], 'ethernet'),
    vector('ethernet-tcp-syn', cap(6, 'Ethernet II frame carrying a TCP SYN'), ETH[5], 'ethernet'),
    built('vlan-8021q', 'Encoded by tools/make_vectors.py: IEEE 802.1Q-2018 section 9.6 tag (TPID 0x8100, PCP 5, DEI 0, VID 100) in front of IPv4/UDP, '
          'padded to the 60-byte minimum frame (IEEE 802.3 clause 3.2.8): the padding is the IPv4 layer\'s trailer', [
              {'layer': 'ethernet', 'fields': {'dst': '02:00:00:00:00:02', 'src': '02:00:00:00:00:01', 'vlans': [{'pcp': 5, 'vid': 100}]}},
              {'layer': 'ipv4', 'fields': {'id': 20, 'src': H, 'dst': R}, 'trailer': '00' * 10},
              {'layer': 'udp', 'fields': {'srcPort': 40000, 'dstPort': 40001}}, {'layer': 'raw', 'fields': {'data': b'vlan'.hex()}}], 'ethernet'),
    built('vlan-qinq', 'Encoded by tools/make_vectors.py: IEEE 802.1ad S-tag (TPID 0x88a8, PCP 3, DEI 1, VID 200) then 802.1Q C-tag (VID 100), '
          'carrying IPv4/ICMP echo request', [
              {'layer': 'ethernet', 'fields': {'dst': '02:00:00:00:00:02', 'src': '02:00:00:00:00:01',
                                               'vlans': [{'tpid': 0x88a8, 'pcp': 3, 'dei': 1, 'vid': 200}, {'vid': 100}]}},
              {'layer': 'ipv4', 'fields': {'id': 21, 'src': H, 'dst': R}},
              {'layer': 'icmp', 'fields': {'type': 'echo-request', 'id': 1, 'seq': 1}},
              {'layer': 'raw', 'fields': {'data': b'qinq-ping-payload'.hex()}}], 'ethernet'),
]

SLLCAP = ('Linux 6.18 kernel output captured by test/vectors/tools/capture.sh with `dumpcap -i any -y LINUX_SLL`, '
          'file captures/any-linux-sll.pcap frame %d: LINKTYPE_LINUX_SLL (113) cooked header, ')
sll_vectors = [
    vector('sll-outgoing-udp', SLLCAP % 1 + 'packet type 4 (sent by us), ARPHRD_ETHER, 6-byte address', SLL[0], 'linux-sll'),
    vector('sll-incoming-icmp', SLLCAP % 5 + 'packet type 0 (to us), an ICMP port unreachable', SLL[4], 'linux-sll'),
]

# ----------------------------------------------------------------------------------------------
# Link layers of capture files (tools/link_layers.py)
_, SLL2 = read_pcap('any-linux-sll2.pcap')
_, TUN = read_pcap('tun-raw.pcap')
SLL2CAP = ('Linux 6.18 kernel output captured by test/vectors/tools/capture-link-types.sh with tcpdump 4.99.3 `-i any -y LINUX_SLL2` '
           'on 127.0.0.1, file captures/any-linux-sll2.pcap frame %d: LINKTYPE_LINUX_SLL2 (276) cooked header, ')
# IEEE 802.1D-2004 clause 9.3.1 configuration BPDU: protocol 0, version 0, type 0, flags 0, root id, cost, bridge id, port, 4 timers (1/256 s).
STP_BPDU = '0000' + '00' + '00' + '00' + '8000020000000001' + '00000000' + '8000020000000001' + '8001' + '0000' + '1400' + '0200' + '0f00'
sll2_vectors = [
    vector('sll2-echo-request', SLL2CAP % 1 + 'loopback (ARPHRD 772), packet type 4 (sent by us), an ICMP echo request (RFC 792)', SLL2[0], 'linux-sll2'),
    vector('sll2-echo-reply', SLL2CAP % 2 + 'the kernel\'s ICMP echo reply', SLL2[1], 'linux-sll2'),
    vector('sll2-udp', SLL2CAP % 3 + 'UDP (RFC 768) to a closed port', SLL2[2], 'linux-sll2'),
    vector('sll2-port-unreachable', SLL2CAP % 4 + 'the ICMP port unreachable that answers it', SLL2[3], 'linux-sll2'),
    built('sll-llc', 'Encoded by tools/make_vectors.py: LINKTYPE_LINUX_SLL (113) header of protocol 0x0004 (ETH_P_802_2, linux/if_ether.h): '
          'an IEEE 802.2 LLC frame follows (spanning tree BPDU, kept raw)', [
              {'layer': 'linux-sll', 'fields': {'packetType': 2, 'arphrdType': 1, 'addressLength': 6, 'address': '0200000000050000'}},
              {'layer': 'llc', 'fields': {'dsap': 0x42, 'ssap': 0x42}}, {'layer': 'raw', 'fields': {'data': STP_BPDU}}], 'linux-sll'),
    built('sll2-llc', 'Encoded by tools/make_vectors.py: LINKTYPE_LINUX_SLL2 (276) header of protocol 0x0004 (ETH_P_802_2, linux/if_ether.h): '
          'an IEEE 802.2 LLC frame follows (DSAP/SSAP 0x42, spanning tree, UI), its body raw', [
              {'layer': 'linux-sll2', 'fields': {'interfaceIndex': 3, 'arphrdType': 1, 'packetType': 2, 'addressLength': 6, 'address': '0200000000050000'}},
              {'layer': 'llc', 'fields': {'dsap': 0x42, 'ssap': 0x42}}, {'layer': 'raw', 'fields': {'data': STP_BPDU}}], 'linux-sll2'),
]
TUNCAP = ('Linux 6.18 kernel output captured by test/vectors/tools/capture-link-types.sh with tcpdump 4.99.3 on a tun device, '
          'file captures/tun-raw.pcap frame 1: IPv4 (RFC 791) and UDP (RFC 768) from 192.0.2.1 to 192.0.2.9, ')
raw_ip_vectors = [
    vector('raw-ip-101', TUNCAP + 'as written: LINKTYPE_RAW (101)', TUN[0], 'auto', link_type=101),
    vector('raw-ip-dlt-12', TUNCAP + 'the file\'s link type given as DLT_RAW 12 (most systems; LINKTYPE_RAW in files)', TUN[0], 'auto', link_type=12),
    vector('raw-ip-dlt-14', TUNCAP + 'the file\'s link type given as DLT_RAW 14 (some BSDs)', TUN[0], 'auto', link_type=14),
]
UDP_LINK = lambda tag: [{'layer': 'ipv4', 'fields': {'id': 0x4c00 + tag, 'src': H, 'dst': R}}, {'layer': 'udp', 'fields': {'srcPort': 40000, 'dstPort': 40001}},
                        {'layer': 'raw', 'fields': {'data': b'link'.hex()}}]
ECHO_LINK = lambda tag: [{'layer': 'ipv4', 'fields': {'id': 0x4c00 + tag, 'src': H, 'dst': R}},
                         {'layer': 'icmp', 'fields': {'type': 'echo-request', 'id': 0x7263, 'seq': tag}}, {'layer': 'raw', 'fields': {'data': b'link'.hex()}}]
NULL_SPEC = 'Encoded by tools/make_vectors.py from LINKTYPE_NULL (0, https://www.tcpdump.org/linktypes/LINKTYPE_NULL.html): '
bsd_loopback_vectors = [
    built('null-ipv4-little-endian', NULL_SPEC + 'AF_INET 2 in little-endian host byte order (macOS lo0 on x86 and ARM), IPv4/UDP', [
        {'layer': 'bsd-null', 'fields': {}}] + UDP_LINK(1), 'bsd-null'),
    built('null-ipv4-big-endian', NULL_SPEC + 'AF_INET 2 written by a big-endian host, IPv4/ICMP echo', [
        {'layer': 'bsd-null', 'fields': {'byteOrder': 'big'}}] + ECHO_LINK(2), 'bsd-null'),
    built('null-unknown-family', NULL_SPEC + 'family 1 (AF_UNIX): not IP, kept raw', [
        {'layer': 'bsd-null', 'fields': {'family': 1}}, {'layer': 'raw', 'fields': {'data': b'unix'.hex()}}], 'bsd-null'),
    built('loop-ipv4', 'Encoded by tools/make_vectors.py from LINKTYPE_LOOP (108, https://www.tcpdump.org/linktypes/LINKTYPE_LOOP.html): '
          'AF_INET 2 in network byte order (OpenBSD lo0), IPv4/UDP', [{'layer': 'bsd-loop', 'fields': {}}] + UDP_LINK(3), 'bsd-loop'),
]
PPP_SPEC = 'Encoded by tools/make_vectors.py from RFC 1661 section 2 and RFC 1662 section 3.1: '
ppp_vectors = [
    built('ppp-ipv4', PPP_SPEC + 'LINKTYPE_PPP (9) frame with address 0xff, control 0x03, protocol 0x0021 (IPv4)', [
        {'layer': 'ppp', 'fields': {}}] + UDP_LINK(4), 'ppp', link_type=9),
    built('ppp-acfc-pfc', PPP_SPEC + 'LINKTYPE_PPP (9) frame with address and control compressed away (ACFC, RFC 1661 section 6.6) '
          'and a 1-byte protocol 0x21 (PFC, section 6.5)', [
        {'layer': 'ppp', 'fields': {'addressControl': False, 'protocolCompressed': True}}] + ECHO_LINK(5), 'ppp', link_type=9),
    built('ppp-hdlc-ipv4', PPP_SPEC + 'LINKTYPE_PPP_HDLC (50): PPP in HDLC-like framing, without flags, stuffing or FCS', [
        {'layer': 'ppp', 'fields': {}}] + UDP_LINK(6), 'ppp', link_type=50),
    built('cisco-hdlc-ipv4', 'Encoded by tools/make_vectors.py from RFC 1547 section 4.3.1: LINKTYPE_C_HDLC (104) frame, address 0x0f (unicast), '
          'control 0, EtherType 0x0800, IPv4/UDP', [{'layer': 'cisco-hdlc', 'fields': {}}] + UDP_LINK(15), 'cisco-hdlc', link_type=104),
    built('cisco-hdlc-in-ppp-hdlc', 'Encoded by tools/make_vectors.py from RFC 1547 section 4.3.1: a Cisco HDLC broadcast (address 0x8f) in a '
          'LINKTYPE_PPP_HDLC (50) file, which holds both kinds (https://www.tcpdump.org/linktypes.html), IPv4/ICMP echo',
          [{'layer': 'cisco-hdlc', 'fields': {'address': 0x8f}}] + ECHO_LINK(16), 'cisco-hdlc', link_type=50),
    built('cisco-hdlc-slarp', 'Encoded by tools/make_vectors.py from RFC 1547 section 4.3.1: a SLARP keepalive (EtherType 0x8035, '
          'Cisco\'s serial line ARP: code 2, sequence numbers, reliability 0xffff), kept raw',
          [{'layer': 'cisco-hdlc', 'fields': {'address': 0x8f, 'protocol': 0x8035}}, {'layer': 'raw', 'fields': {'data': '0000000200000005000000040xffff'.replace('0x', '')}}], 'cisco-hdlc', link_type=104),
    built('ppp-lcp', PPP_SPEC + 'an LCP (0xc021) Configure-Request (RFC 1661 section 5.1) with an MRU option 1500: kept raw', [
        {'layer': 'ppp', 'fields': {'protocol': 0xc021}}, {'layer': 'raw', 'fields': {'data': '01010008010405dc'}}], 'ppp', link_type=9),
]
PKTAP_SPEC = ('Encoded by tools/make_vectors.py from LINKTYPE_PKTAP (258, https://www.tcpdump.org/linktypes/LINKTYPE_PKTAP.html) '
              'with the header layout tcpdump 4.99 reads (print-pktap.c): ')
pktap_vectors = [
    built('pktap-lo0-null', PKTAP_SPEC + 'a 108-byte header on lo0 (DLT_NULL 0, process curl[4242]) before a LINKTYPE_NULL frame with IPv4/UDP, '
          'as macOS writes', [
        {'layer': 'pktap', 'fields': {'interfaceName': 'lo0', 'protocolFamily': 2, 'preLength': 4, 'pid': 4242, 'command': 'curl',
                                      'interfaceType': 24, 'effectivePid': 4242, 'effectiveCommand': 'curl', 'serviceClass': 0}},
        {'layer': 'bsd-null', 'fields': {}}] + UDP_LINK(17), 'pktap'),
    built('pktap-en0-ethernet', PKTAP_SPEC + 'en0 (DLT_EN10MB 1, interface type 6) before an Ethernet frame with IPv4/ICMP echo', [
        {'layer': 'pktap', 'fields': {'interfaceName': 'en0', 'protocolFamily': 2, 'preLength': 14, 'pid': 77, 'command': 'ping',
                                      'interfaceType': 6, 'effectivePid': 77, 'effectiveCommand': 'ping'}},
        {'layer': 'ethernet', 'fields': {'dst': '02:00:00:00:00:02', 'src': '02:00:00:00:00:01'}}] + ECHO_LINK(18), 'pktap'),
    built('pktap-utun-raw', PKTAP_SPEC + 'utun3 with DLT_RAW (12): the IP datagram follows the header directly', [
        {'layer': 'pktap', 'fields': {'interfaceName': 'utun3', 'protocolFamily': 2, 'interfaceUnit': 3}}] + UDP_LINK(19), 'pktap'),
]
NFLOG_SPEC = ('Encoded by tools/make_vectors.py from LINKTYPE_NFLOG (239, https://www.tcpdump.org/linktypes/LINKTYPE_NFLOG.html) and '
              'the NFULA_ attribute numbers of linux/netfilter/nfnetlink_log.h: ')
# NFULA_PACKET_HDR (1): hardware protocol 0x0800 (big-endian), hook 3 (local out), pad.
NFLOG_HDR = {'type': 1, 'data': '08000300'}
nflog_vectors = [
    built('nflog-ipv4-prefix', NFLOG_SPEC + 'group 5, a packet header and an output interface TLV (little-endian lengths and types, '
          'as on x86), the IPv4/UDP payload TLV, then a prefix TLV "rawcraft" after it: the layer\'s trailer', [
        {'layer': 'nflog', 'fields': {'resourceId': 5, 'tlvs': [NFLOG_HDR, {'type': 5, 'data': '00000002'}]}, 'trailer': '0d000a007261776372616674000000'[:30] + '00'},
        ] + UDP_LINK(20), 'nflog'),
    built('nflog-big-endian', NFLOG_SPEC + 'TLVs written by a big-endian host (in a big-endian file, as that host writes it), '
          'a 3-byte value padded to 4, IPv4/ICMP echo', [
        {'layer': 'nflog', 'fields': {'resourceId': 1, 'byteOrder': 'big', 'tlvs': [NFLOG_HDR, {'type': 2, 'data': '000001'}]}}] + ECHO_LINK(21),
          'nflog', file_byte_order='big'),
]
A1, A2, A3, A4 = '02:00:00:00:00:01', '02:00:00:00:00:02', '02:00:00:00:00:03', '02:00:00:00:00:04'
WLAN_SPEC = 'Encoded by tools/make_vectors.py from IEEE 802.11-2020 clause 9.2 and 9.3 (LINKTYPE_IEEE802_11, 105, no FCS): '
SNAP = {'layer': 'llc', 'fields': {}}
ieee80211_vectors = [
    built('wlan-data-to-ds', WLAN_SPEC + 'a data frame to the DS (addresses BSSID, SA, DA), then an LLC/SNAP header (IEEE 802.2, RFC 1042) '
          'of EtherType 0x0800 and IPv4/UDP', [
        {'layer': 'ieee80211', 'fields': {'flags': ['to-ds'], 'duration': 44, 'addresses': [A1, A2, A3], 'sequence': 1234}}, SNAP] + UDP_LINK(7), 'ieee80211'),
    built('wlan-qos-data-from-ds', WLAN_SPEC + 'a QoS data frame (subtype 8) from the DS, QoS control TID 5, then LLC/SNAP and IPv4/ICMP echo', [
        {'layer': 'ieee80211', 'fields': {'subtype': 8, 'flags': ['from-ds'], 'duration': 48, 'addresses': [A2, A1, A3], 'sequence': 77, 'qosControl': 5}},
        SNAP] + ECHO_LINK(8), 'ieee80211'),
    built('wlan-four-address', WLAN_SPEC + 'a data frame with to-ds and from-ds (a wireless bridge): four addresses, the fourth after sequence control', [
        {'layer': 'ieee80211', 'fields': {'flags': ['from-ds', 'to-ds'], 'addresses': [A1, A2, A3, A4], 'sequence': 9, 'fragment': 0}}, SNAP] + UDP_LINK(9), 'ieee80211'),
    built('wlan-snap-arp', WLAN_SPEC + 'a data frame whose LLC/SNAP header carries EtherType 0x0806: an ARP request (RFC 826)', [
        {'layer': 'ieee80211', 'fields': {'flags': ['to-ds'], 'addresses': [A1, A2, 'ff:ff:ff:ff:ff:ff'], 'sequence': 10}},
        {'layer': 'llc', 'fields': {}}, {'layer': 'arp', 'fields': {'senderMac': A2, 'senderIp': H, 'targetIp': R}}], 'ieee80211'),
    built('wlan-beacon', WLAN_SPEC + 'a beacon (management subtype 8): header decoded, body (timestamp, interval, capabilities, SSID "rawcraft") raw', [
        {'layer': 'ieee80211', 'fields': {'type': 'management', 'subtype': 8, 'addresses': ['ff:ff:ff:ff:ff:ff', A1, A1], 'sequence': 300}},
        {'layer': 'raw', 'fields': {'data': '0000000000000000640011040008' + b'rawcraft'.hex()}}], 'ieee80211'),
    built('wlan-ack', WLAN_SPEC + 'an ACK (control subtype 13): receiver address only', [
        {'layer': 'ieee80211', 'fields': {'type': 'control', 'subtype': 13, 'addresses': [A2]}}], 'ieee80211'),
    built('wlan-rts', WLAN_SPEC + 'an RTS (control subtype 11): receiver and transmitter addresses', [
        {'layer': 'ieee80211', 'fields': {'type': 'control', 'subtype': 11, 'duration': 300, 'addresses': [A2, A1]}}], 'ieee80211'),
]
RT_SPEC = 'Encoded by tools/make_vectors.py from radiotap.org (LINKTYPE_IEEE802_11_RADIOTAP, 127) and IEEE 802.11-2020 clause 9.2: '


def with_fcs(layers):
    """The layers, the first (radiotap) given the CRC-32 of the 802.11 frame as its trailer, little-endian."""
    data = encode(layers)
    start = struct.unpack('<H', data[2:4])[0]
    layers[0]['trailer'] = struct.pack('<I', link_layers.crc32(data[start:])).hex()
    return layers


RT_DATA = {'layer': 'ieee80211', 'fields': {'flags': ['to-ds'], 'duration': 44, 'addresses': [A1, A2, A3], 'sequence': 55}}
radiotap_vectors = [
    built('radiotap-common-fields', RT_SPEC + 'TSFT, flags, rate, channel, antenna signal and antenna, each aligned to its size; '
          'then a data frame, LLC/SNAP and IPv4/UDP', [
        {'layer': 'radiotap', 'fields': {'tsft': '1234567890123', 'flags': 0, 'rate': 108, 'channelFrequency': 5180, 'channelFlags': 0x0140,
                                          'antennaSignal': -52, 'antenna': 1}}, RT_DATA, SNAP] + UDP_LINK(10), 'radiotap'),
    built('radiotap-fcs', RT_SPEC + 'flags 0x10: the 802.11 frame ends with its FCS (CRC-32, IEEE 802.11-2020 clause 9.2.4.8), '
          'the radiotap layer\'s trailer', with_fcs([
        {'layer': 'radiotap', 'fields': {'flags': 0x10, 'rate': 12, 'antennaSignal': -70}}, RT_DATA, SNAP] + ECHO_LINK(11)), 'radiotap'),
    built('radiotap-data-padding', RT_SPEC + 'flags 0x20: the driver padded the 26-byte QoS data header to 28 bytes before the LLC/SNAP header', [
        {'layer': 'radiotap', 'fields': {'flags': 0x20, 'rate': 108}},
        {'layer': 'ieee80211', 'fields': {'subtype': 8, 'flags': ['to-ds'], 'addresses': [A1, A2, A3], 'sequence': 56, 'qosControl': 0, 'padding': '0000'}},
        SNAP] + UDP_LINK(14), 'radiotap'),
    built('radiotap-extended-present', RT_SPEC + 'two presence bitmaps (bit 31: another follows; bit 29: the radiotap namespace again, '
          'as Linux writes per-antenna signals): flags, rate, channel, signal, then signal and antenna of antenna 0', [
        {'layer': 'radiotap', 'fields': {'present': [0xa000002e, 0x00000820], 'data': '006c3c144001cec800'}}, RT_DATA, SNAP] + UDP_LINK(12), 'radiotap'),
]
LLC_SPEC = 'Encoded by tools/make_vectors.py from IEEE 802.3 clause 3.2.6 (a length, not a type) and IEEE 802.2 clause 5: '
llc_vectors = [
    built('ethernet-8023-stp', LLC_SPEC + 'an 802.3 frame of length 38: LLC DSAP/SSAP 0x42 (spanning tree), UI control, a BPDU kept raw, '
          'then padding to the 60-byte minimum as the Ethernet layer\'s trailer', [
        {'layer': 'ethernet', 'fields': {'dst': '01:80:c2:00:00:00', 'src': A1, 'etherType': 38}, 'trailer': '00' * 8},
        {'layer': 'llc', 'fields': {'dsap': 0x42, 'ssap': 0x42}},
        {'layer': 'raw', 'fields': {'data': STP_BPDU}}], 'ethernet'),
    built('ethernet-8023-llc-information', LLC_SPEC + 'an 802.3 frame whose LLC PDU is in the information format: 2-byte control (N(S) 2, N(R) 3, P 0), '
          'DSAP/SSAP 0xf0 (NetBIOS)', [
        {'layer': 'ethernet', 'fields': {'dst': A2, 'src': A1, 'etherType': 50}},
        {'layer': 'llc', 'fields': {'dsap': 0xf0, 'ssap': 0xf0, 'control': 0x0406}}, {'layer': 'raw', 'fields': {'data': '00' * 46}}], 'ethernet'),
    built('ethernet-8023-snap-ipv4', LLC_SPEC + 'an 802.3 frame with LLC/SNAP (RFC 1042) of EtherType 0x0800 and IPv4/UDP', [
        {'layer': 'ethernet', 'fields': {'dst': A2, 'src': A1, 'etherType': 40}}, SNAP] + UDP_LINK(13), 'ethernet'),
]

GRE_SPEC = 'Encoded by tools/make_vectors.py from RFC 2784 section 2 and RFC 2890 section 2 (tools/tunnels.py), IP protocol 47: '
OUTER = {'layer': 'ipv4', 'fields': {'id': 0x4700, 'src': '192.0.2.1', 'dst': '192.0.2.2'}}
gre_vectors = [
    built('gre-ipv4-udp', GRE_SPEC + 'the base header (no optional fields), Protocol Type 0x0800: an IPv4/UDP datagram in the tunnel',
          [OUTER, {'layer': 'gre', 'fields': {}}] + UDP_LINK(30), 'ipv4'),
    built('gre-key-sequence-icmp', GRE_SPEC + 'Key 0x00010203 and Sequence Number 7 (K and S bits), carrying an IPv4/ICMP echo request',
          [OUTER, {'layer': 'gre', 'fields': {'key': 0x00010203, 'sequence': 7}}] + ECHO_LINK(31), 'ipv4'),
    built('gre-checksum-key-ethernet', GRE_SPEC + 'the checksum (C bit, RFC 2784 section 2.5) and a Key, Protocol Type 0x6558 '
          '(Transparent Ethernet Bridging): an Ethernet frame with IPv4/UDP',
          [OUTER, {'layer': 'gre', 'fields': {'flags': ['checksum', 'key'], 'key': 42}},
           {'layer': 'ethernet', 'fields': {'dst': '02:00:00:00:00:02', 'src': '02:00:00:00:00:01'}}] + UDP_LINK(32), 'ipv4'),
]
VXLAN_SPEC = 'Encoded by tools/make_vectors.py from RFC 7348 section 5 (tools/tunnels.py), UDP destination port 4789: '
VXLAN_UDP = {'layer': 'udp', 'fields': {'srcPort': 49152, 'dstPort': 4789}}
INNER_ETH = {'layer': 'ethernet', 'fields': {'dst': '02:00:00:00:00:02', 'src': '02:00:00:00:00:01'}}
vxlan_vectors = [
    built('vxlan-vni-42-icmp', VXLAN_SPEC + 'flags 0x08 (I), VNI 42, an Ethernet frame with an IPv4/ICMP echo request',
          [OUTER, VXLAN_UDP, {'layer': 'vxlan', 'fields': {'vni': 42}}, INNER_ETH] + ECHO_LINK(33), 'ipv4'),
    built('vxlan-vni-max-udp', VXLAN_SPEC + 'the largest VNI (0xffffff), an Ethernet frame with IPv4/UDP',
          [OUTER, VXLAN_UDP, {'layer': 'vxlan', 'fields': {'vni': 0xffffff}}, INNER_ETH] + UDP_LINK(34), 'ipv4'),
]

IGMP_SPEC = 'Encoded by tools/make_vectors.py from RFC 1112 appendix I, RFC 2236 section 2 and RFC 3376 section 4 (tools/igmp.py), IP protocol 2: '
ALL_HOSTS = {'id': 0x4900, 'ttl': 1, 'src': '192.0.2.1', 'dst': '224.0.0.1'}
igmp_vectors = [
    built('igmp-v2-general-query', IGMP_SPEC + 'a version 2 general query (group 0.0.0.0), Max Resp Time 100 (10 s), to all hosts',
          [{'layer': 'ipv4', 'fields': ALL_HOSTS}, {'layer': 'igmp', 'fields': {'maxRespCode': 100}}], 'ipv4'),
    built('igmp-v3-group-source-query', IGMP_SPEC + 'a version 3 group-and-source-specific query: S flag, QRV 2, QQIC 125, two sources',
          [{'layer': 'ipv4', 'fields': dict(ALL_HOSTS, dst='233.252.0.1')},
           {'layer': 'igmp', 'fields': {'maxRespCode': 20, 'group': '233.252.0.1', 'suppress': True, 'sources': ['192.0.2.9', '192.0.2.10']}}], 'ipv4'),
    built('igmp-v3-report-records', IGMP_SPEC + 'a version 3 report to 224.0.0.22 with two group records: MODE_IS_EXCLUDE with no '
          'source (a join), ALLOW_NEW_SOURCES with one source',
          [{'layer': 'ipv4', 'fields': dict(ALL_HOSTS, dst='224.0.0.22')},
           {'layer': 'igmp', 'fields': {'type': 'v3-membership-report', 'records': [
               {'type': 'mode-is-exclude', 'multicastAddress': '233.252.0.1', 'sources': [], 'auxData': ''},
               {'type': 'allow-new-sources', 'multicastAddress': '233.252.0.2', 'sources': ['198.51.100.7'], 'auxData': ''}]}}], 'ipv4'),
    built('igmp-v2-report', IGMP_SPEC + 'a version 2 membership report for 233.252.0.1',
          [{'layer': 'ipv4', 'fields': dict(ALL_HOSTS, dst='233.252.0.1')}, {'layer': 'igmp', 'fields': {'type': 'v2-membership-report', 'group': '233.252.0.1'}}], 'ipv4'),
    built('igmp-v2-leave', IGMP_SPEC + 'a version 2 leave group for 233.252.0.1, to all routers',
          [{'layer': 'ipv4', 'fields': dict(ALL_HOSTS, dst='224.0.0.2')}, {'layer': 'igmp', 'fields': {'type': 'leave-group', 'group': '233.252.0.1'}}], 'ipv4'),
    built('igmp-v1-report', IGMP_SPEC + 'a version 1 host membership report for 233.252.0.1',
          [{'layer': 'ipv4', 'fields': dict(ALL_HOSTS, dst='233.252.0.1')}, {'layer': 'igmp', 'fields': {'type': 'v1-membership-report', 'group': '233.252.0.1'}}], 'ipv4'),
]

check = '--check' in sys.argv
stale = []
for fname, vs in [('ipv4', ipv4_vectors), ('icmp', icmp_vectors), ('udp', udp_vectors), ('tcp', tcp_vectors),
                  ('ethernet', ethernet_vectors), ('linux-sll', sll_vectors), ('linux-sll2', sll2_vectors), ('raw-ip', raw_ip_vectors),
                  ('bsd-loopback', bsd_loopback_vectors), ('ppp', ppp_vectors), ('pktap', pktap_vectors), ('nflog', nflog_vectors), ('ieee80211', ieee80211_vectors), ('radiotap', radiotap_vectors),
                  ('llc', llc_vectors), ('gre', gre_vectors), ('vxlan', vxlan_vectors), ('igmp', igmp_vectors)]:
    path = os.path.join(VECTORS, fname + '.json')
    text = json.dumps(vs, indent=1) + '\n'
    if check:
        with open(path) as f:
            if f.read() != text:
                stale.append(path)
        continue
    with open(path, 'w') as out:
        out.write(text)
    print(fname, len(vs))
if stale:
    print('differs from make_vectors.py output:', *stale)
    sys.exit(1)
