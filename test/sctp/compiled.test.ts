/**
 * The chunk list compiled per shape (src/codec/protocols/sctp-compiled.ts) against the generic
 * list code (sctp-tlv.ts) it stands in for: the same bytes for random chunk bundles, the same
 * items for their bytes (and nothing at all where the generic decoder reports an issue), the
 * same typed errors for bad values, and the fast encoder and decoder of whole packets giving
 * what the general codec gives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, encodeLayers, ipv4, toJsonValue, type EncodableLayer } from '../../src/index.js';
import { COMPILE_AFTER, CompiledList, MAX_SHAPES } from '../../src/codec/protocols/sctp-compiled.js';
import { sctpChunks } from '../../src/codec/protocols/sctp-chunks.js';
import { Writer } from '../../src/codec/protocols/sctp-tlv.js';
import type { PacketError } from '../../src/codec/errors.js';
import { setFastPath } from '../../src/codec/fast-path.js';
import { bundleArb } from './arbitraries.js';

type Outcome = { bytes: string } | { error: string };

function generic(items: unknown): Outcome {
  const w = new Writer();
  try {
    sctpChunks.write(items, 'chunks', w);
    return { bytes: Buffer.from(w.buf.subarray(0, w.at)).toString('hex') };
  } catch (error) {
    return { error: `${(error as Error).constructor.name}: ${(error as Error).message}` };
  }
}

/**
 * Encode with `list`, meeting the shape as often as it takes to compile it; `compiled` tells
 * whether the compiled form took the items.
 */
function viaCompiled(list: CompiledList, items: unknown): Outcome & { compiled: boolean } {
  const w = new Writer();
  try {
    let compiled = false;
    for (let k = 0; k < COMPILE_AFTER && !compiled; k++) {
      w.at = 0;
      compiled = list.tryWrite(items, w);
    }
    if (!compiled) {
      w.at = 0;
      list.write(items, w);
    }
    return { bytes: Buffer.from(w.buf.subarray(0, w.at)).toString('hex'), compiled };
  } catch (error) {
    return { error: `${(error as Error).constructor.name}: ${(error as Error).message}`, compiled: false };
  }
}

/** Decoded items as JSON with keys in their order (the order counts: both paths build the same objects). */
const ordered = (v: unknown): string => JSON.stringify(toJsonValue(v));

function genericDecode(bytes: Uint8Array): { items: string | undefined; reports: number } {
  let reports = 0;
  const items = sctpChunks.decode(bytes, 0, bytes.length, 'chunks', () => reports++);
  return { items: items === undefined ? undefined : ordered(items), reports };
}

const bad = fc.constantFrom<unknown>(-1, 2 ** 32, 1.5, 'zz', null, {}, [], true, 'not-an-address');

describe('sctp chunk lists compiled per shape', () => {
  it('encode the same bytes as the generic list code, on random bundles (fresh and shared caches)', () => {
    const shared = new CompiledList(sctpChunks, 'chunks');
    let compiled = 0;
    let runs = 0;
    fc.assert(
      fc.property(bundleArb, (chunks) => {
        runs++;
        const expected = generic(chunks);
        const fresh = viaCompiled(new CompiledList(sctpChunks, 'chunks'), chunks);
        const { compiled: took, ...outcome } = fresh;
        if (took) compiled++;
        expect(outcome).toEqual(expected);
        // Twice through a shared cache: the second time the compiled form (if any) is found, not made.
        for (let k = 0; k < 2; k++) {
          const { compiled: _took, ...again } = viaCompiled(shared, chunks);
          expect(again).toEqual(expected);
        }
      }),
      { numRuns: 600 },
    );
    // The property is about the compiled forms: most typed bundles must have taken them.
    expect(compiled).toBeGreaterThan(runs / 3);
  });

  it('a bad value in a bundle of a compiled shape gives the generic code\u2019s typed error (or bytes)', () => {
    fc.assert(
      fc.property(bundleArb, fc.nat(), fc.nat(), bad, (chunks, which, key, value) => {
        const list = new CompiledList(sctpChunks, 'chunks');
        viaCompiled(list, chunks); // compile the shape
        const chunk = { ...(chunks[which % chunks.length] as Record<string, unknown>) };
        const keys = Object.keys(chunk).filter((k) => k !== 'type');
        if (keys.length === 0) return;
        chunk[keys[key % keys.length]] = value;
        const damaged = chunks.map((c, k) => (k === which % chunks.length ? chunk : c));
        const { compiled: _took, ...outcome } = viaCompiled(list, damaged);
        expect(outcome).toEqual(generic(damaged));
      }),
      { numRuns: 400 },
    );
  });

  it('decode to the same items as the generic list code where it reports nothing, and leave the rest to it', () => {
    const shared = new CompiledList(sctpChunks, 'chunks');
    let compiled = 0;
    let clean = 0;
    // Half of the packets as encoded, the others with a byte or two changed or a few cut off.
    const damage = fc.oneof(fc.constant([]), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 2 }));
    const cuts = fc.oneof(fc.constant(0), fc.nat(8));
    fc.assert(
      fc.property(bundleArb, damage, cuts, (chunks, flips, cut) => {
        const encoded = generic(chunks);
        if (!('bytes' in encoded)) return;
        const bytes = Buffer.from(encoded.bytes, 'hex');
        for (const [at, value] of flips) if (bytes.length) bytes[at % bytes.length] = value;
        const input = cut && cut < bytes.length ? bytes.subarray(0, bytes.length - cut) : bytes;
        const expected = genericDecode(input);
        if (expected.reports === 0) clean++;
        for (const list of [new CompiledList(sctpChunks, 'chunks'), shared]) {
          let items = list.decode(input, 0, input.length);
          for (let k = 1; k < COMPILE_AFTER && items === undefined; k++) items = list.decode(input, 0, input.length);
          if (items === undefined) continue;
          if (list !== shared) compiled++;
          expect(expected.reports).toBe(0);
          expect(ordered(items)).toBe(expected.items);
        }
      }),
      { numRuns: 600 },
    );
    // Most cleanly decoded lists are of kinds that decode exactly, which the compiled forms take.
    expect(compiled).toBeGreaterThan(clean / 5);
  });

  it('keeps at most MAX_SHAPES forms per first chunk kind; other shapes take the generic path', () => {
    const list = new CompiledList(sctpChunks, 'chunks');
    const data = (n: number): unknown[] => Array.from({ length: n }, (_, k) => ({ type: 'data', flags: ['beginning', 'ending'], tsn: k, streamId: 0, streamSeq: 0, ppid: 0, data: new Uint8Array(3) }));
    const took = Array.from({ length: 20 }, (_, n) => viaCompiled(list, data(n + 1)).compiled);
    expect(took.filter(Boolean).length).toBe(MAX_SHAPES);
    expect(list.compiled.encoders).toBe(MAX_SHAPES);
    // Beyond the bound, the same bytes all the same.
    expect(viaCompiled(list, data(20))).toEqual({ ...generic(data(20)), compiled: false });
  });

  it('compiles a shape only once it has been met COMPILE_AFTER times (a stream of random bundles stays generic)', () => {
    const list = new CompiledList(sctpChunks, 'chunks');
    const chunks = [{ type: 'cookie-ack' }];
    const w = new Writer();
    for (let k = 1; k < COMPILE_AFTER; k++) expect(list.tryWrite(chunks, w)).toBe(false);
    expect(list.compiled.encoders).toBe(0);
    w.at = 0;
    expect(list.tryWrite(chunks, w)).toBe(true);
    expect(Buffer.from(w.buf.subarray(0, w.at)).toString('hex')).toBe('0b000004');
    const bytes = Uint8Array.from([11, 0, 0, 4]);
    for (let k = 1; k < COMPILE_AFTER; k++) expect(list.decode(bytes, 0, 4)).toBeUndefined();
    expect(list.decode(bytes, 0, 4)).toEqual([{ type: 'cookie-ack' }]);
    expect(list.compiled).toEqual({ encoders: 1, decoders: 1 });
  });
});

