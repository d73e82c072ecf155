/**
 * The `@example`s of the API reference: each `// #region` here is included by a doc comment in
 * src/ (`{@includeCode ../examples/api-tour.ts#decode}`), so every example the reference shows
 * is compiled (tsconfig) and run (test/examples/examples.test.ts checks what it prints).
 * Everything is built with documentation addresses and written to files, except the `request`
 * region, which sends one ICMP echo to 127.0.0.1 (raw sockets: root or CAP_NET_RAW).
 *   node dist/examples/api-tour.js       (writes tour.pcapng and tour-transport.pcapng)
 */
import {
  build,
  createCaptureWriter,
  decode,
  encodeLayers,
  encodePcapng,
  expand,
  fragment,
  fuzz,
  generateTraffic,
  hexdump,
  ipv4,
  ipv6,
  layersFromJson,
  LinkType,
  openTransport,
  packetToJson,
  parse,
  parseCapture,
  parseScenario,
  preflight,
  readCapture,
  reassemble,
  request,
  show,
  summary,
} from '../src/index.js';

{
  // #region builders
  const udp = ipv4({ src: '192.0.2.1', dst: '198.51.100.2', ttl: 3 }).udp({ dstPort: 33434 }).payload('hello');
  console.log(udp.encode().toString('hex')); // lengths, protocol and checksums computed
  const echo6 = ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }).icmpv6({ type: 'echo-request', id: 7, seq: 1 });
  console.log(summary(echo6.build())); // build(): the bytes and the layers decoded back
  // #endregion builders
}

{
  // #region decode
  const bytes = Buffer.from('4500001c0001000040118e99c0000201c6336402003500350008133d', 'hex');
  // Strict by default: a malformed packet throws (a PacketError naming layer, field and offset);
  // { mode: 'lax' } reports the problems in packet.issues and decodes what it can.
  const packet = decode(bytes);
  console.log(summary(packet));
  for (const layer of packet.layers) console.log(layer.layer, layer.checksum?.status ?? '-');
  console.log(show(packet)); // the field tree
  console.log(hexdump(bytes)); // offset, hex, ASCII
  // #endregion decode
}

{
  // #region encode-layers
  // The same layers as the builder, as plain data (what JSON and expressions give).
  const bytes = encodeLayers([
    { layer: 'ipv4', fields: { src: '192.0.2.1', dst: '198.51.100.2' } },
    { layer: 'tcp', fields: { dstPort: 443, flags: ['syn'], options: [{ kind: 'mss', value: 1460 }] } },
  ]);
  console.log(`${bytes.length} bytes: ${summary(decode(bytes))}`);
  // #endregion encode-layers
}

{
  // #region json
  const packet = decode(ipv4({ src: '192.0.2.1', dst: '198.51.100.2' }).udp({ dstPort: 53 }).encode());
  const json = packetToJson(0, packet); // the `rawcraft decode --json` object
  const again = encodeLayers(layersFromJson(JSON.parse(JSON.stringify(json)), 0));
  console.log(`JSON round trip: ${again.toString('hex')}`);
  // #endregion json
}

{
  // #region fragment
  const datagram = ipv4({ src: '192.0.2.1', dst: '198.51.100.2', id: 9 }).udp({ dstPort: 9 }).payload(Buffer.alloc(64));
  const fragments = fragment(datagram, { mtu: 44 }); // IPv4 or IPv6, by the version nibble
  const whole = reassemble(fragments);
  console.log(`${fragments.length} fragments; reassembled: ${whole.ok ? whole.packet.equals(datagram.encode()) : whole.error.message}`);
  // #endregion fragment
}

{
  // #region expressions
  const layers = parse('ipv4(dst=198.51.100.2)/udp(dstPort=53)'); // layers, as encodeLayers takes them
  console.log(build('ipv4(src=192.0.2.1,dst=198.51.100.2,ttl=3)/udp(dstPort=53)').toString('hex'));
  const ports = expand('ipv4(dst=198.51.100.2)/tcp(dstPort=80-82,flags=[syn])'); // a packet per value
  console.log(`${layers.length} layers; ${ports.count} packets, the last to port ${JSON.stringify(ports.at(2)[1].fields)}`);
  // #endregion expressions
}

{
  // #region fuzz
  // Always seeded: the same seed gives the same packets.
  for (const p of fuzz('ipv4(dst=198.51.100.2)/udp(dstPort=53)', { seed: 7, count: 3 })) console.log(`fuzzed #${p.index}: ${summary(decode(p.bytes, { mode: 'lax' }))}`);
  // #endregion fuzz
}

{
  // #region scenario
  const scenario = parseScenario(`
seed: 1
flows:
  - name: dns
    template: ipv4(src=192.0.2.10,dst=198.51.100.53)/udp(dstPort=53)
    count: 4
    rate: 100
    vary:
      udp.srcPort: { range: [1024, 65535] }
`);
  for (const p of generateTraffic(scenario, { seed: 7, shard: { index: 0, count: 2 } })) console.log(`traffic #${p.number} ${p.flow} at ${p.timestampNs}: ${p.data.length} bytes`);
  // #endregion scenario
}

{
  // #region capture-write
  const records = [1, 2].map((seq) => ({ data: ipv4({ src: '192.0.2.1', dst: '198.51.100.2' }).icmp({ type: 'echo-request', id: 1, seq }).encode(), timestampNs: 1_700_000_000_000_000_000n + BigInt(seq) }));
  const inMemory = encodePcapng(records, { interfaces: [{ linkType: LinkType.RAW }] }); // a Buffer
  console.log(`pcapng in memory: ${inMemory.length} bytes, ${parseCapture(inMemory).length} records`);
  const writer = createCaptureWriter('tour.pcapng', { format: 'pcapng', linkType: LinkType.RAW }); // streaming, atomic
  for (const r of records) await writer.write(r);
  await writer.close(); // the file appears complete here, or not at all
  // #endregion capture-write
}

{
  // #region capture-read
  for await (const record of readCapture('tour.pcapng')) {
    console.log(`read ${record.data.length} bytes, link type ${record.linkType}: ${summary(decode(record.data))}`);
  }
  // #endregion capture-read
}

{
  // #region open-transport
  // A capture-file transport: no privileges; openTransport('raw') sends for real.
  const transport = openTransport({ kind: 'pcapng', path: 'tour-transport.pcapng' });
  try {
    const sent = await transport.send(ipv4({ src: '192.0.2.1', dst: '198.51.100.2' }).udp({ dstPort: 9 }));
    console.log(`written: ${sent.sentBytes} bytes for ${sent.destination}`);
  } finally {
    await transport.close();
  }
  // #endregion open-transport
}

{
  // #region preflight
  // What Windows 11 would do with a TCP datagram on a raw socket (it refuses it), before any system call.
  const findings = preflight(ipv4({ src: '192.0.2.1', dst: '198.51.100.2' }).tcp({ dstPort: 80, flags: ['syn'] }), { platform: 'windows-11' });
  for (const f of findings.filter((x) => x.severity === 'error')) console.log(`preflight ${f.code}: ${f.remedy}`);
  // #endregion preflight
}

{
  // #region request
  const transport = openTransport('raw');
  try {
    const result = await request(transport, ipv4({ dst: '127.0.0.1' }).icmp({ type: 'echo-request', id: 7, seq: 1 }), { timeoutMs: 2000 });
    console.log(result.status === 'answered' ? `request: ${summary(result.reply.packet)}` : `request: ${result.explanation}`);
  } finally {
    await transport.close();
  }
  // #endregion request
}
