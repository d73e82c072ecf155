/**
 * The Transport layer over real raw sockets, loopback only (127.0.0.0/8 and ::1): request()
 * and ping() answered by the kernel, IP_HDRINCL byte for byte, what the kernel does not
 * honour, receive filters, counts, abort and close.
 */
import { P } from 'ts-pattern';
import { describe, expect, it } from 'vitest';
import { ipv4, packet } from '../../src/builders/packet.js';
import { RawSocket, TransportClosedError, openTransport, ping, request, type ReceivedPacket } from '../../src/transport/index.js';
import { fdCount, first, freshId, requireRaw } from './helpers.js';

// RFC 3692 experimentation. 253 is left to lifecycle.test.ts, which needs it silent; other
// tests may send 254 on loopback too, so every receive here filters for its own packets.
const QUIET = 254;
const nothing = () => false;

describe('raw transport: request() and ping() answered by the kernel', () => {
  it('ICMP echo to 127.0.0.1 through request(): a decoded reply, with id, seq and RTT', async (ctx) => {
    requireRaw(ctx);
    await using t = openTransport('raw');
    const id = freshId();
    const result = await request(t, ipv4({ src: '127.0.0.1', dst: '127.0.0.1' }).icmp({ type: 'echo-request', id, seq: 1 }).payload('rawcraft'), { timeoutMs: 2000 });
    expect(result.status, result.status === 'timeout' ? result.explanation : '').toBe('answered');
    if (result.status !== 'answered') return;
    expect(result.answer).toBe('reply');
    expect(result.reply.includesIpHeader).toBe(true);
    expect(result.reply.firstLayer).toBe('ipv4');
    expect(result.reply.packet.layers.map((l) => l.layer)).toEqual(['ipv4', 'icmp', 'raw']);
    expect(result.reply.packet.layers[1].fields).toMatchObject({ type: 'echo-reply', id, seq: 1 });
    expect(result.reply.from).toBe('127.0.0.1');
    expect(result.rttMs).toBeGreaterThan(0);
    expect(result.rttMs).toBeLessThan(2000);
    expect(result.sent.family).toBe(4);
    expect(result.sent.destination).toBe('127.0.0.1');
  });

  it('ICMPv6 echo to ::1 through request(): the IPv6 payload is decoded from icmpv6, without the header', async (ctx) => {
    requireRaw(ctx);
    await using t = openTransport('raw');
    const id = freshId();
    const result = await request(t, packet().ipv6({ src: '::1', dst: '::1' }).icmpv6({ type: 'echo-request', id, seq: 2 }).payload('rawcraft'), { timeoutMs: 2000 });
    expect(result.status, result.status === 'timeout' ? result.explanation : '').toBe('answered');
    if (result.status !== 'answered') return;
    expect(result.reply.includesIpHeader).toBe(false);
    expect(result.reply.family).toBe(6);
    expect(result.reply.firstLayer).toBe('icmpv6');
    expect(result.reply.packet.layers[0]).toMatchObject({ layer: 'icmpv6', fields: { type: 'echo-reply', id, seq: 2 } });
    expect(result.reply.from).toBe('::1');
    expect(result.sent.notHonoured).toEqual([]);
  });

  it('ping() 127.0.0.1 and ::1: every request answered, statistics computed', async (ctx) => {
    requireRaw(ctx);
    for (const host of ['127.0.0.1', '::1']) {
      const seen: number[] = [];
      const r = await ping(host, { count: 3, intervalMs: 50, timeoutMs: 2000, onReply: (reply) => seen.push(reply.seq) });
      expect(r.family).toBe(host === '::1' ? 6 : 4);
      expect([r.transmitted, r.received, r.lossPercent]).toEqual([3, 3, 0]);
      expect(seen).toEqual([1, 2, 3]);
      expect(r.replies.every((x) => x.status === 'reply' && x.from === host && x.bytes === 64)).toBe(true);
      expect(r.rtt!.minMs).toBeLessThanOrEqual(r.rtt!.avgMs);
      expect(r.rtt!.avgMs).toBeLessThanOrEqual(r.rtt!.maxMs);
      if (host === '127.0.0.1') expect(r.replies[0].ttl).toBe(64);
    }
  });

  it('ping() needs a host: no default address is ever picked', async () => {
    await expect(ping('')).rejects.toThrow(/host/);
    await expect(ping(undefined as unknown as string)).rejects.toThrow(/no default/);
  });

  it('a UDP datagram to a closed port on 127.0.0.1 and ::1 is answered by an ICMP port unreachable quoting it', async (ctx) => {
    requireRaw(ctx);
    await using t = openTransport('raw');
    const v4 = await request(t, ipv4({ src: '127.0.0.1', dst: '127.0.0.1' }).udp({ srcPort: 40001, dstPort: 9 }).payload('x'), { timeoutMs: 2000 });
    expect(v4).toMatchObject({ status: 'answered', answer: 'icmp-error', view: { upper: { layer: 'icmp', type: 3, code: 3 } } });
    const v6 = await request(t, packet().ipv6({ src: '::1', dst: '::1' }).udp({ srcPort: 40001, dstPort: 9 }).payload('x'), { timeoutMs: 2000 });
    expect(v6).toMatchObject({ status: 'answered', answer: 'icmp-error', view: { upper: { layer: 'icmpv6', type: 1, code: 4 } } });
  });

  it('a TCP SYN to a closed port on 127.0.0.1 is answered by RST/ACK acknowledging seq + 1', async (ctx) => {
    requireRaw(ctx);
    await using t = openTransport('raw');
    const r = await request(t, ipv4({ src: '127.0.0.1', dst: '127.0.0.1' }).tcp({ srcPort: 40002, dstPort: 9, seq: 1000, flags: ['syn'] }), { timeoutMs: 2000 });
    expect(r.status, r.status === 'timeout' ? r.explanation : '').toBe('answered');
    if (r.status !== 'answered') return;
    expect(r.view.upper).toMatchObject({ layer: 'tcp', srcPort: 9, dstPort: 40002, ack: 1001 });
    expect(r.reply.packet.layers[1].fields).toMatchObject({ flags: ['ack', 'rst'] });
  });
});

