"""
Link layers of capture files, for make_vectors.py: an encoder and decoder written from the
specifications with nothing but `struct`, independent of rawcraft.

  bsd-null    LINKTYPE_NULL (0): 4-byte address family in the capturing host's byte order
  bsd-loop    LINKTYPE_LOOP (108): the same in network byte order
  ppp         RFC 1661 section 2 (protocol field, PFC), RFC 1662 section 3.1 (address 0xff, control 0x03)
  pktap       LINKTYPE_PKTAP (258): Apple's little-endian header, layout of tcpdump's print-pktap.c
  cisco-hdlc  RFC 1547 section 4.3.1 (address 0x0f/0x8f, control 0, EtherType), LINKTYPE_C_HDLC (104)
  linux-sll2  LINKTYPE_LINUX_SLL2 (276): https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html
  llc         IEEE 802.2 clause 3 (DSAP, SSAP, control), IEEE 802 clause 10 / RFC 1042 (SNAP)
  ieee80211   IEEE Std 802.11-2020 clause 9.2.3, 9.2.4 (MAC header), 9.3.1, 9.3.2 (per-type layouts)
  radiotap    https://www.radiotap.org (header, presence bitmaps, alignment, defined fields)
  nflog       LINKTYPE_NFLOG (239): https://www.tcpdump.org/linktypes/LINKTYPE_NFLOG.html (TLVs in host byte order)
  arp         RFC 826 (what SNAP and cooked headers can carry): Ethernet/IPv4 addresses as text, others as hex
"""
import struct

NAMES = ('arp', 'nflog', 'bsd-null', 'bsd-loop', 'ppp', 'cisco-hdlc', 'pktap', 'linux-sll2', 'llc', 'ieee80211', 'radiotap')

ARP_OPERATIONS = {1: 'request', 2: 'reply', 3: 'rarp-request', 4: 'rarp-reply', 8: 'inarp-request', 9: 'inarp-reply'}
DEFAULTS = {
    'nflog': {'version': 0, 'resourceId': 0, 'byteOrder': 'little', 'tlvs': [], 'payload': True},
    'arp': {'hardwareType': 1, 'protocolType': 0x0800, 'operation': 'request', 'senderMac': '00:00:00:00:00:00', 'senderIp': '0.0.0.0',
            'targetMac': '00:00:00:00:00:00', 'targetIp': '0.0.0.0'},
    'bsd-null': {'byteOrder': 'little'},
    'bsd-loop': {},
    'ppp': {'addressControl': True, 'protocolCompressed': False},
    'cisco-hdlc': {'address': 0x0f, 'control': 0},
    'pktap': {'recordType': 1, 'rest': '00' * 96, 'interfaceName': '', 'flags': 0, 'protocolFamily': 0, 'preLength': 0, 'postLength': 0,
              'pid': 0, 'command': '', 'serviceClass': 0, 'interfaceType': 0, 'interfaceUnit': 0, 'effectivePid': 0, 'effectiveCommand': ''},
    'linux-sll2': {'reserved': 0, 'interfaceIndex': 1, 'arphrdType': 772, 'packetType': 4, 'addressLength': 0, 'address': '0000000000000000'},
    'llc': {'dsap': 0xaa, 'ssap': 0xaa, 'control': 3, 'format': 'unnumbered', 'oui': 0},
    'ieee80211': {'subtype': 0, 'type': 'data', 'version': 0, 'flags': [], 'duration': 0, 'sequence': 0, 'fragment': 0,
                  'qosControl': 0, 'htControl': 0},
    'radiotap': {'version': 0, 'pad': 0},
}
COMPUTED = {
    'arp': ['hardwareLength', 'protocolLength'],
    'nflog': ['family', 'payloadLength'],
    'bsd-null': ['family'], 'bsd-loop': ['family'], 'ppp': ['protocol'], 'cisco-hdlc': ['protocol'], 'pktap': ['length', 'dlt', 'rest'], 'linux-sll2': ['protocol'],
    'llc': ['format', 'pid'], 'ieee80211': [], 'radiotap': ['length', 'present', 'data'],
}

