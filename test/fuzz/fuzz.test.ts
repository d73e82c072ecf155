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
    for (const p of fuzz('ipv4(dst=127.0.0.1,ttl=9,flags=[],fragmentOffset=0)/udp(dstPort=53)/raw(hex=00ff)', { seed: 1, count: 200 })) {
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
    const stacks = ['ipv4/udp', 'ipv4/tcp', 'ipv4/icmp', 'ipv6/udp', 'ipv6/tcp', 'ipv6/icmpv6', 'ipv6/ipv6-fragment/udp', 'ipv6/ipv6-routing/udp', 'ipv4/sctp', 'ethernet/ipv4/udp', 'linux-sll/ipv6/tcp', 'ipv4/ah/udp', 'ipv4/esp', 'ipv6/ipv6-hop-by-hop/ipv6-dest-options/icmpv6'];
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
