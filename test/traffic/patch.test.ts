/**
 * Template patching (src/traffic/patch.ts, patch-compile.ts) against the reference: a full encode
 * of the same values (the encoder itself is pinned by the vectors and by tshark). Incremental
 * checksum updates must give exactly the bytes a full encode gives, the 0/0xffff corner included.
 * And writeTraffic's gathered packet blocks against the plain record-by-record pcapng encoder.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PatchableTemplate } from '../../src/traffic/patch.js';
import { encodeLayers, type EncodableLayer } from '../../src/codec/encode.js';
import { FieldValueError } from '../../src/codec/errors.js';
import { u16, u32, u8 } from '../property/arbitraries.js';
import { flowComment, generateTraffic, loadScenario, writeTraffic } from '../../src/traffic/index.js';
import { LinkType, encodePcapng } from '../../src/capture/index.js';
import { ROOT } from '../expr/run-cli.js';

const v4 = fc.tuple(u8, u8, u8, u8).map((o) => o.join('.'));
const v6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Array.from({ length: 8 }, (_, k) => ((b[2 * k] << 8) | b[2 * k + 1]).toString(16)).join(':'));

/** Per layer, the fields patching may change, with values to change them to. */
const changes: Record<string, Record<string, fc.Arbitrary<unknown>>> = {
  ipv4: { dscp: fc.integer({ min: 0, max: 63 }), ecn: fc.constantFrom('ce', 'ect0', 1), id: u16, flags: fc.constantFrom(['df'], [], 7), ttl: u8, src: v4, dst: v4 },
  ipv6: { dscp: fc.integer({ min: 0, max: 63 }), ecn: fc.constantFrom('ce', 2), flowLabel: fc.integer({ min: 0, max: 0xfffff }), hopLimit: u8, src: v6, dst: v6 },
  udp: { srcPort: u16, dstPort: u16 },
  tcp: { srcPort: u16, dstPort: u16, seq: u32, ack: u32, reserved: fc.integer({ min: 0, max: 7 }), flags: fc.constantFrom(['syn'], ['ack', 'psh'], 0x1ff), window: u16, urgentPointer: u16 },
  sctp: { srcPort: u16, dstPort: u16, verificationTag: u32 },
  icmp: { id: u16, seq: u16, code: u8 },
  icmpv6: { id: u16, seq: u16, code: u8 },
};

const payload = fc.uint8Array({ maxLength: 64 });
const template: fc.Arbitrary<EncodableLayer[]> = fc.oneof(
  ...(['ipv4', 'ipv6'] as const).flatMap((ip) =>
    (['udp', 'tcp', ip === 'ipv4' ? 'icmp' : 'icmpv6', 'sctp'] as const).map((upper) =>
      payload.map((data): EncodableLayer[] => {
        const addresses = ip === 'ipv4' ? { src: '192.0.2.1', dst: '198.51.100.2' } : { src: '2001:db8::1', dst: '2001:db8::2' };
        if (upper === 'sctp') return [{ layer: ip, fields: addresses }, { layer: 'sctp', fields: { chunks: [{ type: 'data', data: Buffer.from(data) }] } }];
        const fields = upper === 'tcp' ? { options: [{ kind: 'mss', value: 1460 }] } : upper === 'udp' ? {} : { type: data.length % 2 ? 'echo-reply' : undefined };
        return [{ layer: ip, fields: addresses }, { layer: upper, fields }, { layer: 'raw', fields: { data } }];
      }),
    ),
  ),
);

/** The layers with `values` merged into their fields: what a full encode of the patched packet takes. */
function merged(layers: readonly EncodableLayer[], edits: readonly (readonly [number, string, unknown])[]): EncodableLayer[] {
  return layers.map((layer, i) => {
    const own = edits.filter(([at]) => at === i);
    return own.length ? { ...layer, fields: { ...(layer.fields ?? {}), ...Object.fromEntries(own.map(([, f, v]) => [f, v])) } } : layer;
  });
}

