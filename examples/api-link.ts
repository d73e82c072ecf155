/**
 * More `@example`s of the API reference (the link layer through libpcap: interfaces, handles,
 * neighbours, routes, arping), included region by region by doc comments in src/ and run by
 * test/examples/examples.test.ts in namespace X of a veth pair it makes (vx 198.18.5.1 — vy
 * 198.18.5.2), which checks what each region prints. Frames go only to the other end of the
 * pair. Needs libpcap and root (or CAP_NET_RAW):
 *   sudo ip netns exec rc-x node dist/examples/api-link.js vx 198.18.5.2
 */
import {
  arping,
  ipv4,
  kernelRouteLookup,
  LinkError,
  LinkTransport,
  listInterfaces,
  loadLibpcap,
  NeighbourCache,
  netlinkRoute,
  openLinkTransport,
  PcapHandle,
  tableRouteLookup,
} from '../src/index.js';

const [iface, peer] = process.argv.slice(2);
if (!iface || !peer) {
  console.error("usage: api-link.js INTERFACE IPV4-ADDRESS   (an address on INTERFACE's link)");
  process.exit(2);
}

{
  // #region interfaces
  // loadLibpcap: the system's libpcap (Npcap on Windows), loaded once; listInterfaces: what it sees.
  const libpcap = loadLibpcap();
  const mine = listInterfaces(libpcap).find((i) => i.name === iface);
  console.log(`listInterfaces: ${mine?.name} up ${mine?.up}, link type ${mine?.linkType}, libpcap ${libpcap.version.startsWith('libpcap') ? 'loaded' : libpcap.version}`);
  try {
    PcapHandle.open('no-such-interface0');
  } catch (e) {
    if (e instanceof LinkError) console.log(`LinkError ${e.code}: ${e.remedy}`);
  }
  // #endregion interfaces
}

{
  // #region routes-link
  // The next hop for a destination: kernelRouteLookup asks the kernel (rtnetlink, like `ip route
  // get`), tableRouteLookup reads the routing tables; netlinkRoute is the rtnetlink answer itself.
  const route = kernelRouteLookup(peer);
  console.log(`kernelRouteLookup: ${route?.interface} next hop ${route?.nextHop}; tableRouteLookup: ${tableRouteLookup(peer)?.interface}; netlinkRoute: ${netlinkRoute(peer)?.interface}`);
  // #endregion routes-link
}

{
  // #region arping
  // arping: who has an IPv4 address on this link (ARP requests, like arping(8)).
  const result = await arping(peer, { interface: iface, count: 1, timeoutMs: 2000 });
  console.log(`arping: ${result.received} of ${result.sent} answered, ${result.replies[0]?.mac ? 'with a MAC' : 'no MAC'}`);
  // #endregion arping
}

{
  // #region neighbours
  // NeighbourCache: a next hop's MAC by ARP / Neighbor Discovery, asked from this interface's
  // MAC and address, and kept for a while (what the link transport uses).
  const me = listInterfaces().find((i) => i.name === iface)!;
  const asker = { interface: iface, mac: me.mac!, address: me.addresses.find((a) => a.includes('.'))!.replace(/\/.*$/, '') };
  const neighbour = await new NeighbourCache({ timeoutMs: 1000, tries: 2 }).resolve(asker, peer);
  console.log(`NeighbourCache: ${neighbour.address} is at a MAC: ${/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(neighbour.mac)}`);
  // #endregion neighbours
}

{
  // #region pcap-handle
  // PcapHandle: one libpcap handle; a filter runs in the kernel, inject() sends a frame as built.
  const handle = PcapHandle.open(iface, { immediate: true });
  try {
    handle.setFilter('udp port 9');
    console.log(`PcapHandle: link type ${handle.linkType}, ${handle.stats().received} frames seen`);
  } finally {
    handle.close();
  }
  // #endregion pcap-handle
}

{
  // #region link-transport
  // LinkTransport (openLinkTransport, or openTransport({ kind: 'link' })): IP datagrams get their
  // Ethernet header from the interface's MAC and the next hop's, found by ARP (or Neighbor Discovery).
  const transport: LinkTransport = openLinkTransport({ interface: iface, neighbours: { timeoutMs: 1000 } });
  try {
    const sent = await transport.send(ipv4({ dst: peer }).udp({ srcPort: 40400, dstPort: 9 }).payload('api-link'));
    console.log(`LinkTransport: ${sent.sentBytes} bytes as a ${transport.frameLayer()} frame`);
  } finally {
    await transport.close();
  }
  // #endregion link-transport
}
