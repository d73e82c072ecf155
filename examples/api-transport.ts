/**
 * More `@example`s of the API reference (transports, raw sockets, matching, routes and their
 * errors), included region by region by doc comments in src/ and run by
 * test/examples/examples.test.ts in a network namespace with only a loopback interface, which
 * checks what each region prints. Everything sent goes to 127.0.0.1 (raw sockets: root or
 * CAP_NET_RAW), or into a capture file or memory.
 *   node dist/examples/api-transport.js       (writes api-transport.pcap)
 */
import {
  CaptureTransport,
  createMemoryPair,
  decode,
  ipv4,
  matchAnswer,
  MemoryTransport,
  openTransport,
  ping,
  posixConstants,
  RawSocket,
  rawSocketBackend,
  RawTransport,
  resolveHost,
  sourceAddressFor,
  summary,
  type Transport,
  TransportArgumentError,
  TransportClosedError,
  TransportError,
  TransportUnsupportedError,
  viewOf,
} from '../src/index.js';

{
  // #region raw-socket
  // RawSocket: one SOCK_RAW socket, bytes in and out as they are. An ICMP socket (protocol 1)
  // without hdrincl: the kernel adds the IPv4 header; received datagrams include it.
  using sock = RawSocket.open({ family: 4, protocol: 1 });
  const echo = ipv4({ dst: '127.0.0.1' }).icmp({ type: 'echo-request', id: 256, seq: 1 }).encode().subarray(20); // the ICMP message alone
  sock.send(echo, '127.0.0.1');
  for await (const d of sock.receive({ timeoutMs: 2000, filter: (x) => x.bytes[20] === 0 })) {
    console.log(`RawSocket: ${d.bytes.length} bytes from ${d.from}: ${summary(decode(d.bytes))}`);
    break;
  }
  // #endregion raw-socket
}

{
  // #region raw-transport
  // RawTransport is what openTransport('raw') returns: pre-flight, then the OS's raw sockets
  // (rawSocketBackend says which: POSIX here, Winsock on Windows).
  console.log(`rawSocketBackend: ${rawSocketBackend()}, posixConstants: AF_INET6 = ${posixConstants()?.AF_INET6}`);
  const transport: Transport = new RawTransport({ kind: 'raw' });
  try {
    const sent = await transport.send(ipv4({ dst: '127.0.0.1' }).udp({ srcPort: 40001, dstPort: 9 }));
    console.log(`RawTransport: sent ${sent.sentBytes} bytes to ${sent.destination}`);
  } finally {
    await transport.close();
  }
  try {
    await transport.send(ipv4({ dst: '127.0.0.1' }).udp({ dstPort: 9 }));
  } catch (e) {
    if (e instanceof TransportClosedError) console.log(`TransportClosedError: ${e.message}`);
  }
  // #endregion raw-transport
}

{
  // #region memory-transport
  // createMemoryPair: two MemoryTransports wired to each other (tests without privileges).
  const [a, b]: [MemoryTransport, MemoryTransport] = createMemoryPair();
  const got = (async () => {
    for await (const p of b.receive({ timeoutMs: 1000 })) return summary(p.packet);
    return 'nothing';
  })();
  await a.send(ipv4({ src: '192.0.2.1', dst: '198.51.100.2' }).udp({ dstPort: 53 }));
  console.log(`MemoryTransport: ${await got}`);
  await a.close();
  await b.close();
  // #endregion memory-transport
}

{
  // #region capture-transport
  // CaptureTransport: what openTransport({ kind: 'pcap' | 'pcapng', path }) returns; it cannot receive.
  const file = new CaptureTransport({ kind: 'pcap', path: 'api-transport.pcap' });
  await file.send(ipv4({ src: '192.0.2.1', dst: '198.51.100.2' }).udp({ dstPort: 9 }));
  try {
    for await (const p of file.receive()) console.log(p.from);
  } catch (e) {
    if (e instanceof TransportUnsupportedError) console.log(`TransportUnsupportedError: ${e.message}`);
  }
  await file.close();
  // #endregion capture-transport
}

{
  // #region transport-errors
  // TransportArgumentError: a bad option, named; TransportError: a failed system call, with errno and a remedy.
  try {
    await ping('127.0.0.1', { intervalMs: -1 });
  } catch (e) {
    if (e instanceof TransportArgumentError) console.log(`TransportArgumentError: ${e.argument}`);
  }
  try {
    using sock = RawSocket.open({ family: 4, protocol: 17, bind: '198.51.100.1' }); // not an address of this host
    sock.close();
  } catch (e) {
    if (e instanceof TransportError) console.log(`TransportError: ${e.syscall} ${e.errnoName}`);
  }
  // #endregion transport-errors
}

{
  // #region matching
  // How request() decides that a datagram answers another: views of both, then matchAnswer.
  const sent = decode(ipv4({ src: '127.0.0.1', dst: '127.0.0.1' }).icmp({ type: 'echo-request', id: 9, seq: 1 }).encode());
  const reply = decode(ipv4({ src: '127.0.0.1', dst: '127.0.0.1' }).icmp({ type: 'echo-reply', id: 9, seq: 1 }).encode());
  const verdict = matchAnswer({ view: viewOf(sent.layers), srcAsBuilt: true, idAsBuilt: true }, viewOf(reply.layers));
  console.log(`matchAnswer: ${JSON.stringify(verdict)}`);
  // #endregion matching
}

{
  // #region routes
  // resolveHost: a name or address to an address of a family; sourceAddressFor: the local
  // address the route to a destination uses.
  const host = await resolveHost('127.0.0.1');
  console.log(`resolveHost: ${host.address} (IPv${host.family}); sourceAddressFor: ${await sourceAddressFor('127.0.0.1', 4)}`);
  // #endregion routes
}