ETHERTYPE = {'ipv4': 0x0800, 'ipv6': 0x86dd}
AF_INET6 = (24, 28, 30)  # NetBSD/OpenBSD, FreeBSD, macOS (10, Linux's, only before an IPv6 version nibble)
PPP_PROTOCOL = {'ipv4': 0x0021, 'ipv6': 0x0057}
WLAN_TYPES = ['management', 'control', 'data', 'extension']
# Frame control flags, most significant bit of the second byte first (clause 9.2.4.1.1).
WLAN_FLAGS = ['order', 'protected', 'more-data', 'power-management', 'retry', 'more-fragments', 'from-ds', 'to-ds']
# radiotap.org: (alignment, size) of defined fields 0..27.
RT_SHAPES = [(8, 8), (1, 1), (1, 1), (2, 4), (1, 2), (1, 1), (1, 1), (2, 2), (2, 2), (2, 2), (1, 1), (1, 1), (1, 1), (1, 1),
             (2, 2), (2, 2), (1, 1), (1, 1), (4, 8), (1, 3), (4, 8), (2, 12), (8, 12), (2, 12), (2, 12), (2, 6), (1, 1), (2, 4)]
# Decoded radiotap fields: name, presence bit, offset in the field, struct format (little-endian).
# PKTAP fields after the DLT: name, offset, struct format or text size.
PKTAP = [('interfaceName', 12, 24), ('flags', 36, '<I'), ('protocolFamily', 40, '<I'), ('preLength', 44, '<I'), ('postLength', 48, '<I'),
         ('pid', 52, '<I'), ('command', 56, 20), ('serviceClass', 76, '<I'), ('interfaceType', 80, '<H'), ('interfaceUnit', 82, '<H'),
         ('effectivePid', 84, '<I'), ('effectiveCommand', 88, 20)]
PKTAP_DLT = {'bsd-null': 0, 'ethernet': 1, 'ppp': 9, 'ipv4': 12, 'ipv6': 12, 'ieee80211': 105, 'radiotap': 127}
DLT_LAYER = {0: 'bsd-null', 1: 'ethernet', 9: 'ppp', 12: 'raw-ip', 101: 'raw-ip', 105: 'ieee80211', 108: 'bsd-loop', 127: 'radiotap', 276: 'linux-sll2'}
RT_TYPED = [('tsft', 0, 0, '<Q'), ('flags', 1, 0, '<B'), ('rate', 2, 0, '<B'), ('channelFrequency', 3, 0, '<H'),
            ('channelFlags', 3, 2, '<H'), ('antennaSignal', 5, 0, '<b'), ('antennaNoise', 6, 0, '<b'), ('antenna', 11, 0, '<B')]


def g(f, layer, name):
    return f[name] if name in f else DEFAULTS[layer].get(name, 0)


def mac(s):
    return bytes(int(x, 16) for x in s.split(':'))


def mac_text(b):
    return ':'.join('%02x' % x for x in b)


def family_next(fam, buf, at, end):
    if fam == 2:
        return 'ipv4'
    if fam in AF_INET6 or (fam == 10 and at < end and buf[at] >> 4 == 6):
        return 'ipv6'
    return 'raw'


def wlan_layout(t, st, flags):
    """(addresses, sequence control, QoS control, HT control) present, from clause 9.3."""
    if t == 1:
        return (1 if st in (0x7, 0xc, 0xd) else 2), False, False, False
    if t == 0:
        return 3, True, False, bool(flags & 0x80)
    if t == 2:
        qos = bool(st & 8)
        return (4 if flags & 3 == 3 else 3), True, qos, qos and bool(flags & 0x80)
    return 0, False, False, False


def wlan_fc(f):
    t = g(f, 'ieee80211', 'type')
    t = WLAN_TYPES.index(t) if isinstance(t, str) else t
    fl = g(f, 'ieee80211', 'flags')
    fl = fl if isinstance(fl, int) else sum(0x80 >> WLAN_FLAGS.index(x) for x in fl)
    return t, g(f, 'ieee80211', 'subtype'), fl


