/**
 * Transports that need no privileges: the in-process memory pair, pcap and pcapng files
 * (read back by tshark when installed), and request() explaining a timeout.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { P } from 'ts-pattern';
import { afterAll, describe, expect, it } from 'vitest';
import { ipv4, packet } from '../../src/builders/packet.js';
import { parseCapture, readCapture, LinkType } from '../../src/capture/index.js';
import { readFileSync } from 'node:fs';
import {
  TransportArgumentError,
  TransportClosedError,
  TransportUnsupportedError,
  createMemoryPair,
  openTransport,
  request,
  type ReceivedPacket,
  type Transport,
} from '../../src/transport/index.js';
import { IN_CI } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'rawcraft-transports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hasTshark = spawnSync('tshark', ['--version'], { encoding: 'utf8' }).status === 0;

/** Answer echo requests arriving at `t` (up to `n`), with `change` applied to the reply's id/seq. */
async function echoResponder(t: Transport, n: number, change: (seq: number) => { id?: number; seq: number }[]): Promise<void> {
  let handled = 0;
  for await (const r of t.receive({ timeoutMs: 3000, filter: { layers: [{ layer: 'ipv4' }, { layer: 'icmp', fields: { type: 'echo-request' } }, ...P.array()] } })) {
    const ip = r.packet.layers[0].fields as { src: string; dst: string };
    const icmp = r.packet.layers[1].fields as { id: number; seq: number };
    for (const c of change(icmp.seq)) {
      await t.send(ipv4({ src: ip.dst, dst: ip.src }).icmp({ type: 'echo-reply', id: c.id ?? icmp.id, seq: c.seq }));
    }
    if (++handled >= n) return;
  }
}

