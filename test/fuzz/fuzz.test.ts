/** Seeded fuzzing: reproducible, coherent unless asked to break, never crashing on any field's range. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { codecs, decode, fuzz, parseCapture } from '../../src/index.js';
import { cli, expectOneLineError } from '../expr/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rawcraft-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const take = (it: Iterable<{ bytes: Buffer }>) => [...it].map((p) => p.bytes.toString('hex'));

describe('fuzz()', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = take(fuzz('ipv4(dst=127.0.0.1)/udp(dstPort=53)/raw(hex=00ff)', { seed: 7, count: 50 }));
    expect(take(fuzz('ipv4(dst=127.0.0.1)/udp(dstPort=53)/raw(hex=00ff)', { seed: 7, count: 50 }))).toEqual(a);
    expect(take(fuzz('ipv4(dst=127.0.0.1)/udp(dstPort=53)/raw(hex=00ff)', { seed: 8, count: 50 }))).not.toEqual(a);
    expect(new Set(a).size).toBeGreaterThan(45);
  });

  it('requires a seed (Scapy issue 133)', () => {
    expect(() => fuzz('ipv4/udp', {} as { seed: number }).next()).toThrow(/seed/);
  });

  it('keeps fixed fields, and lengths and checksums coherent', () => {
    for (const p of fuzz('ipv4(dst=127.0.0.1,ttl=9,flags=[],fragmentOffset=0,options=[])/udp(dstPort=53)/raw(hex=00ff)', { seed: 1, count: 200 })) {
      const d = decode(p.bytes, { mode: 'lax' });
      expect(d.layers[0].fields).toMatchObject({ dst: '127.0.0.1', ttl: 9, version: 4, ihl: 5, totalLength: 30, protocol: 17 });
      expect(d.layers[1].fields).toMatchObject({ dstPort: 53, length: 10 });
      for (const l of d.layers) if (l.checksum) expect(l.checksum.status).not.toBe('invalid');
      // Random source addresses come from the documentation ranges only.
      expect((d.layers[0].fields as { src: string }).src).toMatch(/^(192\.0\.2|198\.51\.100|203\.0\.113)\./);
    }
  });

  it('breaks checksums and lengths when asked', () => {
    let invalid = 0;
    for (const p of fuzz('ipv4/udp(dstPort=53)', { seed: 3, count: 100, break: ['checksums'] })) {
      const d = decode(p.bytes, { mode: 'lax' });
      if (d.layers.some((l) => l.checksum?.status === 'invalid')) invalid++;
    }
    expect(invalid).toBeGreaterThan(30);
    const lengths = new Set([...fuzz('ipv4/udp', { seed: 3, count: 50, break: ['lengths'] })].map((p) => p.bytes.readUInt16BE(2)));
    expect(lengths.size).toBeGreaterThan(10);
  });

  it('never throws for any layer stack, seed or break set (Scapy issue 529)', () => {
    const stacks = ['ipv4/udp', 'ipv4/tcp', 'ipv4/icmp', 'ipv6/udp', 'ipv6/tcp', 'ipv6/icmpv6', 'ipv6/ipv6-fragment/udp', 'ipv6/ipv6-routing/udp', 'ipv4/sctp', 'ethernet/ipv4/udp', 'linux-sll/ipv6/tcp', 'ipv4/ah/udp', 'ipv4/esp', 'ipv6/ipv6-hop-by-hop/ipv6-dest-options/icmpv6',
      'bsd-null/ipv4/udp', 'bsd-loop/ipv6/tcp', 'ppp/ipv4/icmp', 'cisco-hdlc/ipv4/udp', 'pktap/bsd-null/ipv4/udp', 'nflog/ipv4/udp', 'nflog/ipv6/tcp', 'pktap/ethernet/ipv6/tcp', 'linux-sll2/ipv4/udp', 'radiotap/ieee80211/llc/ipv4/udp', 'ieee80211/llc/ipv6/udp'];
    fc.assert(
      fc.property(fc.constantFrom(...stacks), fc.nat(), fc.subarray(['checksums', 'lengths'] as const), (stack, seed, breaks) => {
        for (const p of fuzz(stack, { seed, count: 5, break: breaks })) expect(p.bytes.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
    // Every layer's every field kind is exercised somewhere above.
    expect(codecs.length).toBeGreaterThan(10);
  });
});

describe('fuzz() list fields (issue 7)', () => {
  type Fields = Record<string, unknown>;
  const LISTS: [stack: string, layer: number, field: string][] = [
    ['ipv4/udp(dstPort=53)', 0, 'options'],
    ['ipv4(flags=[],fragmentOffset=0)/tcp', 1, 'options'],
    ['ipv6/tcp', 1, 'options'],
    ['ipv4(flags=[],fragmentOffset=0)/sctp', 1, 'chunks'],
    ['ipv6/sctp', 1, 'chunks'],
    ['ipv6/ipv6-hop-by-hop/udp', 1, 'options'],
    ['ipv6/ipv6-dest-options/udp', 1, 'options'],
  ];
  const listOf = (layers: { fields?: unknown }[], layer: number, field: string): unknown => (layers[layer].fields as Fields)[field];

  it.each(LISTS)('%s: layer %i %s vary when not fixed, sometimes empty, and decode to what was asked', (stack, layer, field) => {
    const seen = new Set<string>();
    let empty = 0;
    for (const p of fuzz(stack, { seed: 11, count: 120 })) {
      const asked = listOf(p.layers, layer, field) as unknown[];
      expect(Array.isArray(asked)).toBe(true);
      if (!asked.length) empty++;
      seen.add(JSON.stringify((decode(p.bytes).layers[layer].fields as unknown as Fields)[field]));
    }
    expect(seen.size).toBeGreaterThan(60);
    expect(empty).toBeGreaterThan(5);
    expect(empty).toBeLessThan(80);
  });

  it('draws IPv4 and TCP options within 40 bytes, of several kinds', () => {
    const kinds = { ipv4: new Set<unknown>(), tcp: new Set<unknown>() };
    for (const p of fuzz('ipv4(flags=[],fragmentOffset=0)/tcp', { seed: 4, count: 300 })) {
      const d = decode(p.bytes);
      const ip = d.layers[0].fields as unknown as Fields;
      const tcp = d.layers[1].fields as unknown as Fields;
      // Options and padding within 40 bytes: the header length fits IHL and data offset.
      expect(ip.ihl as number).toBe((p.bytes[0] & 15));
      for (const o of ip.options as { kind: unknown }[]) kinds.ipv4.add(o.kind);
      for (const o of tcp.options as { kind: unknown }[]) kinds.tcp.add(o.kind);
      expect(tcp.dataOffset as number).toBeLessThanOrEqual(15);
    }
    expect([...kinds.ipv4]).toEqual(expect.arrayContaining(['nop', 'record-route', 'lsrr', 'ssrr', 'timestamp', 'router-alert', 'eol']));
    expect([...kinds.tcp]).toEqual(expect.arrayContaining(['nop', 'mss', 'window-scale', 'sack-permitted', 'sack', 'timestamps', 'eol']));
  });

  it('draws SCTP chunks of many known types and IPv6 options including unknown skip-action ones', () => {
    const chunkTypes = new Set<unknown>();
    for (const p of fuzz('ipv4(flags=[],fragmentOffset=0)/sctp', { seed: 9, count: 400 })) for (const c of (decode(p.bytes).layers[1].fields as unknown as Fields).chunks as { type: unknown }[]) chunkTypes.add(c.type);
    expect(chunkTypes.size).toBeGreaterThan(15);
    expect([...chunkTypes].every((t) => typeof t === 'string')).toBe(true);
    const optionKinds = new Set<unknown>();
    for (const p of fuzz('ipv6/ipv6-hop-by-hop/udp', { seed: 9, count: 200 })) {
      for (const o of (decode(p.bytes).layers[1].fields as unknown as Fields).options as { kind: unknown; action?: string }[]) {
        optionKinds.add(typeof o.kind === 'number' ? 'unknown' : o.kind);
        if (typeof o.kind === 'number') expect(o.action).toBe('skip');
      }
    }
    expect([...optionKinds]).toEqual(expect.arrayContaining(['pad1', 'padn', 'router-alert', 'unknown']));
  });

  it('keeps a list the template gives, empty or not, and its padding', () => {
    const cases: [string, number, string, unknown][] = [
      ['ipv4(options=[])/udp', 0, 'options', []],
      ['ipv4(options=[{kind=router-alert,value=0}])/udp', 0, 'options', [{ kind: 'router-alert', value: 0 }]],
      ['ipv4(flags=[],fragmentOffset=0)/tcp(options=[{kind=mss,value=1460}])', 1, 'options', [{ kind: 'mss', value: 1460 }]],
      ['ipv4(flags=[],fragmentOffset=0)/tcp(options=[])', 1, 'options', []],
      ['ipv4(flags=[],fragmentOffset=0)/sctp(chunks=[])', 1, 'chunks', []],
      ['ipv4(flags=[],fragmentOffset=0)/sctp(chunks=[{type=cookie-ack}])', 1, 'chunks', [{ type: 'cookie-ack' }]],
      ['ipv6/ipv6-hop-by-hop(options=[{kind=router-alert,value=mld}])/udp', 1, 'options', [{ kind: 'router-alert', value: 'mld' }]],
      ['ipv6/ipv6-dest-options(options=[])/udp', 1, 'options', []],
    ];
    for (const [stack, layer, field, want] of cases) {
      for (const p of fuzz(stack, { seed: 2, count: 30 })) {
        expect(listOf(p.layers, layer, field), stack).toEqual(want);
        // Decoded IPv6 options also show the Pad1/PadN the encoder added.
        const decoded = (decode(p.bytes).layers[layer].fields as unknown as Fields)[field] as unknown[];
        expect(decoded.slice(0, (want as unknown[]).length), stack).toMatchObject(want as object);
      }
    }
    // Given padding shapes the options part: no random options are added next to it.
    for (const p of fuzz('ipv4(padding=00000000)/udp', { seed: 2, count: 20 })) expect(listOf(p.layers, 0, 'options')).toBeUndefined();
  });

  it('gives the same lists and bytes for the same seed', () => {
    const stack = 'ipv4/tcp/raw(hex=00)';
    const a = [...fuzz(stack, { seed: 21, count: 100 })];
    const b = [...fuzz(stack, { seed: 21, count: 100 })];
    expect(b.map((p) => p.bytes.toString('hex'))).toEqual(a.map((p) => p.bytes.toString('hex')));
    expect(JSON.stringify(b.map((p) => p.layers))).toBe(JSON.stringify(a.map((p) => p.layers)));
    // Packet i depends on (seed, i) only.
    const all = take(fuzz('ipv4/sctp', { seed: 21, count: 40 }));
    expect(take(fuzz('ipv4/sctp', { seed: 21, count: 40 }))).toEqual(all);
  });

  it('every fuzzed packet with random lists decodes strictly without issues, for any seed (fast-check)', () => {
    const stacks = ['ipv4/udp', 'ipv4/tcp', 'ipv4/sctp', 'ipv6/tcp', 'ipv6/sctp', 'ipv6/ipv6-hop-by-hop/ipv6-dest-options/udp', 'ipv4(dst=127.0.0.1)/tcp/raw(hex=00ff)', 'ipv4/udp(dstPort=9899)/sctp'];
    fc.assert(
      fc.property(fc.constantFrom(...stacks), fc.nat(), (stack, seed) => {
        for (const p of fuzz(stack, { seed, count: 5 })) {
          const d = decode(p.bytes, { mode: 'strict' });
          expect(d.issues).toEqual([]);
          for (const l of d.layers) if (l.checksum) expect(l.checksum.status).not.toBe('invalid');
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('rawcraft fuzz', () => {
  it('writes the same file byte for byte for the same seed', async () => {
    const a = join(dir, 'a.pcapng');
    const b = join(dir, 'b.pcapng');
    const c = join(dir, 'c.pcapng');
    const args = ['fuzz', 'ipv4(dst=127.0.0.1)/tcp(dstPort=80)', '--count', '300', '--break', 'checksums,lengths'];
    for (const [out, seed] of [[a, '5'], [b, '5'], [c, '6']]) {
      const r = await cli([...args, '--seed', seed, '--out', out, '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ packets: 300, seed: Number(seed) });
    }
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    expect(readFileSync(a).equals(readFileSync(c))).toBe(false);
    expect(parseCapture(readFileSync(a))).toHaveLength(300);
  });

  it('prints hex or JSON lines with the expression of each packet', async () => {
    const r = await cli(['fuzz', 'ipv6(dst=::1)/udp', '--count', '3', '--seed', '1', '--json']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    const again = await cli(['build', '--hex', lines[2].expression]);
    expect(again.stdout.trim()).toBe(lines[2].hex);
  });

  it('bad arguments: exit 2, one line', async () => {
    expectOneLineError(await cli(['fuzz', 'ipv4/udp', '--break', 'everything']), /--break "everything"/);
    expectOneLineError(await cli(['fuzz', 'ipv4/udp', '--count=-1']), /--count/);
    expectOneLineError(await cli(['fuzz', 'ipv4(tll=1)/udp']), /expression column 6: ipv4 has no field 'tll' \(did you mean ttl\?\)/);
    expect((await cli(['fuzz'])).code).toBe(2);
  });
});