def rt_offsets(word0, start):
    """Offsets from the radiotap header start of the first bitmap's fields, and where they end."""
    out, at = {}, start
    for bit in range(29):
        if word0 >> bit & 1:
            if bit >= len(RT_SHAPES):
                return out, at, False
            al, size = RT_SHAPES[bit]
            at = (at + al - 1) // al * al
            out[bit] = at
            at += size
    return out, at, True


def rt_plan(f):
    if 'present' in f:
        present = f['present']
    else:
        w = 0
        for name, bit, _, _ in RT_TYPED:
            if name in f:
                w |= 1 << bit
        present = [w]
    start = 4 + 4 * len(present)
    offs, end, _ = rt_offsets(present[0], start)
    data = bytearray(bytes.fromhex(f['data'])) if 'data' in f else bytearray(end - start)
    for name, bit, at, fmt in RT_TYPED:
        if name in f:
            struct.pack_into(fmt, data, offs[bit] + at - start, int(f[name]))
    return present, bytes(data)


def pktap_rest(f):
    rest = bytearray(bytes.fromhex(f['rest'])) if 'rest' in f else bytearray(96)
    for name, at, kind in PKTAP:
        if name in f:
            if isinstance(kind, int):
                text = f[name].encode('latin1')
                rest[at - 12:at - 12 + len(text)] = text
                if len(text) < kind:
                    rest[at - 12 + len(text)] = 0
            else:
                struct.pack_into(kind, rest, at - 12, f[name])
    return bytes(rest)


def arp_address(value, kind):
    if ':' in value and kind == 'mac':
        return mac(value)
    if value.count('.') == 3 and kind == 'ip':
        return bytes(int(x) for x in value.split('.'))
    return bytes.fromhex(value)


def arp_addresses(f):
    return [arp_address(g(f, 'arp', n), k) for n, k in (('senderMac', 'mac'), ('senderIp', 'ip'), ('targetMac', 'mac'), ('targetIp', 'ip'))]


def nflog_tlvs(f):
    out = b''
    fmt = '<HH' if g(f, 'nflog', 'byteOrder') == 'little' else '>HH'
    for t in g(f, 'nflog', 'tlvs'):
        data = bytes.fromhex(t.get('data', ''))
        out += struct.pack(fmt, 4 + len(data), t['type']) + data + bytes.fromhex(t.get('padding', '00' * ((4 - len(data) % 4) % 4)))
    return out


def measure(name, f):
    if name == 'nflog':
        return 4 + len(nflog_tlvs(f)) + (4 if g(f, name, 'payload') else 0)
    if name == 'arp':
        return 8 + sum(len(a) for a in arp_addresses(f))
    if name in ('bsd-null', 'bsd-loop'):
        return 4
    if name == 'ppp':
        return (2 if g(f, name, 'addressControl') else 0) + (1 if g(f, name, 'protocolCompressed') else 2)
    if name == 'linux-sll2':
        return 20
    if name == 'cisco-hdlc':
        return 4
    if name == 'pktap':
        return 12 + len(pktap_rest(f))
    if name == 'llc':
        fmt = f.get('format') or ('unnumbered' if g(f, name, 'control') <= 0xff and g(f, name, 'control') & 3 == 3 else 'two')
        n = 3 if fmt == 'unnumbered' else 4
        snap = g(f, name, 'dsap') == 0xaa and g(f, name, 'ssap') == 0xaa and n == 3 and g(f, name, 'control') == 3
        return n + (5 if snap else 0)
    if name == 'ieee80211':
        t, st, fl = wlan_fc(f)
        a, sc, qos, ht = wlan_layout(t, st, fl)
        return 4 + 6 * a + 2 * sc + 2 * qos + 4 * ht + len(bytes.fromhex(f.get('padding', '')))
    if name == 'radiotap':
        present, data = rt_plan(f)
        return 4 + 4 * len(present) + len(data)