describe('memory transport', () => {
  it('what one end sends the other receives, decoded, byte for byte', async () => {
    const [a, b] = createMemoryPair();
    const built = ipv4({ src: '192.0.2.1', dst: '192.0.2.2', ttl: 9 }).udp({ srcPort: 1000, dstPort: 2000 }).payload('hello');
    const sent = await a.send(built); // before anyone listens: kept for the next receive()
    const frame = packet().ethernet().ipv4({ src: '192.0.2.1', dst: '192.0.2.2' }).payload('x');
    await a.send(frame);
    const got: ReceivedPacket[] = [];
    for await (const r of b.receive({ timeoutMs: 100 })) got.push(r);
    expect(got).toHaveLength(2);
    expect(Buffer.from(got[0].bytes)).toEqual(Buffer.from(sent.bytes));
    expect(got[0]).toMatchObject({ from: '192.0.2.1', family: 4, includesIpHeader: true, firstLayer: 'ipv4', protocol: 17 });
    expect(got[0].packet.layers.map((l) => l.layer)).toEqual(['ipv4', 'udp', 'raw']);
    expect(got[1].firstLayer).toBe('ethernet');
    expect(got[1].packet.layers.map((l) => l.layer)).toEqual(['ethernet', 'ipv4', 'raw']);
    await a.close();
    await expect(b.send(built)).rejects.toBeInstanceOf(TransportClosedError);
    await b.close();
  });

  it('every running receive() sees every packet; count and filters apply per receive', async () => {
    const [a, b] = createMemoryPair();
    const all = b.receive({ timeoutMs: 200 });
    const udpOnly = b.receive({ count: 1, filter: (p) => p.layers[1]?.layer === 'udp' });
    await a.send(ipv4().icmp({ type: 'echo-request', id: 1, seq: 1 }));
    await a.send(ipv4().udp().payload('x'));
    await a.send(ipv4().udp().payload('y'));
    const seen = [];
    for await (const r of all) seen.push(r.packet.layers[1].layer);
    const udp = [];
    for await (const r of udpOnly) udp.push(r.packet.layers.at(-1)!.fields);
    expect(seen).toEqual(['icmp', 'udp', 'udp']);
    expect(udp).toEqual([{ data: Buffer.from('x') }]);
  });

  it('a receive() given up before its first next() stops receiving: later packets wait for the next receive()', async () => {
    const [a, b] = createMemoryPair();
    const abandoned = b.receive()[Symbol.asyncIterator]();
    await abandoned.return!();
    await a.send(ipv4().udp().payload('later'));
    const got = [];
    for await (const r of b.receive({ timeoutMs: 20 })) got.push(r.packet.layers.at(-1)!.fields);
    expect(got).toEqual([{ data: Buffer.from('later') }]);
  });

  it('request() over a memory pair: answered by a responder, with rejected candidates listed', async () => {
    const [a, b] = createMemoryPair({ delayMs: 1 });
    // The responder first answers with a wrong seq, then a wrong id, then correctly.
    const responder = echoResponder(b, 1, (seq) => [{ seq: seq + 1 }, { id: 99, seq }, { seq }]);
    const r = await request(a, ipv4({ src: '192.0.2.1', dst: '192.0.2.2' }).icmp({ type: 'echo-request', id: 7, seq: 1 }), { timeoutMs: 2000 });
    await responder;
    expect(r.status).toBe('answered');
    if (r.status !== 'answered') return;
    expect(r.answer).toBe('reply');
    expect(r.rttMs).toBeGreaterThanOrEqual(0);
    expect(r.rejected.map((x) => `${x.candidate}: ${x.reason}`)).toEqual([
      'icmp echo-reply id 7 seq 2 from 192.0.2.2: seq differs (expected 1)',
      'icmp echo-reply id 99 seq 1 from 192.0.2.2: id differs (expected 7)',
    ]);
  });

  it('request() timeout explains why each candidate was rejected', async () => {
    const [a, b] = createMemoryPair();
    const responder = (async () => {
      for await (const r of b.receive({ timeoutMs: 2000, count: 1 })) {
        const ip = r.packet.layers[0].fields as { src: string; dst: string };
        await b.send(ipv4({ src: ip.dst, dst: ip.src }).icmp({ type: 'echo-reply', id: 7, seq: 2 }));
        await b.send(ipv4({ src: '192.0.2.99', dst: ip.src }).icmp({ type: 'echo-reply', id: 7, seq: 1 }));
        await b.send(ipv4({ src: ip.dst, dst: ip.src }).udp({ srcPort: 53, dstPort: 5353 }));
        // An ICMP error quoting a different datagram (another destination).
        await b.send(ipv4({ src: '192.0.2.254', dst: ip.src }).icmp({ type: 'time-exceeded', code: 'ttl-exceeded' }).ipv4({ src: ip.src, dst: '192.0.2.3', ttl: 1 }).icmp({ type: 'echo-request', id: 7, seq: 1 }));
      }
    })();
    const r = await request(a, ipv4({ src: '192.0.2.1', dst: '192.0.2.2' }).icmp({ type: 'echo-request', id: 7, seq: 1 }), { timeoutMs: 300 });
    await responder;
    expect(r.status).toBe('timeout');
    if (r.status !== 'timeout') return;
    expect(r.explanation.split('\n')).toEqual([
      'icmp echo-reply id 7 seq 2 from 192.0.2.2: seq differs (expected 1)',
      'icmp echo-reply id 7 seq 1 from 192.0.2.99: from 192.0.2.99; the request went to 192.0.2.2',
      'udp 53 > 5353 from 192.0.2.2: a UDP datagram; the request was icmp',
      'icmp time-exceeded code 0 from 192.0.2.254: quotes destination 192.0.2.3 (expected 192.0.2.2)',
    ]);
    expect(r.rejected).toHaveLength(4);
  });

  it('request() with nothing received says so', async () => {
    const [a] = createMemoryPair();
    const r = await request(a, ipv4().icmp(), { timeoutMs: 50 });
    expect(r).toMatchObject({ status: 'timeout', explanation: 'nothing was received in 50 ms', rejected: [] });
  });

  it('an aborted receive rejects; close ends a pending one', async () => {
    const [a, b] = createMemoryPair();
    const ac = new AbortController();
    const aborted = (async () => {
      for await (const _ of b.receive({ signal: ac.signal })) return 'data';
      return 'ended';
    })();
    const pending = (async () => {
      for await (const _ of b.receive()) return 'data';
      return 'ended';
    })();
    await new Promise((r) => setTimeout(r, 20));
    ac.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    await b.close();
    await expect(pending).resolves.toBe('ended');
    await a.close();
  });
});

