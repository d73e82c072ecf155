/**
 * An independent check by tshark: a seeded generator builds over a thousand packets covering
 * every protocol and variant of the foundation (IPv4 with options, ICMP in all its message types,
 * UDP, TCP with all nine flags and its options, Ethernet with 802.1Q tags); they are written to
 * pcap and pcapng, dissected by one tshark run per file, and for every frame tshark's reading must
 * equal rawcraft's, with no malformed packet and no bad checksum. Deliberately broken packets are a
 * separate, small set where both must see the same bad checksums.
 *
 * Skipped where tshark is missing, except with CI=true, where a missing tshark fails the file.
 * All addresses are loopback or documentation ranges; nothing is sent.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode, encodeLayers, ipv4, type EncodableLayer, type Layer } from '../../src/index.js';
import { LinkType, createCaptureWriter, encodePcapng, parseCapture, type CaptureRecordInput } from '../../src/capture/index.js';
import { Rng, SAFE_ADDRESS, ethernetPacket, ipPacket, padEthernet } from './generate.js';
import { ANY, COMPARED_FIELDS, compareFields, expectedFields, inputProblems, type Expected } from './expectations.js';
import { CHECKSUM, PI_ERROR, PI_WARN, experts, hasTshark, inCI, tsharkFields, type TsharkFrame } from './tools.js';

const SEED = 0x5eed_c0de;
/** Packets in the main set; about a fifth are Ethernet frames. */
const COUNT = 1200;
const T0 = 1_700_000_000_000_000_000n;

const FIELDS = ['frame.number', 'frame.protocols', '_ws.malformed', '_ws.expert.severity', '_ws.expert.message', ...COMPARED_FIELDS];

interface Case {
  readonly kind: string;
  readonly input: EncodableLayer[];
  readonly linkType: number;
  readonly bytes: Buffer;
  readonly layers: Layer[];
  readonly expected: Expected;
  /** A quoted TCP segment cut short: tshark 4.0 checks its checksum over the bytes present (see frameProblems). */
  readonly cutQuotedTcp: boolean;
}

/** A generated packet: what it exercises and the layers to encode. */
interface Input {
  readonly kind: string;
  readonly input: EncodableLayer[];
}

function makeCase(generated: Input, linkType: number): Case {
  const bytes = encodeLayers(generated.input);
  const { layers, issues } = decode(bytes, { from: linkType === LinkType.ETHERNET ? 'ethernet' : 'auto', mode: 'lax' });
  // Issues are expected only inside a quoted datagram that routers cut short.
  const quotedIcmp = layers.findIndex((l) => l.layer === 'icmp');
  const cut = quotedIcmp >= 0 && issues.length > 0;
  if (issues.length && !cut) throw new Error(`${generated.kind}: unexpected issues ${issues.map((e) => e.message).join('; ')}`);
  const cutQuotedTcp = cut && layers.slice(quotedIcmp).some((l) => l.layer === 'tcp');
  return { kind: generated.kind, input: generated.input, linkType, bytes, layers, expected: expectedFields(bytes, layers), cutQuotedTcp };
}

/** The main set, in one fixed order: a mix of raw IPv4 datagrams and Ethernet frames. */
function mainSet(): Case[] {
  const rng = new Rng(SEED);
  const cases: Case[] = [];
  for (let i = 0; i < COUNT; i++) {
    if (rng.bool(0.2)) {
      const p = ethernetPacket(rng);
      const length = encodeLayers(p.layers).length;
      const layers = rng.bool(0.5) ? padEthernet(p.layers, length) : p.layers;
      cases.push(makeCase({ kind: p.kind, input: layers }, LinkType.ETHERNET));
    } else {
      const p = ipPacket(rng);
      cases.push(makeCase({ kind: p.kind, input: p.layers }, LinkType.RAW));
    }
  }
  // A UDP checksum that computes to zero is sent as 0xffff (RFC 768): find a payload that does it.
  const udp = (data: Buffer): EncodableLayer[] => [
    { layer: 'ipv4', fields: { src: '192.0.2.7', dst: '198.51.100.7', id: 7 } },
    { layer: 'udp', fields: { srcPort: 40007, dstPort: 50007 } },
    { layer: 'raw', fields: { data } },
  ];
  const probe = encodeLayers(udp(Buffer.alloc(2)));
  const allOnes = udp(Buffer.from(probe.subarray(26, 28)));
  const zeroCase = makeCase({ kind: 'udp checksum computed as 0, sent as 0xffff', input: allOnes }, LinkType.RAW);
  expect(zeroCase.bytes.readUInt16BE(26)).toBe(0xffff);
  cases.push(zeroCase);
  return cases;
}

