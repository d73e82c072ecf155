/**
 * The link layer: a whole Ethernet frame injected through libpcap on an interface, the next
 * hop's MAC found by ARP (or Neighbor Discovery for IPv6) like the kernel would, and the frame
 * as sent printed. Needs libpcap and root (or CAP_NET_RAW); see docs/link-layer.md, which also
 * shows how to make two network namespaces joined by a veth pair to try it in:
 *   sudo ip netns exec rc-x node dist/examples/link-send.js vx 198.18.5.2
 * test/examples/examples.test.ts runs it that way, in namespaces it makes, and checks with
 * tcpdump on the other end that the frame arrived as built.
 */
import { ethernet, ipv4, openTransport, show, decode } from '../src/index.js';

const [iface, destination] = process.argv.slice(2);
if (!iface || !destination) {
  console.error('usage: link-send.js INTERFACE IPV4-ADDRESS   (an address on INTERFACE\'s link)');
  process.exit(2);
}

const transport = openTransport({ kind: 'link', interface: iface });
try {
  // An IP datagram: the transport adds the Ethernet header (source: the interface's MAC;
  // destination: the next hop's, by ARP).
  const datagram = await transport.send(ipv4({ dst: destination, ttl: 9, id: 0x1c1c }).udp({ srcPort: 40300, dstPort: 9 }).payload('via libpcap'));
  const asSent = decode(datagram.bytes, { from: 'ethernet' });
  console.log(`sent ${datagram.sentBytes} bytes:\n${show(asSent)}`);
  // A whole frame, exactly as built, here with a VLAN tag: the same addresses, one tag more.
  // (Frames under Ethernet's 60 bytes get zero padding, as a network card adds; pad: false sends them short.)
  const [eth, ip] = asSent.layers;
  if (eth?.layer !== 'ethernet' || ip?.layer !== 'ipv4') throw new Error('not an Ethernet frame holding IPv4');
  const frame = ethernet({ dst: eth.fields.dst, src: eth.fields.src, vlans: [{ vid: 42 }] }).ipv4({ src: ip.fields.src, dst: destination, id: 0x2c2c }).udp({ srcPort: 40301, dstPort: 9 }).payload('tagged');
  const tagged = await transport.send(frame);
  console.log(`sent a frame with VLAN tag 42, ${tagged.sentBytes} bytes`);
} finally {
  await transport.close();
}
