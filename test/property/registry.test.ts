/**
 * The machinery every registered protocol goes through, found from the codec registry rather
 * than from lists: a protocol added to src/codec/registry.ts is round-tripped with its
 * arbitrary fields and given junk here, and must have vectors, an arbitrary and a tshark
 * mapping, or a test below names it and says where to add them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codecs, decode, encodeLayers, FieldValueError, InputError, StackError, UnknownFieldError, type EncodableLayer } from '../../src/index.js';
import { fieldNames } from '../../src/codec/registry.js';
import { mayFollow } from '../../src/codec/stack-rule.js';
import { TSHARK_PROTOCOL } from '../codec/tshark.js';
import { VECTORS as IPV6_VECTORS } from '../ipv6/vectors.js';
import { LAYER_ARBITRARIES } from './arbitraries.js';

const names = codecs.map((c) => c.name);

/** Layers that test/vectors/*.json (the generic vector runner, test/codec/vectors.test.ts) and the IPv6 vectors cover. */
const withVectors = new Set([
  ...readdirSync(new URL('../vectors/', import.meta.url))
    .filter((f) => f.endsWith('.json') && f !== 'checksum.json')
    .flatMap((f) => (JSON.parse(readFileSync(new URL(`../vectors/${f}`, import.meta.url), 'utf8')) as { layers: { layer: string }[] }[]).flatMap((v) => v.layers.map((l) => l.layer))),
  ...IPV6_VECTORS.flatMap((v) => v.layers),
]);

/**
 * Protocols that predate this check and are covered elsewhere, each with the reason; the list
 * may only shrink (a test below fails when an entry is no longer a gap). A new protocol gets no
 * entry: it goes through the generic machinery.
 */
const COVERED_ELSEWHERE = {
  vectors: { sctp: 'test/sctp/vectors.test.ts' },
  arbitrary: {
    arp: 'test/link', 'bsd-loop': 'validPacket in arbitraries.ts', 'cisco-hdlc': 'validPacket', nflog: 'test/capture', llc: 'ieee80211DataLayers', ieee80211: 'ieee80211DataLayers',
    ipv6: 'test/ipv6/generators.ts', 'ipv6-hop-by-hop': 'test/ipv6/generators.ts', 'ipv6-dest-options': 'test/ipv6/generators.ts', 'ipv6-routing': 'test/ipv6/generators.ts',
    'ipv6-fragment': 'test/ipv6/generators.ts', ah: 'test/ipv6/generators.ts', esp: 'test/ipv6/generators.ts', icmpv6: 'test/ipv6/generators.ts', sctp: 'test/sctp/arbitraries.ts', raw: 'every stack ends in raw data',
  },
  tshark: {
    ipv6: 'test/ipv6/tshark-helpers.ts', 'ipv6-hop-by-hop': 'test/ipv6/tshark-helpers.ts', 'ipv6-dest-options': 'test/ipv6/tshark-helpers.ts', 'ipv6-routing': 'test/ipv6/tshark-helpers.ts',
    'ipv6-fragment': 'test/ipv6/tshark-helpers.ts', ah: 'test/ipv6/tshark-helpers.ts', esp: 'test/ipv6/tshark-helpers.ts', icmpv6: 'test/ipv6/tshark-helpers.ts', sctp: 'test/sctp/tshark.test.ts', raw: 'tshark names raw data by its content',
  },
} as const satisfies Record<string, Record<string, string>>;

const has = {
  vectors: (n: string) => withVectors.has(n),
  arbitrary: (n: string) => n in LAYER_ARBITRARIES,
  tshark: (n: string) => n in TSHARK_PROTOCOL,
};

describe('every registered protocol goes through the generic machinery', () => {
  for (const kind of ['vectors', 'arbitrary', 'tshark'] as const) {
    const where = {
      vectors: 'a test/vectors/<name>.json written by test/vectors/tools/make_vectors.py',
      arbitrary: 'an entry in LAYER_ARBITRARIES (test/property/arbitraries.ts)',
      tshark: 'an entry in TSHARK_PROTOCOL and a case in tsharkExpectations (test/codec/tshark.ts)',
    }[kind];
    it(`each has ${kind}`, () => {
      const elsewhere: Record<string, string> = COVERED_ELSEWHERE[kind];
      const missing = names.filter((n) => !has[kind](n) && !(n in elsewhere));
      expect(missing, `registered protocols without ${where}`).toEqual([]);
      // The exceptions are real gaps: one that got covered leaves the list.
      expect(Object.keys(elsewhere).filter((n) => has[kind](n) || !names.includes(n)), `no longer exceptions for ${kind}`).toEqual([]);
    });
  }
});