let dir: string;
beforeAll(() => {
  // With CI=true the describes below run even without tshark: fail them here, with the reason.
  if (!hasTshark) throw new Error('tshark is not on PATH and CI=true: install tshark, the interop tests must run in CI');
  dir = mkdtempSync(join(tmpdir(), 'rawcraft-interop-'));
});
afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

async function writeCapture(path: string, linkType: number, cases: readonly Case[]): Promise<void> {
  const writer = createCaptureWriter(path, { format: 'pcap', linkType, resolution: 'ns' });
  for (const [i, c] of cases.entries()) await writer.write({ data: c.bytes, timestampNs: T0 + BigInt(i) * 1000n });
  await writer.close();
}

function records(cases: readonly Case[]): CaptureRecordInput[] {
  return cases.map((c, i) => ({ data: c.bytes, timestampNs: T0 + BigInt(i) * 1000n, linkType: c.linkType }));
}

/**
 * Everything wrong with one frame, as text (empty when tshark and rawcraft agree).
 *
 * One tshark 4.0 quirk is allowed for: when an ICMP error quotes a TCP segment cut short (as
 * routers do), tshark still checks the TCP checksum, over the bytes the ICMP message happens to
 * carry with that shorter length in the pseudo-header, and so calls the original checksum bad
 * ("Bad checksum [should be ...]"). No checksum over a partial segment can be checked; rawcraft
 * says "unverifiable", which is what is asserted on our side. (tshark leaves a cut quoted UDP
 * datagram unverified, since UDP carries its own length.)
 */
function frameProblems(c: Case, frame: TsharkFrame | undefined): string[] {
  if (!frame) return ['tshark printed no line for it'];
  const problems: string[] = [];
  if (frame['_ws.malformed'].length || /malformed/.test(frame['frame.protocols'].join(''))) problems.push(`malformed: ${frame['frame.protocols']}`);
  for (const { severity, message } of experts(frame)) {
    const badQuotedTcp = c.cutQuotedTcp && /^Bad checksum/.test(message);
    if (severity >= PI_ERROR && !badQuotedTcp) problems.push(`expert error: ${message}`);
    if (severity >= PI_WARN && /checksum/i.test(message) && !badQuotedTcp) problems.push(`expert warning: ${message}`);
  }
  problems.push(...compareFields(c.expected, frame));
  // Statuses that the generic comparison leaves open (ANY): rawcraft's "unverifiable".
  for (const proto of ['ip', 'icmp', 'udp', 'tcp'] as const) {
    const ours = c.layers.filter((l) => l.layer === (proto === 'ip' ? 'ipv4' : proto));
    const theirs = frame[`${proto}.checksum.status`];
    ours.forEach((layer, k) => {
      if (c.expected[`${proto}.checksum.status`][k] !== ANY) return;
      const verdict = layer.checksum?.status;
      if (verdict === 'valid' || verdict === 'invalid') return;
      // unverifiable: tshark must not call it good (it cannot have all the bytes either)...
      if (theirs[k] === CHECKSUM.GOOD) problems.push(`${proto}.checksum.status: tshark good, rawcraft ${verdict}`);
      // ...and may call it bad only for a cut quoted TCP segment (its quirk).
      if (theirs[k] === CHECKSUM.BAD && !(proto === 'tcp' && c.cutQuotedTcp)) problems.push(`${proto}.checksum.status: tshark bad, rawcraft ${verdict}`);
    });
  }
  return problems;
}

function allProblems(cases: readonly Case[], frames: TsharkFrame[]): string[] {
  const problems: string[] = [];
  if (frames.length !== cases.length) problems.push(`tshark read ${frames.length} frames, we wrote ${cases.length}`);
  cases.forEach((c, i) => {
    const p = frameProblems(c, frames[i]);
    if (p.length) problems.push(`#${i + 1} (${c.kind}) ${c.bytes.toString('hex')}\n    ${p.join('\n    ')}`);
  });
  return problems;
}

