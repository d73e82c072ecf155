#!/bin/sh
# Captures real Linux kernel packets for the link-type vectors (see README.md beside this file).
# Run as root:  unshare -n sh test/vectors/tools/capture-link-types.sh OUTDIR
# Inside a private network namespace: tcpdump on `any` as LINUX_SLL2 while sending an ICMP echo request and
# UDP to 127.0.0.1, and tcpdump on a tun device (LINKTYPE_RAW) while sending UDP through it to
# 192.0.2.9 (a documentation address routed into the tun, which nothing reads). Nothing leaves
# the namespace. Needs: ip, tcpdump, python3.
set -e
OUT=${1:?usage: capture-link-types.sh OUTDIR}
ip link set lo up
ip tuntap add dev tun0 mode tun
ip addr add 192.0.2.1/24 dev tun0
ip link set tun0 up
sysctl -q net.ipv4.ip_default_ttl=64
tcpdump -Z root -q -i any -y LINUX_SLL2 -U -w "$OUT/any-linux-sll2.pcap" 'host 127.0.0.1' 2>/dev/null &
SLL2=$!
tcpdump -Z root -q -i tun0 -U -w "$OUT/tun-raw.pcap" udp 2>/dev/null &
RAW=$!
sleep 1
python3 -c '
import socket, struct
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s & 0xffff) + (s >> 16)
    return ~((s & 0xffff) + (s >> 16)) & 0xffff
echo = struct.pack("!BBHHH", 8, 0, 0, 0x7263, 1) + b"rawcraft"
echo = echo[:2] + struct.pack("!H", csum(echo)) + echo[4:]
r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
r.sendto(echo, ("127.0.0.1", 0))
r.recv(100)
r.recv(100)
# UDP through a raw socket with the checksum computed here: a datagram socket on lo would leave a
# partial checksum for the (offloaded) hardware, and the capture would hold that.
udp = struct.pack("!HHHH", 40000, 40001, 16, 0) + b"rawcraft"
pseudo = socket.inet_aton("127.0.0.1") * 2 + struct.pack("!BBH", 0, 17, 16)
udp = udp[:6] + struct.pack("!H", csum(pseudo + udp)) + udp[8:]
u = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
u.sendto(udp, ("127.0.0.1", 0))
import fcntl, os, time
tun = os.open("/dev/net/tun", os.O_RDWR)  # an open tun has carrier: the kernel hands it packets
fcntl.ioctl(tun, 0x400454ca, struct.pack("16sH", b"tun0", 0x0001 | 0x1000))  # TUNSETIFF, IFF_TUN | IFF_NO_PI
time.sleep(0.5)
t = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
t.bind(("192.0.2.1", 40000))
t.sendto(b"rawcraft", ("192.0.2.9", 40001))
time.sleep(0.5)
'
sleep 1
kill $SLL2 $RAW
wait 2>/dev/null || true
