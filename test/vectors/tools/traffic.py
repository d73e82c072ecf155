"""Traffic for capture.sh: `server` runs in the router namespace, `client` on the host."""
import socket, struct, sys, time

A = socket.inet_aton
HOST, ROUTER = '192.0.2.1', '192.0.2.2'


def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def server():
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind((ROUTER, 40001))
    t = socket.socket()
    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t.bind((ROUTER, 40100))
    t.listen(4)
    t.settimeout(8)
    try:
        c, _ = t.accept()
        c.recv(100)
        c.close()
    except OSError:
        pass
    time.sleep(8)


def udp_send(data, port=40001, opts=None, no_check=False, dst=ROUTER, sport=0):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if sport:
        u.bind((HOST, sport))
    if opts is not None:
        u.setsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS, opts)
    if no_check:
        u.setsockopt(socket.SOL_SOCKET, 11, 1)  # SO_NO_CHECK: send UDP checksum 0
    u.sendto(data, (dst, port))
    u.close()
    time.sleep(0.05)


def icmp(t, code, body):
    m = struct.pack('!BBH', t, code, 0) + body
    return m[:2] + struct.pack('!H', csum(m)) + m[4:]


def client():
    # UDP to a listener, with a checksum; then with SO_NO_CHECK (checksum 0).
    udp_send(b'rawcraft', sport=40000)
    udp_send(b'nocheck', no_check=True, sport=40000)
    # A payload chosen so the checksum computes to 0: Linux sends it as 0xffff (RFC 768).
    ph = A(HOST) + A(ROUTER) + struct.pack('!BBH', 0, 17, 10)
    word = csum(ph + struct.pack('!HHHHH', 40000, 40001, 10, 0, 0))
    udp_send(struct.pack('!H', word), sport=40000)
    # UDP to a closed port: ICMP port unreachable quoting the datagram.
    udp_send(b'closed', port=40009, sport=40000)
    # TCP: handshake with ECN (RFC 3168: the SYN carries ECE and CWR), data, close.
    c = socket.socket()
    c.bind((HOST, 40101))
    c.connect((ROUTER, 40100))
    c.send(b'hello')
    time.sleep(0.1)
    c.close()
    time.sleep(0.1)
    # TCP to a closed port: RST.
    c = socket.socket()
    c.bind((HOST, 40102))
    try:
        c.connect((ROUTER, 40109))
    except OSError:
        pass
    c.close()
    time.sleep(0.05)
    # IP options through IP_OPTIONS (Linux moves the first source-route hop into the destination
    # and appends the final destination to the list, as RFC 791 section 3.1 describes).
    udp_send(b'rr', opts=bytes([7, 11, 4]) + bytes(8) + b'\0', sport=40010)
    udp_send(b'lsrr', opts=bytes([131, 11, 4]) + A(ROUTER) + A('198.51.100.7') + b'\0', dst='203.0.113.1', sport=40011)
    udp_send(b'ssrr', opts=bytes([137, 7, 4]) + A(ROUTER) + b'\0', dst='203.0.113.1', sport=40012)
    udp_send(b'ts0', opts=bytes([68, 12, 5, 0]) + bytes(8), sport=40013)
    udp_send(b'ts1', opts=bytes([68, 12, 5, 1]) + bytes(8), sport=40014)
    udp_send(b'ts3', opts=bytes([68, 20, 5, 3]) + A(HOST) + bytes(4) + A(ROUTER) + bytes(4), sport=40015)
    udp_send(b'ra', opts=bytes([148, 4, 0, 0]), sport=40016)
    udp_send(b'exp', opts=bytes([94, 4, 0xbe, 0xef]), sport=40017)
    # TCP SYN over LSRR: the kernel's checksum uses the final destination.
    t = socket.socket()
    t.setsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS, bytes([131, 7, 4]) + A(ROUTER) + b'\0')
    t.bind((HOST, 40103))
    t.setblocking(False)
    try:
        t.connect(('203.0.113.9', 80))
    except OSError:
        pass
    time.sleep(0.1)
    t.close()
    # ICMP through a raw socket: echo and timestamp requests; the router's kernel replies.
    ic = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    ic.sendto(icmp(8, 0, struct.pack('!HH', 0x1234, 1) + b'abcdefghijklmnopqrstuvwabcdefghi'), (ROUTER, 0))
    ic.sendto(icmp(13, 0, struct.pack('!HHIII', 0x1234, 2, 1000, 0, 0)), (ROUTER, 0))
    time.sleep(0.1)
    # Through the router: redirect (198.51.100.0/24 leaves by the interface it came in on),
    # time exceeded (TTL 1), fragmentation needed (DF datagram over the 1280-byte route MTU).
    udp_send(b'redirect', dst='198.51.100.1', sport=40020)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind((HOST, 40021))
    u.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 1)
    u.sendto(b'ttl', ('203.0.113.1', 33434))
    u.close()
    time.sleep(0.05)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind((HOST, 40022))
    u.setsockopt(socket.IPPROTO_IP, 10, 2)  # IP_MTU_DISCOVER = IP_PMTUDISC_DO: DF set
    try:
        u.sendto(bytes(1400), ('203.0.113.1', 9))
    except OSError as e:
        print('big', e)
    u.close()
    time.sleep(0.05)
    # A bad option (timestamp with length 3) through IP_HDRINCL: parameter problem.
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    payload = struct.pack('!HHHH', 40000, 40001, 12, 0) + b'bad!'
    h = struct.pack('!BBHHHBBH4s4s', 0x46, 0, 24 + len(payload), 0x4242, 0, 64, 17, 0, A(HOST), A(ROUTER)) + bytes([68, 3, 5, 0])
    h = h[:10] + struct.pack('!H', csum(h)) + h[12:]
    raw.sendto(h + payload, (ROUTER, 0))
    time.sleep(0.3)


if __name__ == '__main__':
    server() if sys.argv[1] == 'server' else client()
