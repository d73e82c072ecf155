/**
 * Request/answer matching rules (no sockets): packets built with the codec, decoded, and
 * matched as request() does.
 */
import { describe, expect, it } from 'vitest';
import { ipv4, packet, type StepBase } from '../../src/builders/packet.js';
import { decode } from '../../src/codec/decode.js';
import { matchAnswer, openTransport, request, viewOf, type SentProbe, type Verdict } from '../../src/transport/index.js';
import { freshId, requireRaw } from './helpers.js';

const A = '192.0.2.1';
const B = '198.51.100.2';
const R = '203.0.113.1';

function probe(p: StepBase, asBuilt = true): SentProbe {
  return { view: viewOf(decode(p.encode(), { mode: 'lax' }).layers), srcAsBuilt: asBuilt, idAsBuilt: asBuilt };
}

/** As request() sees it: IPv4 with the header; IPv6 payload only (an IPv6 raw socket), with `from`. */
function answer(p: StepBase): Verdict {
  return matchAnswer(current, viewOf(decode(p.encode(), { mode: 'lax' }).layers));
}
function answerV6Payload(p: StepBase, from: string, protocol: number): Verdict {
  const bytes = p.encode().subarray(40);
  const first = protocol === 58 ? 'icmpv6' : protocol === 17 ? 'udp' : 'tcp';
  return matchAnswer(current, viewOf(decode(bytes, { from: first, mode: 'lax' }).layers, { family: 6, src: from, protocol }));
}
let current: SentProbe;

describe('ICMP echo', () => {
  it('IPv4: id and seq must match, from the destination', () => {
    current = probe(ipv4({ src: A, dst: B, id: 5 }).icmp({ type: 'echo-request', id: 7, seq: 1 }));
    expect(answer(ipv4({ src: B, dst: A }).icmp({ type: 'echo-reply', id: 7, seq: 1 }))).toEqual({ ok: true, answer: 'reply' });
    expect(answer(ipv4({ src: B, dst: A }).icmp({ type: 'echo-reply', id: 7, seq: 2 }))).toEqual({ ok: false, reason: 'seq differs (expected 1)' });
    expect(answer(ipv4({ src: B, dst: A }).icmp({ type: 'echo-reply', id: 8, seq: 1 }))).toEqual({ ok: false, reason: 'id differs (expected 7)' });
    expect(answer(ipv4({ src: R, dst: A }).icmp({ type: 'echo-reply', id: 7, seq: 1 }))).toMatchObject({ ok: false, reason: `from ${R}; the request went to ${B}` });
    expect(answer(ipv4({ src: A, dst: B, id: 5 }).icmp({ type: 'echo-request', id: 7, seq: 1 }))).toMatchObject({ ok: false, reason: expect.stringMatching(/looped back/) });
  });

  it('IPv6 (icmpv6 layer, payload delivered without the IPv6 header)', () => {
    current = probe(packet().ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }).icmpv6({ type: 'echo-request', id: 3, seq: 9 }).payload('x'));
    const reply = (id: number, seq: number) => packet().ipv6({ src: '2001:db8::2', dst: '2001:db8::1' }).icmpv6({ type: 'echo-reply', id, seq }).payload('x');
    expect(answerV6Payload(reply(3, 9), '2001:db8::2', 58)).toEqual({ ok: true, answer: 'reply' });
    expect(answerV6Payload(reply(3, 8), '2001:db8::2', 58)).toEqual({ ok: false, reason: 'seq differs (expected 9)' });
    expect(answer(reply(3, 9))).toEqual({ ok: true, answer: 'reply' }); // with the header too
    // An IPv4 reply never answers an IPv6 request.
    expect(answer(ipv4({ src: B, dst: A }).icmp({ type: 'echo-reply', id: 3, seq: 9 }))).toMatchObject({ ok: false, reason: 'an IPv4 packet; the request was IPv6' });
  });
});