/**
 * A shortest stack from the start of a packet to `name`, by the bindings alone (mayFollow), with
 * the fields a binding number needs: a layer bound to a UDP port gets it as UDP's destination.
 */
export function stackTo(name: string): EncodableLayer[] {
  const prev = new Map<string, string | undefined>();
  let frontier = codecs.filter((c) => mayFollow(c, undefined)).map((c) => c.name);
  for (const n of frontier) prev.set(n, undefined);
  while (frontier.length && !prev.has(name)) {
    const next: string[] = [];
    for (const p of frontier) for (const c of codecs) if (!prev.has(c.name) && mayFollow(c, p)) (prev.set(c.name, p), next.push(c.name));
    frontier = next;
  }
  if (!prev.has(name)) throw new Error(`no stack reaches ${name}: check its binding's follows`);
  const path: string[] = [];
  for (let n: string | undefined = name; n !== undefined; n = prev.get(n)) path.unshift(n);
  return path.map((layer, i) => {
    const port = codecs.find((c) => c.name === path[i + 1])?.udpPort;
    return { layer, fields: layer === 'udp' && port !== undefined ? { srcPort: 49152, dstPort: port } : {} } as EncodableLayer;
  });
}

describe('round trip of every layer with an arbitrary, in the stack its binding gives', () => {
  for (const [name, fields] of Object.entries(LAYER_ARBITRARIES)) {
    it(name, () => {
      const stack = stackTo(name);
      fc.assert(
        fc.property(fields, (f) => {
          const layers = [...stack.slice(0, -1), { layer: name, fields: f } as EncodableLayer];
          const bytes = encodeLayers(layers);
          const d = decode(bytes, { from: layers[0].layer });
          expect(d.issues).toEqual([]);
          expect(d.layers.map((l) => l.layer).slice(0, layers.length)).toEqual(layers.map((l) => l.layer));
          expect(encodeLayers(d.layers as unknown as EncodableLayer[])).toEqual(bytes);
        }),
        { numRuns: 100 },
      );
    });
  }
});

/** Junk scalars and objects in any field of a layer throw only the library's build errors, naming layer and field. */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(NaN, -1, 1.5, 2 ** 32, 2 ** 53, Infinity, 65536, 256, 16777216),
  fc.constantFrom('', 'x', '1', '0x10', '1.2.3.999', 'toString', '__proto__', null, true, [], ['bogus'], {}, new Uint8Array(3)),
  fc.integer(),
);
const ALLOWED = [FieldValueError, UnknownFieldError, StackError, InputError];

describe('junk in the fields of the protocols the generic machinery covers', () => {
  for (const name of Object.keys(LAYER_ARBITRARIES)) {
    it(name, () => {
      const stack = stackTo(name);
      const codec = codecs.find((c) => c.name === name)!;
      const fieldList = [...fieldNames(codec)];
      fc.assert(
        fc.property(fc.subarray(fieldList, { minLength: 1, maxLength: Math.min(3, fieldList.length) }), fc.array(junk, { minLength: 3, maxLength: 3 }), (picked, values) => {
          const fields = Object.fromEntries(picked.map((n, i) => [n, values[i]]));
          let bytes: Buffer | undefined;
          try {
            bytes = encodeLayers([...stack.slice(0, -1), { layer: name, fields } as EncodableLayer]);
          } catch (error) {
            expect(ALLOWED.some((c) => error instanceof c), String(error)).toBe(true);
            if (error instanceof FieldValueError) expect(error.layer).toBe(name);
            return;
          }
          expect(encodeLayers(decode(bytes, { from: stack[0].layer, mode: 'lax' }).layers as unknown as EncodableLayer[])).toEqual(bytes);
        }),
        { numRuns: 300 },
      );
    });
  }
});