describe.skipIf(!hasTshark && !inCI)('tshark agrees with rawcraft', () => {
  let cases: Case[];
  let raw: Case[];
  let ether: Case[];

  beforeAll(() => {
    cases = mainSet();
    raw = cases.filter((c) => c.linkType === LinkType.RAW);
    ether = cases.filter((c) => c.linkType === LinkType.ETHERNET);
  });

  it('generates over a thousand packets covering every variant, on safe addresses only', () => {
    expect(cases.length).toBeGreaterThanOrEqual(1000);
    expect(ether.length).toBeGreaterThan(150);
    const kinds = new Set(cases.map((c) => c.kind.replace(/^ethernet( \dx802\.1Q)? /, '')));
    for (const kind of ['udp', 'tcp', 'raw', 'icmp echo-request', 'icmp echo-reply', 'icmp destination-unreachable', 'icmp redirect', 'icmp time-exceeded',
      'icmp parameter-problem', 'icmp source-quench', 'icmp timestamp-request', 'icmp timestamp-reply', 'icmp information-request',
      'icmp information-reply', 'icmp address-mask-request', 'icmp address-mask-reply', 'icmp router-solicitation', 'icmp router-advertisement']) {
      expect(kinds, kind).toContain(kind);
    }
    const all = cases.flatMap((c) => c.layers);
    const of = (name: string) => all.filter((l) => l.layer === name).map((l) => l.fields as unknown as Record<string, unknown>);
    // Every IPv4 option kind and timestamp flag, every TCP flag and option, every unreachable code.
    const ipOptions = new Set(of('ipv4').flatMap((f) => (f.options as { kind: unknown; flag?: unknown }[]).map((o) => (o.kind === 'timestamp' ? `timestamp ${o.flag}` : o.kind))));
    for (const k of ['eol', 'nop', 'record-route', 'lsrr', 'ssrr', 'timestamp timestamps-only', 'timestamp with-addresses', 'timestamp prespecified', 'router-alert']) expect(ipOptions).toContain(k);
    const tcpOptions = new Set(of('tcp').flatMap((f) => (f.options as { kind: unknown }[]).map((o) => (typeof o.kind === 'number' ? 'unknown' : o.kind))));
    for (const k of ['eol', 'nop', 'mss', 'window-scale', 'sack-permitted', 'sack', 'timestamps', 'unknown']) expect(tcpOptions).toContain(k);
    const tcpFlags = new Set(of('tcp').flatMap((f) => f.flags as string[]));
    expect([...tcpFlags].sort()).toEqual(['ack', 'ae', 'cwr', 'ece', 'fin', 'psh', 'rst', 'syn', 'urg']);
    const unreachable = new Set(of('icmp').filter((f) => f.type === 'destination-unreachable').map((f) => f.code));
    expect(unreachable.size).toBe(16);
    expect(of('ethernet').some((f) => (f.vlans as unknown[]).length === 2)).toBe(true);
    // Network safety: every address in every layer (quoted ones and option addresses too).
    const addresses = JSON.stringify(cases.map((c) => c.layers.map((l) => l.fields))).match(/"\d+\.\d+\.\d+\.\d+"/g) ?? [];
    const unsafe = addresses.map((a) => a.slice(1, -1)).filter((a) => !SAFE_ADDRESS.test(a) && !/^255\.255\.\d+\.0$/.test(a));
    expect(unsafe).toEqual([]);
  });

  it('decodes every generated packet to what the generator asked for', () => {
    const problems = cases.flatMap((c, i) => inputProblems(c.input, c.layers).map((p) => `#${i + 1} (${c.kind}): ${p}`));
    expect(problems.slice(0, 20)).toEqual([]);
    // And the decoded layers encode back to the same bytes.
    const mismatched = cases.filter((c) => !encodeLayers(c.layers as unknown as EncodableLayer[]).equals(c.bytes)).map((c) => c.kind);
    expect(mismatched).toEqual([]);
  });

  it('pcap, raw IPv4 (LINKTYPE_RAW 101): tshark reads every frame as rawcraft does', async () => {
    const path = join(dir, 'main-raw.pcap');
    await writeCapture(path, LinkType.RAW, raw);
    expect(parseCapture(readFileSync(path)).map((r) => r.data.toString('hex'))).toEqual(raw.map((c) => c.bytes.toString('hex')));
    const frames = await tsharkFields(path, FIELDS);
    expect(allProblems(raw, frames).slice(0, 10)).toEqual([]);
    // The comparison is live: tens of thousands of values compared, and a wrong one is caught.
    const compared = raw.reduce((n, c) => n + Object.values(c.expected).reduce((m, v) => m + v.length, 0), 0);
    expect(compared).toBeGreaterThan(15 * raw.length);
    const ttl = raw[0].expected['ip.ttl'][0] as number;
    expect(compareFields({ 'ip.ttl': [ttl === 255 ? 1 : ttl + 1] }, frames[0])).toHaveLength(1);
  });

  it('pcap, Ethernet (LINKTYPE_ETHERNET 1) with and without 802.1Q: tshark reads every frame as rawcraft does', async () => {
    const path = join(dir, 'main-ether.pcap');
    await writeCapture(path, LinkType.ETHERNET, ether);
    const frames = await tsharkFields(path, FIELDS);
    expect(allProblems(ether, frames).slice(0, 10)).toEqual([]);
  });

  it('pcapng with a raw and an Ethernet interface, all packets in order: tshark reads every frame as rawcraft does', async () => {
    const path = join(dir, 'main.pcapng');
    writeFileSync(path, encodePcapng(records(cases)));
    const frames = await tsharkFields(path, [...FIELDS, 'frame.interface_id']);
    expect(allProblems(cases, frames).slice(0, 10)).toEqual([]);
    // Two interfaces, one per link type.
    const ids = new Map(cases.map((c, i) => [c.linkType, frames[i]['frame.interface_id'][0]]));
    expect(new Set(ids.values()).size).toBe(2);
    cases.forEach((c, i) => expect(frames[i]['frame.interface_id'][0]).toBe(ids.get(c.linkType)));
  });
});