def encode(name, f, length, nxt, nxt_ethertype, payload_length=0):
    if name == 'nflog':
        out = struct.pack('>BBH', f.get('family', 10 if nxt == 'ipv6' else 2), g(f, name, 'version'), g(f, name, 'resourceId')) + nflog_tlvs(f)
        if g(f, name, 'payload'):
            fmt = '<HH' if g(f, name, 'byteOrder') == 'little' else '>HH'
            out += struct.pack(fmt, f.get('payloadLength', 4 + payload_length), 9)
        return out
    if name == 'arp':
        sha, spa, tha, tpa = arp_addresses(f)
        op = g(f, name, 'operation')
        op = next(k for k, v in ARP_OPERATIONS.items() if v == op) if isinstance(op, str) else op
        return struct.pack('>HHBBH', g(f, name, 'hardwareType'), g(f, name, 'protocolType'), f.get('hardwareLength', len(sha)),
                           f.get('protocolLength', len(spa)), op) + sha + spa + tha + tpa
    if name == 'bsd-null':
        fam = f.get('family', 30 if nxt == 'ipv6' else 2)
        return struct.pack('<I' if g(f, name, 'byteOrder') == 'little' else '>I', fam)
    if name == 'bsd-loop':
        return struct.pack('>I', f.get('family', 24 if nxt == 'ipv6' else 2))
    if name == 'ppp':
        out = b'\xff\x03' if g(f, name, 'addressControl') else b''
        proto = f.get('protocol', PPP_PROTOCOL.get(nxt, 0x0021))
        return out + (bytes([proto]) if g(f, name, 'protocolCompressed') else struct.pack('>H', proto))
    if name == 'pktap':
        rest = pktap_rest(f)
        return struct.pack('<III', f.get('length', 12 + len(rest)), g(f, name, 'recordType'), f.get('dlt', PKTAP_DLT.get(nxt, 12))) + rest
    if name == 'cisco-hdlc':
        return struct.pack('>BBH', g(f, name, 'address'), g(f, name, 'control'), f.get('protocol', nxt_ethertype))
    if name == 'linux-sll2':
        proto = f.get('protocol', 0x0004 if nxt == 'llc' else nxt_ethertype)
        return struct.pack('>HHIHBB8s', proto, g(f, name, 'reserved'), g(f, name, 'interfaceIndex'), g(f, name, 'arphrdType'),
                           g(f, name, 'packetType'), g(f, name, 'addressLength'), bytes.fromhex(g(f, name, 'address')))
    if name == 'llc':
        c = g(f, name, 'control')
        out = bytes([g(f, name, 'dsap'), g(f, name, 'ssap')]) + (bytes([c]) if length in (3, 8) else struct.pack('>H', c))
        if length == 8:
            out += struct.pack('>I', g(f, name, 'oui'))[1:] + struct.pack('>H', f.get('pid', nxt_ethertype))
        return out
    if name == 'ieee80211':
        t, st, fl = wlan_fc(f)
        a, sc, qos, ht = wlan_layout(t, st, fl)
        out = bytes([(st << 4) | (t << 2) | g(f, name, 'version'), fl]) + struct.pack('<H', g(f, name, 'duration'))
        addrs = f.get('addresses', ['00:00:00:00:00:00'] * a)
        for i in range(a):
            out += mac(addrs[i])
            if i == 2 and sc:
                out += struct.pack('<H', (g(f, name, 'sequence') << 4) | g(f, name, 'fragment'))
        if qos:
            out += struct.pack('<H', g(f, name, 'qosControl'))
        if ht:
            out += struct.pack('<I', g(f, name, 'htControl'))
        return out + bytes.fromhex(f.get('padding', ''))
    if name == 'radiotap':
        present, data = rt_plan(f)
        return struct.pack('<BBH', g(f, name, 'version'), g(f, name, 'pad'), f.get('length', length)) + \
            b''.join(struct.pack('<I', w) for w in present) + data