describe('PatchableTemplate.patch', () => {
  it('gives the bytes of a full encode of the same values, for IPv4 and IPv6 with UDP, TCP, ICMP/ICMPv6 and SCTP', () => {
    fc.assert(
      fc.property(
        template,
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat()), { minLength: 1, maxLength: 4 }),
        (layers, picks) => {
          const t = new PatchableTemplate(layers);
          expect(t.patchable).toBe(true);
          // Pick fields from the layers that have patchable ones, once each.
          const edits: [number, string, unknown][] = [];
          for (const [l, f, seed] of picks) {
            const candidates = layers.map((x, i) => [x.layer, i] as const).filter(([name]) => changes[name] !== undefined);
            const [name, index] = candidates[l % candidates.length];
            const names = Object.keys(changes[name]);
            const field = names[f % names.length];
            if (edits.some(([i, n]) => i === index && n === field)) continue;
            expect(t.canPatch(index, field)).toBe(true);
            const value = fc.sample(changes[name][field], { seed, numRuns: 1 })[0];
            edits.push([index, field, value]);
          }
          expect(t.patch(edits).toString('hex')).toBe(encodeLayers(merged(layers, edits)).toString('hex'));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('agrees with a full encode where one\u2019s complement cannot tell 0 from 0xffff', () => {
    // Every UDP source port whose full checksum comes out as 0 (sent as 0xffff), and a spread of others.
    const layers: EncodableLayer[] = [{ layer: 'ipv4', fields: { src: '192.0.2.1', dst: '198.51.100.2' } }, { layer: 'udp', fields: { dstPort: 9 } }, { layer: 'raw', fields: { data: Buffer.from('zero') } }];
    const t = new PatchableTemplate(layers);
    const patch = t.patcherFor([[1, 'srcPort']]);
    let zeros = 0;
    for (let port = 0; port <= 0xffff; port++) {
      const full = encodeLayers(merged(layers, [[1, 'srcPort', port]]));
      if (full.readUInt16BE(26) === 0xffff) zeros++;
      if (full.readUInt16BE(26) === 0xffff || port % 4096 === 0) expect(patch([port]).toString('hex')).toBe(full.toString('hex'));
    }
    expect(zeros).toBeGreaterThan(0);
  });

  it('SCTP: the CRC32c moved by table lookups equals a full encode, for long packets, SCTP over UDP, and every byte of the tag', () => {
    // Payloads past the 64 bytes of the property above: the checksum of a long packet goes
    // through WebAssembly in a full encode, and a table's effect crosses more zero bytes.
    for (const size of [0, 1, 100, 1400, 9000]) {
      const data = Buffer.from(Array.from({ length: size }, (_, i) => (i * 37 + size) & 255));
      const stacks: EncodableLayer[][] = [
        [{ layer: 'ipv4', fields: { src: '192.0.2.1', dst: '198.51.100.2' } }, { layer: 'sctp', fields: { chunks: [{ type: 'data', data }] } }],
        [{ layer: 'ipv6', fields: { src: '2001:db8::1', dst: '2001:db8::2' } }, { layer: 'udp', fields: { dstPort: 9899 } }, { layer: 'sctp', fields: { chunks: [{ type: 'data', data }] } }],
      ];
      for (const layers of stacks) {
        const t = new PatchableTemplate(layers);
        const at = layers.length - 1;
        const patch = t.patcherFor([[at, 'verificationTag'], [at, 'srcPort'], [0, layers[0].layer === 'ipv4' ? 'id' : 'hopLimit']]);
        // Each byte of the tag through all its bits, and ports and IP fields that do not touch the CRC.
        for (const tag of [0, 1, 0x80, 0xff, 0x100, 0x8000, 0x10000, 0x800000, 0x1000000, 0x80000000, 0xffffffff, 0x12345678]) {
          const edits = [[at, 'verificationTag', tag], [at, 'srcPort', tag & 0xffff], [0, layers[0].layer === 'ipv4' ? 'id' : 'hopLimit', tag & 0xff]] as const;
          expect(patch(edits.map((e) => e[2])).toString('hex')).toBe(encodeLayers(merged(layers, edits)).toString('hex'));
        }
      }
    }
  });

  it('reports a bad value with the field named, as the encoder does', () => {
    const t = new PatchableTemplate([{ layer: 'ipv4' }, { layer: 'udp' }]);
    expect(() => t.patch([[1, 'srcPort', 70000]])).toThrow(FieldValueError);
    expect(() => t.patch([[1, 'srcPort', 70000]])).toThrow(/srcPort/);
    expect(() => t.patch([[0, 'src', '192.0.2.300']])).toThrow(FieldValueError);
    expect(() => t.patch([[0, 'ecn', 'nope']])).toThrow(/ecn/);
    // ICMP fields patch in the echo layout only: another type has other fields at those bytes.
    const unreachable = new PatchableTemplate([{ layer: 'ipv4' }, { layer: 'icmp', fields: { type: 'destination-unreachable' } }]);
    expect(unreachable.canPatch(1, 'id')).toBe(false);
    expect(new PatchableTemplate([{ layer: 'ipv6' }, { layer: 'icmpv6', fields: { type: 'echo-reply' } }]).canPatch(1, 'seq')).toBe(true);
  });
});

describe('writeTraffic', () => {
  it('writes the file the record-by-record path writes (packet blocks gathered into chunks, comments on first and broken packets)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rawcraft-patch-'));
    try {
      const scenario = loadScenario(join(ROOT, 'examples/ci-traffic.yaml'));
      const path = join(dir, 'out.pcapng');
      const summary = await writeTraffic(scenario, path, { seed: 5 });
      const seen = new Set<string>();
      const records = [...generateTraffic(scenario, { seed: 5 })].map((p) => {
        const comments: string[] = [];
        if (!seen.has(p.flow)) {
          seen.add(p.flow);
          comments.push(flowComment(scenario.flows.find((f) => f.name === p.flow)!));
        }
        if (p.broken) comments.push(`broken: ${p.broken}`);
        return { data: p.data, timestampNs: p.timestampNs, interfaceId: 0, ...(comments.length && { comment: comments.join('; ') }) };
      });
      expect(summary.packets).toBe(records.length);
      expect(summary.broken).toBeGreaterThan(0);
      expect(readFileSync(path).equals(encodePcapng(records, { interfaces: [{ linkType: LinkType.RAW }] }))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
