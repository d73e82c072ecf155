/**
 * docs/guide-scripting.md from start to end: each `// #region` here is one code block of the
 * guide (test/docs/mirrors.test.ts keeps them equal), and test/examples/examples.test.ts runs
 * this file as root in a namespace with only loopback. Sends only to 127.0.0.1.
 * Run it: `npm run build && sudo node dist/examples/scripting.js` (writes scripting.pcapng).
 */
import { createCaptureWriter, decode, FieldValueError, ipv4, LinkType, openTransport, readCapture, request, requestMany, show, summary, UnknownFieldError } from '../src/index.js';

{
  // #region build
  const packet = ipv4({ dst: '127.0.0.1', ttl: 3 }).udp({ dstPort: 33434 }).payload('hello');
  const bytes = packet.encode(); // a Buffer: IHL, lengths, protocol and both checksums filled in
  console.log(bytes.toString('hex'));
  console.log(show(decode(bytes))); // the field tree, as `rawcraft decode` prints it
  // #endregion build
}

{
  // #region override
  // Any field may be given, computed ones too; it is written exactly as given.
  const chosen = ipv4({ dst: '127.0.0.1', id: 7, ttl: 1 }).udp({ dstPort: 9, checksum: 0x1234 }).encode();
  const udp = decode(chosen).layers[1];
  console.log(udp.checksum); // { status: 'invalid', expected: ..., actual: 4660 }: kept, and flagged
  // #endregion override
}

{
  // #region break
  // Wrong on purpose: the decoder reports it (lax mode) instead of refusing it.
  const broken = ipv4({ dst: '127.0.0.1', totalLength: 9 }).udp({ dstPort: 9 }).corrupt('checksum').encode();
  const seen = decode(broken, { mode: 'lax' });
  console.log(summary(seen));
  for (const issue of seen.issues) console.log(`${issue.layer}: ${issue.message}`);

  // A value that cannot be encoded at all throws a typed error naming the layer and field.
  try {
    ipv4({ ttl: 256 }).encode();
  } catch (error) {
    if (error instanceof FieldValueError) console.log(error.message); // ipv4.ttl: 256 is not allowed; ...
  }
  try {
    ipv4().udp({ dport: 9 } as never).encode();
  } catch (error) {
    if (error instanceof UnknownFieldError) console.log(error.message); // ... did you mean dstPort?
  }
  // #endregion break
}

{
  // #region send
  // Raw sockets: root or CAP_NET_RAW (see docs/linux.md).
  const transport = openTransport('raw');
  try {
    const sent = await transport.send(ipv4({ dst: '127.0.0.1' }).udp({ dstPort: 9 }).payload('hi'));
    console.log(`sent ${sent.sentBytes} bytes to ${sent.destination}; not as built: ${sent.notHonoured.length}`);
  } finally {
    await transport.close();
  }
  // #endregion send
}

{
  // #region match
  const transport = openTransport('raw');
  try {
    // One request, one answer (Scapy's sr1): the echo reply, matched by id and sequence.
    const echo = await request(transport, ipv4({ dst: '127.0.0.1' }).icmp({ type: 'echo-request', id: 7, seq: 1 }), { timeoutMs: 2000 });
    if (echo.status === 'answered') console.log(`echo: ${summary(echo.reply.packet)} in ${echo.rttMs.toFixed(3)} ms`);
    else console.log(`no echo reply: ${echo.explanation}`);

    // Many requests, every answer (Scapy's sr): SYNs to three closed ports draw RSTs.
    const syns = [20, 21, 22].map((port) => ipv4({ dst: '127.0.0.1' }).tcp({ srcPort: 40000, dstPort: port, flags: ['syn'] }));
    const all = await requestMany(transport, syns, { timeoutMs: 1000 });
    for (const a of all.answered) console.log(`port ${20 + a.index}: ${summary(a.reply.packet)}`);
    console.log(`answered ${all.answered.length}, unanswered ${all.unanswered.length}`);
  } finally {
    await transport.close();
  }
  // #endregion match
}

{
  // #region capture
  const transport = openTransport('raw');
  const writer = createCaptureWriter('scripting.pcapng', { format: 'pcapng', linkType: LinkType.RAW });
  try {
    // receive() listens from the moment it is called, so sending afterwards cannot race it.
    const replies = transport.receive({ protocols: [{ family: 4, protocol: 1 }], count: 2, timeoutMs: 2000, filter: (p) => p.layers[1]?.layer === 'icmp' && p.layers[1].fields.type === 'echo-reply' });
    for (const seq of [1, 2]) await transport.send(ipv4({ dst: '127.0.0.1' }).icmp({ type: 'echo-request', id: 8, seq }));
    for await (const reply of replies) {
      console.log(`captured ${summary(reply.packet)}`);
      await writer.write({ data: reply.bytes, timestampNs: reply.receivedAt });
    }
  } finally {
    await writer.close();
    await transport.close();
  }
  for await (const record of readCapture('scripting.pcapng')) console.log(`read back ${record.data.length} bytes, link type ${record.linkType}`);
  // #endregion capture
}
