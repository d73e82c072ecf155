#!/bin/sh
# Captures real Linux kernel packets for the byte vectors (see README.md beside this file).
# Run as root:  unshare -n sh test/vectors/tools/capture.sh OUTDIR
# Everything happens inside private network namespaces made here: a "host" (this namespace,
# 192.0.2.1) and a "router" (a child namespace, 192.0.2.2) joined by a veth pair. Transmit
# checksum offload is turned off on both ends so the kernel writes complete UDP/TCP checksums.
# No packet can leave these namespaces. Needs: ip, ethtool, dumpcap, python3, nsenter, unshare.
set -e
OUT=${1:?usage: capture.sh OUTDIR}
HERE=$(cd "$(dirname "$0")" && pwd)
ip link set lo up
ip link add v0 type veth peer name v1
unshare -n sleep 60 &
ROUTER=$!
sleep 0.3
ip link set v1 netns $ROUTER
ip link set v0 address 02:00:00:00:00:01
ip addr add 192.0.2.1/24 dev v0
ip link set v0 up
ethtool -K v0 tx off >/dev/null
ip route add 198.51.100.0/24 via 192.0.2.2
ip route add 203.0.113.0/24 via 192.0.2.2
sysctl -q net.ipv4.tcp_ecn=1
nsenter -t $ROUTER -n sh -c '
  set -e
  ip link set lo up
  ip link set v1 address 02:00:00:00:00:02
  ip addr add 192.0.2.2/24 dev v1
  ip link set v1 up
  ethtool -K v1 tx off >/dev/null
  sysctl -q net.ipv4.ip_forward=1
  sysctl -q net.ipv4.tcp_ecn=1
  sysctl -q net.ipv4.icmp_ratelimit=0
  # 198.51.100.0/24 goes back out the interface it came in on: the router sends a redirect.
  ip route add 198.51.100.0/24 via 192.0.2.3 dev v1
  # 203.0.113.0/24 has a 1280-byte path MTU: too-big DF datagrams get "fragmentation needed".
  ip route add 203.0.113.0/24 via 192.0.2.3 dev v1 mtu lock 1280
'
nsenter -t $ROUTER -n python3 "$HERE/traffic.py" server &
SERVER=$!
sleep 0.5
dumpcap -q -P -i v0 -f ip -w "$OUT/veth-ethernet.pcap" -a duration:4 2>/dev/null &
D1=$!
dumpcap -q -P -i any -y LINUX_SLL -f ip -w "$OUT/any-linux-sll.pcap" -a duration:4 2>/dev/null &
D2=$!
sleep 1
python3 "$HERE/traffic.py" client
wait $D1 $D2
kill $SERVER $ROUTER 2>/dev/null || true
