/**
 * Builders given junk (NaN, -1, 1.5, 2**32, strings, objects, null...) in any field throw only
 * the library's build errors: FieldValueError, UnknownFieldError, StackError or InputError,
 * and when they do not throw, what they wrote decodes (lax) back to the same bytes.
 *
 * Known bugs, pinned as `it.fails` in test/codec/errors.test.ts, are kept out of the generators
 * here so this property guards everything else: junk *elements* inside option lists, VLAN lists,
 * SACK blocks, route addresses and timestamp entries (null, or a non-list where a list belongs)
 * throw TypeError today, and a UDP length over 65535 under an explicit IPv4 totalLength throws
 * ContentError. Remove the marked filters once those are fixed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FieldValueError, InputError, StackError, UnknownFieldError, codecs, decode, encodeLayers, packet, type EncodableLayer } from '../../src/index.js';
import { fieldNames } from '../../src/codec/registry.js';
import { ipv4Address, macAddress, u16 } from './arbitraries.js';

const RUNS = { numRuns: 400 };
const ALLOWED = [FieldValueError, UnknownFieldError, StackError, InputError];

/** Junk scalars and objects. */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(NaN, -1, 1.5, 2 ** 32, 2 ** 53, -0, Infinity, -Infinity, 65536, 256, 16, 8192, 1e300, -1e-300),
  fc.constantFrom('', 'x', '1', '0x10', '1.2.3.999', '1.2.3', '::1', 'ff:ff:ff:ff:ff', 'zz', 'syn', 'df', 'toString', 'constructor', '__proto__', 'valueOf'),
  fc.constantFrom(null, undefined, true, false, 1n, Symbol('junk'), [], [1], ['syn', 'bogus'], {}, { length: 3 }, new Uint8Array(3), new Date(0)),
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.double(),
  fc.array(fc.oneof(fc.integer(), fc.string()), { maxLength: 3 }),
);

/** Values that are fine for the field, so that junk elsewhere is reached. */
const good: Record<string, fc.Arbitrary<unknown>> = {
  src: ipv4Address,
  dst: ipv4Address,
  gateway: ipv4Address,
  mask: ipv4Address,
  srcPort: u16,
  dstPort: u16,
};

// Known bugs (see the header): a nested list holding a non-object, or a non-list where a list belongs.
const nestedJunk = fc.oneof(fc.integer(), fc.string(), fc.constantFrom(NaN, 1.5, -1, 2 ** 32, 'x', '1.2.3.999', {}, [], true));
const ipv4Option = fc.oneof(
  fc.record({ kind: fc.oneof(fc.constantFrom('nop', 'eol', 'record-route', 'lsrr', 'ssrr', 'timestamp', 'router-alert', 'bogus', 5.5, -1, 256), fc.integer({ min: 0, max: 255 })) }),
  fc.record({ kind: fc.constantFrom('lsrr', 'record-route'), pointer: fc.oneof(nestedJunk, fc.nat(255)), addresses: fc.array(fc.oneof(ipv4Address, nestedJunk), { maxLength: 3 }) }),
  fc.record({
    kind: fc.constant('timestamp'),
    flag: fc.oneof(nestedJunk, fc.constantFrom('timestamps-only', 'with-addresses', 'prespecified', 'constructor')),
    overflow: nestedJunk,
    entries: fc.array(fc.record({ address: fc.oneof(ipv4Address, nestedJunk), timestamp: fc.oneof(nestedJunk, fc.nat()) }), { maxLength: 2 }),
  }),
  fc.record({ kind: fc.constant('router-alert'), value: nestedJunk }),
  fc.record({ kind: fc.oneof(fc.nat(300), nestedJunk), data: fc.oneof(fc.constantFrom('00', 'zz', '0', ''), fc.constant(new Uint8Array(2))), length: fc.oneof(fc.nat(300), nestedJunk) }, { requiredKeys: ['kind'] }),
);
const tcpOption = fc.oneof(
  fc.record({ kind: fc.oneof(fc.constantFrom('nop', 'eol', 'mss', 'window-scale', 'sack-permitted', 'sack', 'timestamps', 'bogus'), fc.nat(300)) }),
  fc.record({ kind: fc.constant('mss'), value: fc.oneof(nestedJunk, u16) }),
  fc.record({ kind: fc.constant('window-scale'), shift: nestedJunk }),
  fc.record({ kind: fc.constant('sack'), blocks: fc.array(fc.record({ left: nestedJunk, right: fc.oneof(nestedJunk, fc.nat()) }), { maxLength: 2 }) }),
  fc.record({ kind: fc.constant('timestamps'), value: nestedJunk, echo: nestedJunk }),
);
const vlan = fc.record({ tpid: fc.oneof(nestedJunk, fc.constant(0x8100)), pcp: nestedJunk, dei: nestedJunk, vid: fc.oneof(nestedJunk, fc.nat(4095)) }, { requiredKeys: ['vid'] });

/** Each layer's fields, from the registry (fixed header and extra fields): a new protocol's are found, not listed. */
const FIELDS: Record<string, string[]> = Object.fromEntries(codecs.map((c) => [c.name, [...fieldNames(c)]]));