describe('sctp packets through the fast paths (compiled chunk lists) and the general codec', () => {
  const SRC = '192.0.2.1';
  const init = (address: unknown, initiateTag: unknown = 0x11223344): unknown[] => [
    {
      type: 'init',
      initiateTag,
      arwnd: 106496,
      outboundStreams: 10,
      inboundStreams: 65535,
      initialTsn: 0x55667788,
      params: [{ type: 'ipv4-address', address }, { type: 'supported-address-types', addressTypes: ['ipv4-address'] }, { type: 'ecn-capable' }, { type: 'forward-tsn-supported' }],
    },
  ];
  const packet = (chunks: unknown[]): EncodableLayer[] => [
    { layer: 'ipv4', fields: { src: SRC, dst: '198.51.100.2' } },
    { layer: 'sctp', fields: { srcPort: 5000, dstPort: 5001, chunks } },
  ];
  const outcome = (f: () => unknown): string => {
    try {
      return ordered(f());
    } catch (error) {
      const e = error as PacketError;
      return `${e.constructor.name} ${e.code} ${e.message}`;
    }
  };
  const both = <T,>(f: () => T): [string, string] => {
    const fast = outcome(f);
    setFastPath(false);
    try {
      return [fast, outcome(f)];
    } finally {
      setFastPath(true);
    }
  };

  it('an INIT with its usual parameters: the same bytes, fields and verdict; bad values give the same typed errors', () => {
    const bytes = encodeLayers(packet(init(SRC)));
    // Warm the compiled forms of this shape first, then compare with the general path.
    for (let k = 0; k < 3; k++) encodeLayers(packet(init(SRC)));
    const [fast, general] = both(() => encodeLayers(packet(init(SRC))));
    expect(fast).toBe(general);
    const [fastDecoded, generalDecoded] = both(() => decode(bytes));
    expect(fastDecoded).toBe(generalDecoded);
    expect(decode(bytes).layers[1].checksum?.status).toBe('valid');
    for (const [address, tag] of [['192.0.2.300', 1], [SRC, -1], [SRC, 'x'], [7, 1]] as const) {
      const [e1, e2] = both(() => ipv4({ src: SRC, dst: '198.51.100.2' }).sctp({ chunks: init(address, tag) as never }).encode());
      expect(e1).toBe(e2);
      expect(e1).toMatch(/chunks\[0\]\.(params\[0\]\.address|initiateTag)/);
    }
  });

  it('random bundles: the fast paths give the general codec\u2019s bytes, layers and issues', () => {
    fc.assert(
      fc.property(bundleArb, (chunks) => {
        const [fast, general] = both(() => encodeLayers(packet(chunks), { onWarning: () => {} }));
        expect(fast).toBe(general);
        const bytes = encodeLayers(packet(chunks), { onWarning: () => {} });
        const [fastDecoded, generalDecoded] = both(() => decode(bytes, { mode: 'lax' }));
        expect(fastDecoded).toBe(generalDecoded);
      }),
      { numRuns: 300 },
    );
  });
});