describe('pcap and pcapng transports', () => {
  const packets = [
    ipv4({ src: '192.0.2.1', dst: '198.51.100.2', id: 1 }).icmp({ type: 'echo-request', id: 7, seq: 1 }).payload('rawcraft'),
    ipv4({ src: '192.0.2.1', dst: '198.51.100.2', id: 2 }).udp({ srcPort: 40000, dstPort: 53 }).payload('hi'),
    packet().ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }).icmpv6({ type: 'echo-request', id: 9, seq: 3 }),
  ];

  it('pcapng: each send appends a record, exactly as built; tshark reads the file', async () => {
    const path = join(dir, 'out.pcapng');
    const t = openTransport({ kind: 'pcapng', path });
    const results = [];
    for (const p of packets) results.push(await t.send(p));
    const frame = packet().ethernet({ src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' }).ipv4({ src: '192.0.2.1', dst: '198.51.100.2' }).payload('eth');
    results.push(await t.send(frame));
    expect(results.map((r) => r.notHonoured)).toEqual([[], [], [], []]);
    expect(results.map((r) => r.destination)).toEqual(['198.51.100.2', '198.51.100.2', '2001:db8::2', undefined]);
    expect(() => t.receive()).toThrow(TransportUnsupportedError);
    expect(() => t.receive()).toThrow(/cannot receive: it only writes packets to .*out\.pcapng/);
    await t.close();
    await t.close();
    await expect(t.send(packets[0])).rejects.toBeInstanceOf(TransportClosedError);

    const records = parseCapture(readFileSync(path));
    expect(records.map((r) => r.linkType)).toEqual([LinkType.RAW, LinkType.RAW, LinkType.RAW, LinkType.ETHERNET]);
    expect(records.map((r) => Buffer.from(r.data))).toEqual([...packets.map((p) => p.encode()), frame.encode()]);

    if (!hasTshark) {
      if (IN_CI) throw new Error('CI=true but tshark is not installed');
      return;
    }
    const run = spawnSync('tshark', ['-r', path, '-T', 'fields', '-e', 'frame.protocols', '-e', 'icmp.seq', '-e', 'udp.dstport', '-e', 'icmpv6.echo.sequence_number'], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n').map((l) => l.split('\t'));
    expect(lines).toHaveLength(4);
    expect(lines[0][0]).toMatch(/ip:icmp/);
    expect(lines[0][1]).toBe('1');
    expect(lines[1][0]).toMatch(/ip:udp/);
    expect(lines[1][2]).toBe('53');
    expect(lines[2][0]).toMatch(/ipv6:icmpv6/);
    expect(lines[2][3]).toBe('3');
    expect(lines[3][0]).toMatch(/^eth:ethertype:ip/);
  });

  it('pcap: one link type per file; sendMany; an empty transport still writes a valid file', async () => {
    const path = join(dir, 'out.pcap');
    await using t = openTransport({ kind: 'pcap', path });
    const many = await t.sendMany(packets);
    expect(many).toMatchObject({ sent: 3, retries: 0, notHonoured: [] });
    await expect(t.send(packet().ethernet().ipv4().payload('x'))).rejects.toThrow(/one link type; use the pcapng transport/);
    await t.close();
    const records = [];
    for await (const r of readCapture(path)) records.push(r);
    expect(records.map((r) => Buffer.from(r.data))).toEqual(packets.map((p) => p.encode()));

    const empty = join(dir, 'empty.pcapng');
    await openTransport({ kind: 'pcapng', path: empty }).close();
    expect(parseCapture(readFileSync(empty))).toEqual([]);
    if (hasTshark) expect(spawnSync('tshark', ['-r', empty], { encoding: 'utf8' }).status).toBe(0);
  });

  it('openTransport rejects unknown kinds and options clearly', () => {
    expect(() => openTransport({ kind: 'carrier-pigeon' } as unknown as { kind: 'raw' })).toThrow(TransportArgumentError);
    expect(() => openTransport({ kind: 'pcap' })).toThrow(/exactly one of path and stream/);
    expect(() => openTransport(42 as unknown as 'raw')).toThrow(TransportArgumentError);
    const [a] = createMemoryPair();
    expect(openTransport(a)).toBe(a);
  });
});