describe('ICMP errors quoting the request', () => {
  it('UDP probe: time exceeded from a router, port unreachable from the destination; a quote of another datagram is rejected', () => {
    const probeIp = { src: A, dst: B, id: 77, ttl: 1 };
    current = probe(ipv4(probeIp).udp({ srcPort: 40000, dstPort: 33434 }).payload('probe'));
    const te = (ip: object = {}, udp: object = {}) => ipv4({ src: R, dst: A }).icmp({ type: 'time-exceeded', code: 'ttl-exceeded' }).ipv4(ip).udp(udp).payload('probe');
    expect(answer(te(probeIp, { srcPort: 40000, dstPort: 33434 }))).toEqual({ ok: true, answer: 'icmp-error' });
    expect(answer(ipv4({ src: B, dst: A }).icmp({ type: 'destination-unreachable', code: 'port-unreachable' }).ipv4(probeIp).udp({ srcPort: 40000, dstPort: 33434 }).payload('probe'))).toEqual({
      ok: true,
      answer: 'icmp-error',
    });
    expect(answer(te(probeIp, { srcPort: 40000, dstPort: 33435 }))).toEqual({ ok: false, reason: 'quoted destination port 33435 differs (expected 33434)' });
    expect(answer(te({ ...probeIp, dst: R }, { srcPort: 40000, dstPort: 33434 }))).toEqual({ ok: false, reason: `quotes destination ${R} (expected ${B})` });
    expect(answer(te({ ...probeIp, id: 78 }, { srcPort: 40000, dstPort: 33434 }))).toEqual({ ok: false, reason: 'quotes IPv4 id 78 (expected 77)' });
    // The id and source are not compared when the kernel wrote them.
    current = probe(ipv4(probeIp).udp({ srcPort: 40000, dstPort: 33434 }).payload('probe'), false);
    expect(answer(te({ ...probeIp, id: 78, src: '192.0.2.9' }, { srcPort: 40000, dstPort: 33434 }))).toEqual({ ok: true, answer: 'icmp-error' });
  });

  it('TCP probe quoted with only 8 bytes of its header (RFC 792 routers): ports and seq are read from the bytes', () => {
    const probeIp = { src: A, dst: B, id: 5, ttl: 2 };
    const syn = ipv4(probeIp).tcp({ srcPort: 41000, dstPort: 80, seq: 123456, flags: ['syn'] });
    current = probe(syn);
    const first28 = syn.encode().subarray(0, 28); // IPv4 header + 8 bytes of TCP
    const teRaw = (quote: Uint8Array) => ipv4({ src: R, dst: A }).icmp({ type: 'time-exceeded', code: 'ttl-exceeded' }).payload(quote);
    // The codec decodes the quote as IPv4 + raw (too short for TCP): matched all the same.
    const decoded = decode(teRaw(first28).encode(), { mode: 'lax' });
    expect(decoded.layers.map((l) => l.layer)).toEqual(['ipv4', 'icmp', 'ipv4', 'raw']);
    expect(answer(teRaw(first28))).toEqual({ ok: true, answer: 'icmp-error' });
    const other = Buffer.from(first28);
    other.writeUInt32BE(999, 24); // another seq
    expect(answer(teRaw(other))).toEqual({ ok: false, reason: 'quoted seq 999 differs (expected 123456)' });
  });

  it('ICMPv6 errors quote the IPv6 probe (hop limit exceeded, port unreachable)', () => {
    const ip = { src: '2001:db8:1::2', dst: '2001:db8:2::2', hopLimit: 1 };
    current = probe(packet().ipv6(ip).udp({ srcPort: 40000, dstPort: 33434 }).payload('p'));
    const te = packet().ipv6({ src: '2001:db8:1::1', dst: ip.src }).icmpv6({ type: 'time-exceeded', code: 'hop-limit-exceeded' }).ipv6(ip).udp({ srcPort: 40000, dstPort: 33434 }).payload('p');
    expect(answerV6Payload(te, '2001:db8:1::1', 58)).toEqual({ ok: true, answer: 'icmp-error' });
    const wrong = packet().ipv6({ src: '2001:db8:1::1', dst: ip.src }).icmpv6({ type: 'time-exceeded', code: 'hop-limit-exceeded' }).ipv6(ip).udp({ srcPort: 40001, dstPort: 33434 }).payload('p');
    expect(answerV6Payload(wrong, '2001:db8:1::1', 58)).toEqual({ ok: false, reason: 'quoted source port 40001 differs (expected 40000)' });
  });

  it('an echo request quoted in a time exceeded (ICMP traceroute)', () => {
    current = probe(ipv4({ src: A, dst: B, id: 9, ttl: 1 }).icmp({ type: 'echo-request', id: 4, seq: 2 }).payload('x'));
    const te = (seq: number) => ipv4({ src: R, dst: A }).icmp({ type: 'time-exceeded' }).ipv4({ src: A, dst: B, id: 9, ttl: 1 }).icmp({ type: 'echo-request', id: 4, seq }).payload('x');
    expect(answer(te(2))).toEqual({ ok: true, answer: 'icmp-error' });
    expect(answer(te(3))).toEqual({ ok: false, reason: 'quoted seq 3 differs (expected 2)' });
  });
});