const valueFor = (layer: string, field: string): fc.Arbitrary<unknown> => {
  if (field === 'options') return fc.oneof(fc.array(layer === 'tcp' ? tcpOption : ipv4Option, { maxLength: 4 }), fc.constantFrom('00', 'x', 5, null));
  if (field === 'vlans') return fc.oneof(fc.array(vlan, { maxLength: 3 }), fc.constantFrom('x', 5, {}, null));
  if (layer === 'ethernet' && (field === 'src' || field === 'dst')) return fc.oneof(macAddress, junk);
  if (field === 'addresses') return fc.oneof(fc.array(fc.oneof(macAddress, junk), { maxLength: 4 }), junk);
  if (field === 'present') return fc.oneof(fc.array(fc.oneof(u16, junk), { maxLength: 3 }), junk);
  return good[field] ? fc.oneof(good[field], junk) : junk;
};

/** A layer's fields: some known fields with good or junk values, sometimes an unknown name. */
const fieldsOf = (layer: string): fc.Arbitrary<Record<string, unknown>> =>
  fc
    .tuple(
      fc.subarray(FIELDS[layer], { maxLength: Math.min(4, FIELDS[layer].length) }).chain((names) => fc.tuple(...names.map((n) => valueFor(layer, n))).map((values) => Object.fromEntries(names.map((n, i) => [n, values[i]])))),
      fc.option(fc.constantFrom('ttll', 'dport', 'sport', 'flag', 'typo', 'Data'), { freq: 5 }),
    )
    .map(([fields, typo]) => (typo ? { ...fields, [typo]: 1 } : fields));

const STACKS = [
  ['ipv4', 'udp', 'raw'],
  ['ipv4', 'tcp'],
  ['ipv4', 'icmp', 'raw'],
  ['ipv4', 'icmp', 'ipv4', 'udp'],
  ['ethernet', 'ipv4', 'udp'],
  ['linux-sll', 'ipv4', 'tcp', 'raw'],
  ['ipv4', 'ipv4', 'icmp'],
  ['bsd-null', 'ipv4', 'udp'],
  ['bsd-loop', 'ipv4', 'icmp'],
  ['ppp', 'ipv4', 'tcp'],
  ['cisco-hdlc', 'ipv4', 'udp'],
  ['pktap', 'bsd-null', 'ipv4', 'udp'],
  ['pktap', 'ipv4', 'icmp'],
  ['nflog', 'ipv4', 'udp', 'raw'],
  ['linux-sll2', 'ipv4', 'udp', 'raw'],
  ['radiotap', 'ieee80211', 'llc', 'ipv4', 'udp'],
  ['ieee80211', 'llc', 'raw'],
  // Stacks the formats cannot express: the builder must refuse them with StackError.
  ['udp'],
  ['ipv4', 'udp', 'tcp'],
  ['tcp', 'ipv4'],
];

const stack = fc.constantFrom(...STACKS).chain((names) => fc.tuple(...names.map((n) => fc.record({ name: fc.constant(n), fields: fieldsOf(n) }))));
const extras = fc.record({ corrupt: fc.option(fc.constantFrom('checksum', 'length', 'x'), { freq: 4 }), trailer: fc.option(fc.oneof(fc.constantFrom('00ff', 'zz', '0'), junk), { freq: 6 }) });

function expectAllowed(f: () => unknown): unknown {
  try {
    return f();
  } catch (error) {
    if (!ALLOWED.some((c) => error instanceof c)) throw new Error(`threw ${(error as Error)?.constructor?.name}: ${String((error as Error)?.message ?? error)}`);
    // Every build error names its layer (and, for field errors, the field).
    if (error instanceof FieldValueError || error instanceof UnknownFieldError) {
      expect(error.layer.length).toBeGreaterThan(0);
      expect(error.field.length).toBeGreaterThan(0);
    }
    return undefined;
  }
}

describe('builders given junk throw only FieldValueError / UnknownFieldError / StackError / InputError', () => {
  it('the fluent builder', () => {
    fc.assert(
      fc.property(stack, extras, (layers, { corrupt, trailer }) => {
        const bytes = expectAllowed(() => {
          let step = packet() as unknown as Record<string, (arg?: unknown) => unknown>;
          for (const l of layers) step = step[l.name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())](l.fields) as typeof step;
          if (corrupt) step = (step as unknown as { corrupt(f: unknown): typeof step }).corrupt(corrupt);
          if (trailer !== null) step = (step as unknown as { trailer(t: unknown): typeof step }).trailer(trailer);
          return (step as unknown as { encode(): Buffer }).encode();
        });
        if (bytes instanceof Uint8Array) {
          const d = decode(bytes, { from: layers[0].name, mode: 'lax' });
          expect(encodeLayers(d.layers as unknown as EncodableLayer[])).toEqual(bytes);
        }
      }),
      RUNS,
    );
  });

  it('encodeLayers with junk layer objects', () => {
    const layerJunk = fc.oneof(
      fc.record({ layer: fc.constantFrom('ipv4', 'udp', 'ipv5', 'IPV4', '', 'raw'), fields: fc.oneof(junk, fc.constant({})) }),
      // Known bug (errors.test.ts): a bigint layer name makes encodeLayers throw TypeError.
      fc.record({ layer: junk.filter((j) => typeof j !== 'bigint') }),
      fc.record({ layer: fc.constant('raw'), trailer: junk, corrupt: fc.oneof(fc.constant(['checksum']), fc.constant([])) }),
    );
    fc.assert(
      fc.property(fc.array(layerJunk, { minLength: 1, maxLength: 3 }), (layers) => {
        expectAllowed(() => encodeLayers(layers as EncodableLayer[]));
      }),
      RUNS,
    );
  });

  it('the payload step', () => {
    fc.assert(
      fc.property(junk, (data) => {
        expectAllowed(() => (packet().ipv4().udp() as unknown as { payload(d: unknown): { encode(): Buffer } }).payload(data).encode());
      }),
      { numRuns: 200 },
    );
  });
});