def decode(name, buf, off, end, below=None):
    """(fields, header end, payload end, next layer name or an EtherType number)."""
    if name == 'nflog':
        fam, ver, rid = struct.unpack('>BBH', buf[off:off + 4])
        at = off + 4
        # The capturing host's byte order: the one in which the first TLV's length fits.
        little = True
        if end - at >= 4:
            fits = lambda n: n >= 4 and at + n <= end
            little = fits(struct.unpack('<H', buf[at:at + 2])[0]) or not fits(struct.unpack('>H', buf[at:at + 2])[0])
        fmt = '<HH' if little else '>HH'
        f = {'family': fam, 'version': ver, 'resourceId': rid, 'byteOrder': 'little' if little else 'big', 'tlvs': [], 'payload': False}
        while at < end:
            ln, tp = struct.unpack(fmt, buf[at:at + 4])
            if tp == 9:
                f['payload'], f['payloadLength'] = True, ln
                return f, at + 4, min(end, at + ln), {2: 'ipv4', 10: 'ipv6'}.get(fam, 'raw')
            padded = at + ln + (4 - ln % 4) % 4
            t = {'type': tp, 'data': bytes(buf[at + 4:at + ln]).hex()}
            if any(buf[at + ln:padded]):
                t['padding'] = bytes(buf[at + ln:padded]).hex()
            f['tlvs'].append(t)
            at = padded
        return f, end, end, None
    if name == 'arp':
        ht, pt, hl, pl, op = struct.unpack('>HHBBH', buf[off:off + 8])
        f = {'hardwareType': ht, 'protocolType': pt, 'hardwareLength': hl, 'protocolLength': pl, 'operation': ARP_OPERATIONS.get(op, op)}
        at = off + 8
        for fname, size, text in (('senderMac', hl, hl == 6), ('senderIp', pl, pl == 4), ('targetMac', hl, hl == 6), ('targetIp', pl, pl == 4)):
            raw = bytes(buf[at:at + size])
            f[fname] = (mac_text(raw) if size == 6 else '.'.join(str(x) for x in raw)) if text else raw.hex()
            at += size
        # RFC 826 packets end with the target address: what follows (Ethernet padding) is a trailer.
        return f, at, at, None
    if name == 'bsd-null':
        (le,) = struct.unpack('<I', buf[off:off + 4])
        order = 'big' if le > 0xffff else 'little'
        fam = struct.unpack('>I', buf[off:off + 4])[0] if order == 'big' else le
        return {'family': fam, 'byteOrder': order}, off + 4, end, family_next(fam, buf, off + 4, end)
    if name == 'bsd-loop':
        (fam,) = struct.unpack('>I', buf[off:off + 4])
        return {'family': fam}, off + 4, end, family_next(fam, buf, off + 4, end)
    if name == 'ppp':
        ac = buf[off:off + 2] == b'\xff\x03'
        at = off + (2 if ac else 0)
        comp = buf[at] & 1 == 1
        proto = buf[at] if comp else struct.unpack('>H', buf[at:at + 2])[0]
        nxt = {0x0021: 'ipv4', 0x0057: 'ipv6'}.get(proto, 'raw')
        return {'addressControl': ac, 'protocol': proto, 'protocolCompressed': comp}, at + (1 if comp else 2), end, nxt
    if name == 'pktap':
        ln, rt, dlt = struct.unpack('<III', buf[off:off + 12])
        f = {'length': ln, 'recordType': rt, 'dlt': dlt, 'rest': bytes(buf[off + 12:off + ln]).hex()}
        for fname, at, kind in PKTAP:
            if isinstance(kind, int):
                raw = bytes(buf[off + at:off + at + kind])
                f[fname] = raw.split(b'\0')[0].decode('latin1')
            else:
                f[fname] = struct.unpack_from(kind, buf, off + at)[0]
        nxt = DLT_LAYER.get(dlt, 'raw') if rt == 1 else 'raw'
        if nxt == 'raw-ip':
            nxt = {4: 'ipv4', 6: 'ipv6'}.get(buf[off + ln] >> 4 if off + ln < end else 0, 'raw')
        return f, off + ln, end, nxt
    if name == 'cisco-hdlc':
        a, c, proto = struct.unpack('>BBH', buf[off:off + 4])
        return {'address': a, 'control': c, 'protocol': proto}, off + 4, end, proto
    if name == 'linux-sll2':
        proto, res, ifi, hat, pt, al, addr = struct.unpack('>HHIHBB8s', buf[off:off + 20])
        f = {'protocol': proto, 'reserved': res, 'interfaceIndex': ifi, 'arphrdType': hat, 'packetType': pt, 'addressLength': al,
             'address': addr.hex()}
        return f, off + 20, end, ('llc' if proto == 4 else proto if proto >= 0x600 else 'raw')
    if name == 'llc':
        dsap, ssap, c0 = buf[off], buf[off + 1], buf[off + 2]
        fmt = 'information' if c0 & 1 == 0 else 'supervisory' if c0 & 3 == 1 else 'unnumbered'
        c = c0 if fmt == 'unnumbered' else struct.unpack('>H', buf[off + 2:off + 4])[0]
        at = off + (3 if fmt == 'unnumbered' else 4)
        f = {'dsap': dsap, 'ssap': ssap, 'format': fmt, 'control': c}
        if dsap == 0xaa and ssap == 0xaa and fmt == 'unnumbered' and c == 3:
            f['oui'] = int.from_bytes(buf[at:at + 3], 'big')
            f['pid'] = struct.unpack('>H', buf[at + 3:at + 5])[0]
            return f, at + 5, end, (f['pid'] if f['oui'] in (0, 0xf8) else 'raw')
        return f, at, end, 'raw'
    if name == 'ieee80211':
        fc0, fl = buf[off], buf[off + 1]
        t, st = (fc0 >> 2) & 3, fc0 >> 4
        f = {'subtype': st, 'type': WLAN_TYPES[t], 'version': fc0 & 3,
             'flags': [WLAN_FLAGS[i] for i in range(8) if fl & (0x80 >> i)], 'duration': struct.unpack('<H', buf[off + 2:off + 4])[0]}
        a, sc, qos, ht = wlan_layout(t, st, fl)
        at, f['addresses'] = off + 4, []
        for i in range(a):
            f['addresses'].append(mac_text(buf[at:at + 6]))
            at += 6
            if i == 2 and sc:
                s = struct.unpack('<H', buf[at:at + 2])[0]
                f['sequence'], f['fragment'] = s >> 4, s & 15
                at += 2
        if qos:
            f['qosControl'] = struct.unpack('<H', buf[at:at + 2])[0]
            at += 2
        if ht:
            f['htControl'] = struct.unpack('<I', buf[at:at + 4])[0]
            at += 4
        # radiotap.org flags 0x20: the driver padded the 802.11 header to a multiple of 4 bytes.
        if below and below[0] == 'radiotap' and below[2].get('flags', 0) & 0x20 and (at - off) % 4 and at < end:
            pad = 4 - (at - off) % 4
            f['padding'] = bytes(buf[at:at + pad]).hex()
            at += pad
        data = t == 2 and not st & 4 and not (qos and f['qosControl'] & 0x80) and not fl & 0x40
        return f, at, end, ('llc' if data else 'raw')
    if name == 'radiotap':
        ver, pad, ln = struct.unpack('<BBH', buf[off:off + 4])
        present, at = [], off + 4
        while True:
            (w,) = struct.unpack('<I', buf[at:at + 4])
            present.append(w)
            at += 4
            if not w & 0x80000000:
                break
        f = {'version': ver, 'pad': pad, 'length': ln, 'present': present, 'data': bytes(buf[at:off + ln]).hex()}
        offs, _, _ = rt_offsets(present[0], at - off)
        for fname, bit, fat, fmt in RT_TYPED:
            if bit in offs:
                v = struct.unpack_from(fmt, buf, off + offs[bit] + fat)[0]
                f[fname] = str(v) if fname == 'tsft' else v
        fcs = f.get('flags', 0) & 0x10
        return f, off + ln, (end - 4 if fcs else end), 'ieee80211'


def crc32(b):
    """IEEE 802.3 CRC-32 (reflected, polynomial 0xedb88320), bit by bit."""
    c = 0xffffffff
    for x in b:
        c ^= x
        for _ in range(8):
            c = (c >> 1) ^ (0xedb88320 if c & 1 else 0)
    return c ^ 0xffffffff


def verdict(name, buf, off, hend, pend, f):
    if name != 'radiotap' or not f.get('flags', 0) & 0x10:
        return None
    actual = struct.unpack('<I', buf[pend:pend + 4])[0]
    expected = crc32(bytes(buf[hend:pend]))
    return {'status': 'valid' if actual == expected else 'invalid', 'expected': expected, 'actual': actual}