describe('UDP, TCP and SCTP replies', () => {
  it('UDP: ports swapped, from the destination', () => {
    current = probe(ipv4({ src: A, dst: B }).udp({ srcPort: 5000, dstPort: 53 }).payload('q'));
    expect(answer(ipv4({ src: B, dst: A }).udp({ srcPort: 53, dstPort: 5000 }).payload('a'))).toEqual({ ok: true, answer: 'reply' });
    expect(answer(ipv4({ src: B, dst: A }).udp({ srcPort: 54, dstPort: 5000 }))).toEqual({ ok: false, reason: 'source port differs (expected 53)' });
    expect(answer(ipv4({ src: B, dst: A }).udp({ srcPort: 53, dstPort: 5001 }))).toEqual({ ok: false, reason: 'destination port differs (expected 5000)' });
  });

  it('TCP: ack = seq + data length + SYN + FIN, or a RST', () => {
    current = probe(ipv4({ src: A, dst: B }).tcp({ srcPort: 5000, dstPort: 80, seq: 100, flags: ['syn'] }));
    const reply = (f: object) => ipv4({ src: B, dst: A }).tcp({ srcPort: 80, dstPort: 5000, ...f });
    expect(answer(reply({ flags: ['syn', 'ack'], seq: 9, ack: 101 }))).toEqual({ ok: true, answer: 'reply' });
    expect(answer(reply({ flags: ['rst', 'ack'], ack: 101 }))).toEqual({ ok: true, answer: 'reply' });
    expect(answer(reply({ flags: ['syn', 'ack'], ack: 100 }))).toEqual({ ok: false, reason: 'ack 100 differs (expected 101)' });
    expect(answer(reply({ flags: ['syn'] }))).toEqual({ ok: false, reason: 'neither acknowledges nor resets the request' });

    current = probe(ipv4({ src: A, dst: B }).tcp({ srcPort: 5000, dstPort: 80, seq: 0xfffffffe, ack: 55, flags: ['psh', 'ack', 'fin'] }).payload('abc'));
    expect(answer(reply({ flags: ['ack'], ack: 2 }))).toEqual({ ok: true, answer: 'reply' }); // wraps: 0xfffffffe + 3 + 1
    expect(answer(reply({ flags: ['rst'], seq: 55 }))).toEqual({ ok: true, answer: 'reply' });
    expect(answer(reply({ flags: ['rst'], seq: 56 }))).toEqual({ ok: false, reason: 'RST seq 56 differs (expected 55)' });
  });

  it('SCTP: the INIT ACK carries our Initiate Tag; an ABORT with the T bit reflects our tag', () => {
    current = probe(ipv4({ src: A, dst: B }).sctp({ srcPort: 5000, dstPort: 7, verificationTag: 0, chunks: [{ type: 'init', initiateTag: 0xabcdef }] }));
    const reply = (verificationTag: number, chunks: object[]) => ipv4({ src: B, dst: A }).sctp({ srcPort: 7, dstPort: 5000, verificationTag, chunks: chunks as never });
    expect(answer(reply(0xabcdef, [{ type: 'init-ack', initiateTag: 0x1234 }]))).toEqual({ ok: true, answer: 'reply' });
    expect(answer(reply(0x1, [{ type: 'init-ack', initiateTag: 0x1234 }]))).toEqual({ ok: false, reason: 'verification tag 0x1 differs (expected 0xabcdef)' });
    expect(answer(reply(0, [{ type: 'abort', flags: ['tag-reflected'] }]))).toEqual({ ok: true, answer: 'reply' });
  });
});