/**
 * Deliberately broken packets: one checksum wrong (spoiled with `corrupt`, or given explicitly),
 * in every layer that has one, outer and quoted. tshark must call exactly those bad, computing the
 * same correct value rawcraft reports as `expected`; everything else stays good.
 */
function brokenSet(): Case[] {
  const rng = new Rng(SEED ^ 0xbad);
  const a = () => `192.0.2.${rng.int(1, 254)}`;
  const b = () => `198.51.100.${rng.int(1, 254)}`;
  const p = () => rng.int(40000, 60000);
  const data = (n = 24) => rng.bytes(rng.int(1, n));
  const tcp = () => ({ srcPort: p(), dstPort: p(), seq: rng.u32(), ack: rng.u32(), flags: ['ack', 'psh'] as const, options: [{ kind: 'nop' as const }, { kind: 'nop' as const }, { kind: 'timestamps' as const, value: rng.u32(), echo: rng.u32() }] });
  const templates: Array<[string, () => EncodableLayer[], number]> = [
    ['ipv4 header', () => ipv4({ src: a(), dst: b(), id: rng.u16() }).corrupt('checksum').udp({ srcPort: p(), dstPort: p() }).payload(data()).layers as EncodableLayer[], LinkType.RAW],
    ['udp', () => ipv4({ src: a(), dst: b(), id: rng.u16() }).udp({ srcPort: p(), dstPort: p() }).corrupt('checksum').payload(data()).layers as EncodableLayer[], LinkType.RAW],
    ['tcp', () => ipv4({ src: a(), dst: b(), id: rng.u16() }).tcp(tcp()).corrupt('checksum').payload(data()).layers as EncodableLayer[], LinkType.RAW],
    ['icmp echo', () => ipv4({ src: a(), dst: b(), id: rng.u16() }).icmp({ type: 'echo-request', id: rng.u16(), seq: rng.u16() }).corrupt('checksum').payload(data()).layers as EncodableLayer[], LinkType.RAW],
    ['quoted ipv4 header', () => ipv4({ src: a(), dst: b() }).icmp({ type: 'destination-unreachable', code: 3 }).ipv4({ src: b(), dst: a() }).corrupt('checksum').udp({ srcPort: p(), dstPort: p() }).payload(data()).layers as EncodableLayer[], LinkType.RAW],
    ['quoted udp', () => ipv4({ src: a(), dst: b() }).icmp({ type: 'time-exceeded', code: 0 }).ipv4({ src: b(), dst: a() }).udp({ srcPort: p(), dstPort: p() }).corrupt('checksum').payload(data()).layers as EncodableLayer[], LinkType.RAW],
    ['quoted tcp', () => ipv4({ src: a(), dst: b() }).icmp({ type: 'destination-unreachable', code: 1 }).ipv4({ src: b(), dst: a() }).tcp(tcp()).corrupt('checksum').payload(data()).layers as EncodableLayer[], LinkType.RAW],
    // An explicit checksum is written as given, right or wrong: here a wrong one.
    ['explicit udp checksum', () => ipv4({ src: a(), dst: b() }).udp({ srcPort: p(), dstPort: p(), checksum: 0x1234 }).payload(data()).layers as EncodableLayer[], LinkType.RAW],
    ['explicit ipv4 checksum', () => ipv4({ src: a(), dst: b(), checksum: 0x4321 }).tcp(tcp()).layers as EncodableLayer[], LinkType.RAW],
    ['ethernet, tcp', () => [{ layer: 'ethernet', fields: { src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02', vlans: [{ vid: rng.int(1, 4094) }] } }, ...(ipv4({ src: a(), dst: b() }).tcp(tcp()).corrupt('checksum').payload(data()).layers as EncodableLayer[])], LinkType.ETHERNET],
  ];
  const cases: Case[] = [];
  for (let round = 0; round < 4; round++) {
    for (const [kind, build, linkType] of templates) {
      const input = build();
      const bytes = encodeLayers(input);
      const { layers, issues } = decode(bytes, { from: linkType === LinkType.ETHERNET ? 'ethernet' : 'auto', mode: 'lax' });
      expect(issues).toEqual([]);
      cases.push({ kind, input, linkType, bytes, layers, expected: expectedFields(bytes, layers), cutQuotedTcp: false });
    }
  }
  return cases;
}

describe.skipIf(!hasTshark && !inCI)('tshark and rawcraft agree on broken checksums', () => {
  it('every spoiled checksum is bad for both, with the same correct value; every other one is good', async () => {
    const cases = brokenSet();
    const path = join(dir, 'broken.pcapng');
    writeFileSync(path, encodePcapng(records(cases)));
    const frames = await tsharkFields(path, [...FIELDS, 'ip.checksum_calculated', 'udp.checksum_calculated', 'tcp.checksum_calculated']);
    expect(frames).toHaveLength(cases.length);
    const problems: string[] = [];
    cases.forEach((c, i) => {
      const frame = frames[i];
      const verdicts = c.layers.filter((l) => l.checksum).map((l) => ({ layer: l.layer, ...l.checksum! }));
      const invalid = verdicts.filter((v) => v.status === 'invalid');
      const fail = (text: string) => problems.push(`#${i + 1} (${c.kind}): ${text}`);
      // rawcraft: exactly one bad checksum, the spoiled one; the rest verify.
      if (invalid.length !== 1) fail(`rawcraft verdicts ${JSON.stringify(verdicts)}`);
      if (verdicts.some((v) => v.status === 'unverifiable')) fail(`unverifiable verdict ${JSON.stringify(verdicts)}`);
      // tshark: the same statuses (bad = 0, good = 1), and its "should be" values are our expected ones.
      for (const p of compareFields(c.expected, frame)) fail(p);
      if (frame['_ws.malformed'].length) fail('malformed');
      const shouldBe = experts(frame).map((e) => /^Bad checksum \[should be 0x([0-9a-f]{4})\]$/.exec(e.message)?.[1]).filter((x) => x !== undefined);
      const ours = invalid.map((v) => v.expected!.toString(16).padStart(4, '0'));
      if (JSON.stringify(shouldBe) !== JSON.stringify(ours)) fail(`tshark says should be ${JSON.stringify(shouldBe)}, rawcraft expected ${JSON.stringify(ours)}`);
      // The calculated-checksum fields, where tshark has them (it has none for ICMP).
      for (const v of invalid) {
        const field = v.layer === 'ipv4' ? 'ip.checksum_calculated' : `${v.layer}.checksum_calculated`;
        if (v.layer === 'icmp') continue;
        if (!frame[field].map(Number).includes(v.expected!)) fail(`${field} ${JSON.stringify(frame[field])} lacks ${v.expected}`);
      }
    });
    expect(problems).toEqual([]);
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });
});

describe.skipIf(!hasTshark && !inCI)('fragments', () => {
  /** A datagram encoded whole by rawcraft, then cut into IPv4 fragments of `size` payload bytes. */
  function fragments(whole: Buffer, size: number): Buffer[] {
    const header = decode(whole).layers[0].fields as { src: string; dst: string; id: number; protocol: number };
    const body = whole.subarray(20);
    const out: Buffer[] = [];
    for (let at = 0; at < body.length; at += size) {
      const last = at + size >= body.length;
      out.push(
        encodeLayers([
          { layer: 'ipv4', fields: { src: header.src, dst: header.dst, id: header.id, protocol: header.protocol, flags: last ? [] : ['mf'], fragmentOffset: at / 8 } },
          { layer: 'raw', fields: { data: body.subarray(at, at + size) } },
        ]),
      );
    }
    return out;
  }

  it('tshark reassembles fragments and finds the checksums rawcraft computed over the whole datagram good (bad when spoiled)', async () => {
    const rng = new Rng(SEED ^ 0xf4a9);
    const datagrams = [
      { proto: 'udp', good: true, bytes: ipv4({ src: '192.0.2.10', dst: '198.51.100.10', id: 1001 }).udp({ srcPort: 40010, dstPort: 50010 }).payload(rng.bytes(333)).encode() },
      { proto: 'tcp', good: true, bytes: ipv4({ src: '192.0.2.11', dst: '198.51.100.11', id: 1002 }).tcp({ srcPort: 40011, dstPort: 50011, seq: 1, ack: 2, flags: ['ack', 'psh'], options: [{ kind: 'timestamps', value: 5, echo: 6 }] }).payload(rng.bytes(257)).encode() },
      { proto: 'icmp', good: true, bytes: ipv4({ src: '127.0.0.1', dst: '127.0.0.1', id: 1003 }).icmp({ type: 'echo-request', id: 7, seq: 8 }).payload(rng.bytes(1200)).encode() },
      { proto: 'udp', good: false, bytes: ipv4({ src: '192.0.2.12', dst: '198.51.100.12', id: 1004 }).udp({ srcPort: 40012, dstPort: 50012 }).corrupt('checksum').payload(rng.bytes(100)).encode() },
    ];
    const all = datagrams.flatMap((d) => fragments(d.bytes, 8 * rng.int(4, 8)).map((bytes, k, list) => ({ ...d, bytes, first: k === 0, last: k === list.length - 1 })));
    // rawcraft alone cannot check a fragment's transport checksum: unverifiable, never a guess.
    for (const f of all) {
      const { layers, issues } = decode(f.bytes);
      expect(issues).toEqual([]);
      expect(layers[0].checksum?.status).toBe('valid');
      if (f.first) expect(layers[1].checksum?.status).toBe('unverifiable');
      else expect(layers.map((l) => l.layer)).toEqual(['ipv4', 'raw']);
    }
    const path = join(dir, 'fragments.pcap');
    writeFileSync(path, encodePcapng(all.map((f, i) => ({ data: f.bytes, timestampNs: T0 + BigInt(i), linkType: LinkType.RAW }))));
    const frames = await tsharkFields(path, ['frame.protocols', '_ws.malformed', 'ip.flags', 'ip.frag_offset', 'udp.checksum.status', 'tcp.checksum.status', 'icmp.checksum.status']);
    expect(frames).toHaveLength(all.length);
    all.forEach((f, i) => {
      const frame = frames[i];
      const offset = decode(f.bytes).layers[0].fields as { fragmentOffset: number };
      expect(frame['_ws.malformed']).toEqual([]);
      expect(frame['ip.flags']).toEqual([f.last ? '0x00' : '0x01']);
      expect(frame['ip.frag_offset'].map(Number)).toEqual([offset.fragmentOffset]);
      // The reassembled datagram is dissected at its last fragment.
      expect(frame[`${f.proto}.checksum.status`]).toEqual(f.last ? [f.good ? CHECKSUM.GOOD : CHECKSUM.BAD] : []);
    });
  });

  // A first fragment carries the UDP header of the whole datagram, so its length field counts
  // bytes that travel in later fragments: normal (RFC 791), not a truncated datagram.
  it('strict decoding accepts a valid first UDP fragment', () => {
    const whole = ipv4({ src: '192.0.2.13', dst: '198.51.100.13', id: 1005 }).udp({ srcPort: 40013, dstPort: 50013 }).payload(Buffer.alloc(100, 1)).encode();
    expect(() => decode(fragments(whole, 48)[0])).not.toThrow();
  });
});

/**
 * A source route that is complete (pointer past the last slot) has reached its final destination:
 * the header's destination is that destination, and the slots hold the recorded route (RFC 791
 * section 3.1: "If the pointer is greater than the length, the source route is empty ... and the
 * routing is to be based on the destination address field"). The TCP/UDP pseudo-header therefore
 * uses the header's destination (RFC 1122 section 3.3.5 / RFC 9293 section 3.1 speak of the final
 * destination). tshark does exactly that, and so must rawcraft, decoding and encoding.
 */
describe.skipIf(!hasTshark && !inCI)('a completed source route', () => {
  const src = '192.0.2.30';
  const dst = '198.51.100.30';
  const route = ['203.0.113.1', '192.0.2.77'];
  const payload = Buffer.from('route done');
  const options = (kind: 'lsrr' | 'ssrr') => [{ kind, pointer: 4 + 4 * route.length, addresses: route }];
  /** The checksum a sender computed for the final destination `dst`: the same datagram without options. */
  const rightChecksum = ipv4({ src, dst }).udp({ srcPort: 40030, dstPort: 50030 }).payload(payload).build().layers[1].fields as { checksum: number };
  const arrived = (kind: 'lsrr' | 'ssrr') =>
    ipv4({ src, dst, options: options(kind) }).udp({ srcPort: 40030, dstPort: 50030, checksum: rightChecksum.checksum }).payload(payload).encode();

  it('tshark takes the header destination for the pseudo-header, and calls the sender\u2019s checksum good', async () => {
    const path = join(dir, 'route-done.pcap');
    await writeCapture(path, LinkType.RAW, [arrived('lsrr'), arrived('ssrr')].map((bytes) => ({ bytes }) as Case));
    const frames = await tsharkFields(path, ['ip.dst', 'ip.cur_rt', 'ip.rec_rt', 'udp.checksum.status']);
    for (const frame of frames) {
      expect(frame['ip.dst']).toEqual([dst]);
      expect(frame['ip.cur_rt']).toEqual([]);
      expect(frame['udp.checksum.status']).toEqual([CHECKSUM.GOOD]);
    }
  });

  // (rawcraft used to take the last slot whatever the pointer: ipv4-options.ts, finalDestination.)
  it('rawcraft calls the same checksum valid (decoder)', () => {
    expect(decode(arrived('lsrr')).layers[1].checksum?.status).toBe('valid');
  });

  it('rawcraft computes the checksum tshark accepts (encoder)', () => {
    const built = ipv4({ src, dst, options: options('lsrr') }).udp({ srcPort: 40030, dstPort: 50030 }).payload(payload).build();
    expect((built.layers[1].fields as { checksum: number }).checksum).toBe(rightChecksum.checksum);
  });

  it('a route still in progress, given as a raw option (kind 131, pointer and addresses as hex): its last address is the destination, for both', async () => {
    const hex = (a: string) => Buffer.from(a.split('.').map(Number)).toString('hex');
    const bytes = ipv4({ src, dst, options: [{ kind: 131, data: `04${route.map(hex).join('')}` }] }).udp({ srcPort: 40031, dstPort: 50031 }).payload(payload).encode();
    expect(decode(bytes).layers[1].checksum?.status).toBe('valid');
    const path = join(dir, 'route-raw.pcap');
    await writeCapture(path, LinkType.RAW, [{ bytes } as Case]);
    const [frame] = await tsharkFields(path, ['ip.dst', 'ip.cur_rt', 'udp.checksum.status']);
    expect(frame).toEqual({ 'ip.dst': [route[1]], 'ip.cur_rt': [dst], 'udp.checksum.status': [CHECKSUM.GOOD] });
  });
});