describe('raw transport: what goes out', () => {
  it('IP_HDRINCL (the default): a packet arrives byte-identical at a second raw socket', async (ctx) => {
    requireRaw(ctx);
    await using t = openTransport('raw');
    using watcher = RawSocket.open({ family: 4, protocol: QUIET });
    const id = freshId();
    // Every field Linux could rewrite is set correctly: nothing to report, nothing changed.
    const built = ipv4({ src: '127.0.0.1', dst: '127.0.0.2', id, ttl: 33, dscp: 10, flags: ['df'], protocol: QUIET }).payload(Buffer.from(`rawcraft ${id}`));
    const bytes = built.encode();
    const seen = first(watcher, (d) => d.bytes.readUInt16BE(4) === id);
    const result = await t.send(built);
    expect(result.notHonoured).toEqual([]);
    expect(result.sentBytes).toBe(bytes.length);
    expect(Buffer.from(result.bytes)).toEqual(bytes);
    const d = await seen;
    expect(d, 'datagram seen by the second socket').toBeDefined();
    expect(Buffer.compare(d!.bytes, bytes)).toBe(0);
  });

  it('IP_HDRINCL: fields the kernel always writes are reported (wrong checksum, wrong total length)', async (ctx) => {
    requireRaw(ctx);
    await using t = openTransport('raw');
    using watcher = RawSocket.open({ family: 4, protocol: QUIET });
    const id = freshId();
    const built = ipv4({ src: '127.0.0.1', dst: '127.0.0.1', id, protocol: QUIET, checksum: 0x1234, totalLength: 200 }).payload('x');
    const seen = first(watcher, (d) => d.bytes.readUInt16BE(4) === id);
    const result = await t.send(built);
    expect(result.notHonoured.map((n) => n.field).sort()).toEqual(['checksum', 'totalLength']);
    const d = await seen;
    expect(d!.bytes.readUInt16BE(2)).toBe(21); // what Linux wrote
  });

  it('without IP_HDRINCL the kernel writes the header: TTL and TOS go through socket options, the id is reported', async (ctx) => {
    requireRaw(ctx);
    await using t = openTransport({ kind: 'raw', hdrincl: false });
    using watcher = RawSocket.open({ family: 4, protocol: QUIET });
    const marker = `rawcraft ${freshId()}`;
    const result = await t.send(ipv4({ src: '127.0.0.1', dst: '127.0.0.1', ttl: 7, dscp: 46, id: 4321, protocol: QUIET }).payload(marker));
    expect(result.notHonoured.map((n) => n.field)).toEqual(['id']);
    expect(result.sentBytes).toBe(marker.length); // only the payload went to sendto()
    const d = await first(watcher, (x) => x.bytes.subarray(20).toString() === marker);
    expect(d).toBeDefined();
    expect(d!.bytes[8]).toBe(7); // TTL
    expect(d!.bytes[1] >> 2).toBe(46); // DSCP
  });

  it('IPv6 through a per-protocol socket (ipv6Hdrincl: false): a flow label and a hand-set payload length are reported, the hop limit is honoured', async (ctx) => {
    requireRaw(ctx);
    await using t = openTransport({ kind: 'raw', ipv6Hdrincl: false });
    using watcher = RawSocket.open({ family: 6, protocol: 58 });
    const id = freshId();
    const result = await t.send(packet().ipv6({ src: '::1', dst: '::1', flowLabel: 0x12345, payloadLength: 99, hopLimit: 9 }).icmpv6({ type: 'echo-request', id, seq: 5 }).payload('x'));
    expect(result.family).toBe(6);
    expect(result.notHonoured.map((n) => `${n.layer}.${n.field}`).sort()).toEqual(['ipv6.flowLabel', 'ipv6.payloadLength']);
    expect(result.notHonoured.find((n) => n.field === 'flowLabel')).toMatchObject({ value: 0x12345, reason: expect.stringMatching(/IPV6_HDRINCL/) });
    expect(await first(watcher, (d) => d.bytes[0] === 129 && d.bytes.readUInt16BE(4) === id)).toBeDefined();
  });

  it('IPv6 with ipv6Hdrincl (Linux IPV6_HDRINCL): the header goes out as built, flow label included, and is answered', async (ctx) => {
    requireRaw(ctx);
    await using t = openTransport({ kind: 'raw', ipv6Hdrincl: true });
    const id = freshId();
    const r = await request(t, packet().ipv6({ src: '::1', dst: '::1', flowLabel: 0x54321, hopLimit: 3 }).icmpv6({ type: 'echo-request', id, seq: 6 }).payload('x'), { timeoutMs: 2000 });
    expect(r.sent.notHonoured).toEqual([]);
    expect(r.sent.sentBytes).toBe(r.sent.bytes.length); // the whole packet, header included, went to sendto()
    expect(r).toMatchObject({ status: 'answered', answer: 'reply', view: { upper: { layer: 'icmpv6', type: 129, id, seq: 6 } } });
  });

  it('sendMany batches (sendmmsg) and every echo request is answered', async (ctx) => {
    requireRaw(ctx);
    await using t = openTransport('raw');
    const id = freshId();
    const replies = t.receive({ protocols: [{ family: 4, protocol: 1 }], timeoutMs: 3000, count: 5, filter: { layers: [P._, { layer: 'icmp', fields: { type: 'echo-reply', id } }, ...P.array()] } });
    const result = await t.sendMany([1, 2, 3, 4, 5].map((seq) => ipv4({ src: '127.0.0.1', dst: '127.0.0.1' }).icmp({ type: 'echo-request', id, seq })));
    expect(result).toMatchObject({ sent: 5, retries: 0 });
    expect(result.calls).toBeLessThan(5);
    const seqs: number[] = [];
    for await (const r of replies) seqs.push((r.packet.layers[1].fields as { seq: number }).seq);
    expect(seqs.sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('raw transports send IP: an Ethernet frame is refused with a clear error', async (ctx) => {
    requireRaw(ctx);
    await using t = openTransport('raw');
    await expect(t.send(packet().ethernet().ipv4().payload('x'))).rejects.toThrow(/IPv4 or IPv6 datagram/);
  });
});

describe('raw transport: receive', () => {
  it('a ts-pattern filter and a predicate keep only matching packets; count ends the iteration', async (ctx) => {
    requireRaw(ctx);
    await using t = openTransport('raw');
    const id = freshId();
    const byPattern = t.receive({ protocols: [{ family: 4, protocol: 1 }], timeoutMs: 3000, count: 1, filter: { layers: [P._, { layer: 'icmp', fields: { type: 'echo-reply', id, seq: 2 } }, ...P.array()] } });
    const byPredicate = t.receive({
      protocols: [{ family: 4, protocol: 1 }],
      timeoutMs: 3000,
      count: 2,
      filter: (p) => p.layers[1]?.layer === 'icmp' && (p.layers[1].fields as { id?: number }).id === id && p.layers[1].fields.type === 'echo-request',
    });
    for (const seq of [1, 2, 3]) await t.send(ipv4({ src: '127.0.0.1', dst: '127.0.0.1' }).icmp({ type: 'echo-request', id, seq }));
    const a: ReceivedPacket[] = [];
    for await (const r of byPattern) a.push(r);
    const b: ReceivedPacket[] = [];
    for await (const r of byPredicate) b.push(r);
    expect(a.map((r) => r.packet.layers[1].fields)).toMatchObject([{ type: 'echo-reply', seq: 2 }]);
    expect(b.map((r) => (r.packet.layers[1].fields as { seq: number }).seq)).toEqual([1, 2]);
  });

  it('an aborted receive rejects at once; close() ends a pending receive; send after close throws', async (ctx) => {
    requireRaw(ctx);
    const t = openTransport('raw');
    const ac = new AbortController();
    const aborted = (async () => {
      for await (const _ of t.receive({ protocols: [{ family: 4, protocol: QUIET }], signal: ac.signal, filter: nothing })) return 'data';
      return 'ended';
    })();
    const closed = (async () => {
      for await (const _ of t.receive({ protocols: [{ family: 4, protocol: QUIET }, { family: 6, protocol: QUIET }], filter: nothing })) return 'data';
      return 'ended';
    })();
    await new Promise((r) => setTimeout(r, 100));
    let t0 = performance.now();
    ac.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - t0).toBeLessThan(300);
    t0 = performance.now();
    await t.close();
    await expect(closed).resolves.toBe('ended');
    expect(performance.now() - t0).toBeLessThan(300);
    await t.close(); // idempotent
    await expect(t.send(ipv4().payload('x'))).rejects.toBeInstanceOf(TransportClosedError);
    expect(() => t.receive()).toThrow(TransportClosedError);
  });

  it('a request whose send fails releases the sockets it listened on at once', async (ctx) => {
    requireRaw(ctx);
    await using t = openTransport('raw');
    const before = fdCount();
    await expect(request(t, packet().ethernet().ipv4().payload('x'))).rejects.toThrow(/IPv4 or IPv6 datagram/);
    expect(fdCount()).toBe(before);
  });

  it('a receive that times out ends normally, and its sockets are closed', async (ctx) => {
    requireRaw(ctx);
    await using t = openTransport('raw');
    const before = fdCount();
    const t0 = performance.now();
    const got: ReceivedPacket[] = [];
    for await (const r of t.receive({ protocols: [{ family: 4, protocol: QUIET }], timeoutMs: 150, filter: nothing })) got.push(r);
    expect(got).toEqual([]);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    await new Promise((r) => setTimeout(r, 100)); // the fd is released once the poll slice returns
    expect(fdCount()).toBe(before);
  });
});