describe('each layer with an answer rule is asked, outermost first (codec answers rules)', () => {
  it('SCTP over UDP (RFC 6951, port 9899): UDP ports swapped, then the SCTP verification tag', () => {
    const init = ipv4({ src: A, dst: B }).udp({ srcPort: 9899, dstPort: 9899 }).sctp({ srcPort: 5000, dstPort: 7, verificationTag: 0, chunks: [{ type: 'init', initiateTag: 0xabcdef }] });
    current = probe(init);
    expect(current.view.upper).toMatchObject({ layer: 'udp', payload: { layer: 'sctp', initiateTag: 0xabcdef } });
    const reply = (verificationTag: number, srcPort = 9899) =>
      ipv4({ src: B, dst: A }).udp({ srcPort, dstPort: 9899 }).sctp({ srcPort: 7, dstPort: 5000, verificationTag, chunks: [{ type: 'init-ack', initiateTag: 0x1234 }] });
    expect(answer(reply(0xabcdef))).toEqual({ ok: true, answer: 'reply' });
    // Before the SCTP rule was asked through UDP, ports alone decided: this was taken for the answer.
    expect(answer(reply(0x1))).toEqual({ ok: false, reason: 'verification tag 0x1 differs (expected 0xabcdef)' });
    expect(answer(reply(0xabcdef, 9898))).toEqual({ ok: false, reason: 'source port differs (expected 9899)' });
    expect(answer(ipv4({ src: B, dst: A }).udp({ srcPort: 9899, dstPort: 9899 }).payload('not sctp'))).toEqual({ ok: false, reason: 'carries no sctp; the request did' });
  });
});

describe('every ICMP and ICMPv6 query is matched with its reply (icmp-answers.ts)', () => {
  const v4 = (type: string, f: object = {}) => ipv4({ src: B, dst: A }).icmp({ type, ...f } as never);
  it.each([
    ['timestamp-request', 'timestamp-reply'],
    ['information-request', 'information-reply'],
    ['address-mask-request', 'address-mask-reply'],
    ['echo-request', 'echo-reply'],
  ])('ICMP %s → %s: id and seq, from the destination', (query, reply) => {
    current = probe(ipv4({ src: A, dst: B }).icmp({ type: query, id: 9, seq: 4 } as never));
    expect(answer(v4(reply, { id: 9, seq: 4 }))).toEqual({ ok: true, answer: 'reply' });
    expect(answer(v4(reply, { id: 9, seq: 5 }))).toEqual({ ok: false, reason: 'seq differs (expected 4)' });
    expect(answer(v4(reply, { id: 1, seq: 4 }))).toEqual({ ok: false, reason: 'id differs (expected 9)' });
    expect(answer(ipv4({ src: R, dst: A }).icmp({ type: reply, id: 9, seq: 4 } as never))).toMatchObject({ ok: false, reason: `from ${R}; the request went to ${B}` });
    // Another query's reply, with the same id and seq, does not answer.
    const other = reply === 'timestamp-reply' ? 'echo-reply' : 'timestamp-reply';
    expect(answer(v4(other, { id: 9, seq: 4 }))).toMatchObject({ ok: false, reason: expect.stringMatching(/does not answer/) });
    expect(answer(ipv4({ src: A, dst: B }).icmp({ type: query, id: 9, seq: 4 } as never))).toMatchObject({ ok: false, reason: expect.stringMatching(/looped back/) });
  });

  it('an ICMP error quoting a timestamp request answers it', () => {
    const ip = { src: A, dst: B, id: 31 };
    current = probe(ipv4(ip).icmp({ type: 'timestamp-request', id: 9, seq: 4 }));
    const err = (seq: number) => ipv4({ src: R, dst: A }).icmp({ type: 'time-exceeded', code: 'ttl-exceeded' }).ipv4(ip).icmp({ type: 'timestamp-request', id: 9, seq });
    expect(answer(err(4))).toEqual({ ok: true, answer: 'icmp-error' });
    expect(answer(err(5))).toEqual({ ok: false, reason: 'quoted seq 5 differs (expected 4)' });
  });

  const S6 = '2001:db8::1';
  const D6 = '2001:db8::2';
  const v6 = (src: string, dst: string, f: object, body?: string) => {
    const step = packet().ipv6({ src, dst }).icmpv6(f as never);
    return body ? step.payload(Buffer.from(body, 'hex')) : step;
  };

  it('ICMPv6 node information (RFC 4620): the reply carries the query\'s nonce and qtype', () => {
    current = probe(v6(S6, D6, { type: 139, code: 0 }, '0003000011223344556677880000'));
    expect(answerV6Payload(v6(D6, S6, { type: 140, code: 0 }, '00030000112233445566778800'), D6, 58)).toEqual({ ok: true, answer: 'reply' });
    expect(answerV6Payload(v6(D6, S6, { type: 140, code: 0 }, '00030000112233445566779900'), D6, 58)).toEqual({ ok: false, reason: 'nonce 1122334455667799 differs (expected 1122334455667788)' });
    expect(answerV6Payload(v6(D6, S6, { type: 140, code: 0 }, '00040000112233445566778800'), D6, 58)).toEqual({ ok: false, reason: 'qtype 4 differs (expected 3)' });
  });

  it('ICMPv6 MLD query: a general query is answered by any report, a specific one by a report on its group (MLDv1 and v2)', () => {
    current = probe(v6('fe80::1', 'ff02::1', { type: 'mld-query' }));
    expect(answerV6Payload(v6('fe80::2', 'ff02::fb', { type: 'mld-report', multicastAddress: 'ff02::fb' }), 'fe80::2', 58)).toEqual({ ok: true, answer: 'reply' });
    current = probe(v6('fe80::1', 'ff02::fb', { type: 'mld-query', multicastAddress: 'ff02::fb' }));
    expect(answerV6Payload(v6('fe80::2', 'ff02::fb', { type: 'mld-report', multicastAddress: 'ff02::fb' }), 'fe80::2', 58)).toEqual({ ok: true, answer: 'reply' });
    expect(answerV6Payload(v6('fe80::2', 'ff02::16', { type: 'mldv2-report', records: [{ recordType: 2, multicastAddress: 'ff02::fb' }] }), 'fe80::2', 58)).toEqual({ ok: true, answer: 'reply' });
    expect(answerV6Payload(v6('fe80::2', 'ff02::16', { type: 'mldv2-report', records: [{ recordType: 2, multicastAddress: 'ff02::1:3' }] }), 'fe80::2', 58)).toEqual({
      ok: false,
      reason: 'reports ff02::1:3 (expected ff02::fb)',
    });
    expect(answerV6Payload(v6('fe80::2', 'ff02::fb', { type: 'mld-done', multicastAddress: 'ff02::fb' }), 'fe80::2', 58)).toMatchObject({ ok: false, reason: 'mld-done does not answer a MLD query' });
  });

  it('ICMPv6 router solicitation → any router advertisement; neighbor solicitation → advertisement for its target', () => {
    current = probe(v6('fe80::1', 'ff02::2', { type: 'router-solicitation' }));
    expect(answerV6Payload(v6('fe80::9', 'ff02::1', { type: 'router-advertisement' }), 'fe80::9', 58)).toEqual({ ok: true, answer: 'reply' });
    current = probe(v6(S6, 'ff02::1:ff00:2', { type: 'neighbor-solicitation', target: D6 }));
    expect(answerV6Payload(v6(D6, S6, { type: 'neighbor-advertisement', target: D6, flags: ['s'] }), D6, 58)).toEqual({ ok: true, answer: 'reply' });
    expect(answerV6Payload(v6('2001:db8::3', S6, { type: 'neighbor-advertisement', target: '2001:db8::3' }), '2001:db8::3', 58)).toEqual({ ok: false, reason: 'target 2001:db8::3 differs (expected 2001:db8::2)' });
  });

  it('a message that is no query is not matched by type', () => {
    current = probe(ipv4({ src: A, dst: B }).icmp({ type: 'echo-reply', id: 1, seq: 1 }));
    expect(answer(v4('echo-reply', { id: 1, seq: 1 }))).toMatchObject({ ok: false, reason: expect.stringMatching(/not a query that has a reply/) });
  });
});

describe('request() over real raw sockets', () => {
  it('an ICMP timestamp request to 127.0.0.1 is answered by the Linux kernel\'s timestamp reply', async (ctx) => {
    requireRaw(ctx);
    if (process.platform !== 'linux') ctx.skip('Linux answers timestamp requests (icmp_timestamp); other kernels may not');
    await using t = openTransport('raw');
    const id = freshId();
    const result = await request(t, ipv4({ src: '127.0.0.1', dst: '127.0.0.1' }).icmp({ type: 'timestamp-request', id, seq: 3, originate: 1234 }), { timeoutMs: 2000 });
    expect(result.status, result.status === 'timeout' ? result.explanation : '').toBe('answered');
    if (result.status !== 'answered') return;
    expect(result.answer).toBe('reply');
    // What the kernel wrote (RFC 792): type 14, our id, seq and originate timestamp copied back.
    expect(result.reply.packet.layers[1].fields).toMatchObject({ type: 'timestamp-reply', id, seq: 3, originate: 1234 });
  });
});
