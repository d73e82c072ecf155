/**
 * IPv6 Fragment header: RFC 8200 section 4.5. Only the first fragment (offset 0) carries the
 * start of the next header; later fragments decode as raw data. An atomic fragment (offset 0,
 * M clear; RFC 6946) is a whole packet and decodes on.
 */
import { compileHeader } from '../header.js';
import type { BindingTypes, LayerBinding } from '../types.js';
import { flags, uint, type FlagsValue } from '../field.js';
import { LengthError } from '../errors.js';
import type { LayerCodec } from '../layer.js';
import { decodeStep } from '../layer.js';
import { deviationRules } from '../deviation.js';
import { hasJumbo } from './ipv6-options.js';
import { IP_PROTOCOL, IPV6_EXTENSION_LAYERS, NO_NEXT_HEADER, nextHeaderAfter } from './ipv6-chain.js';

/** The fields of a decoded IPv6 Fragment header (RFC 8200 section 4.5) header, as `decode()` gives them. */
export interface Ipv6FragmentFields {
  /** Protocol of the fragmentable part (in every fragment, not only the first). */
  nextHeader: number;
  reserved: number;
  /** Offset of this fragment's data in 8-octet units. */
  fragmentOffset: number;
  /** The two reserved bits before M. */
  reserved2: number;
  /** `mf`: more fragments follow (the M flag). */
  flags: 'mf'[];
  /** Identification shared by the fragments of one packet. */
  id: number;
}

/** What the builders and `encodeLayers` take for IPv6 Fragment header (RFC 8200 section 4.5): any field may be left out (defaults, computed lengths and checksums). */
export interface Ipv6FragmentInput {
  /** Default: from the next layer; 59 when raw data or nothing follows (give it for non-first fragments). */
  nextHeader?: number;
  reserved?: number;
  fragmentOffset?: number;
  reserved2?: number;
  flags?: FlagsValue & (readonly 'mf'[] | number);
  id?: number;
}

declare module '../types.js' {
  interface LayerTypes {
    'ipv6-fragment': { fields: Ipv6FragmentFields; input: Ipv6FragmentInput } & BindingTypes<typeof binding>;
  }
}

const LAYER = 'ipv6-fragment';

const header = compileHeader<Ipv6FragmentFields>(LAYER, [
  uint('nextHeader', 8, { doc: 'Protocol number of the next header', role: 'auto' }),
  uint('reserved', 8, { doc: 'Reserved' }),
  uint('fragmentOffset', 13, { doc: 'Offset of the data in 8-octet units' }),
  uint('reserved2', 2, { doc: 'Reserved' }),
  flags('flags', ['mf'], { doc: 'M: more fragments' }),
  uint('id', 32, { doc: 'Identification' }),
]);

const auto = { nextHeader: 0 };

const deviations = deviationRules(LAYER, {
  reserved: { field: 'reserved', expected: '0 (initialized to zero for transmission)', rfc: 'RFC 8200 section 4.5' },
  reserved2: { field: 'reserved2', expected: '0 (initialized to zero for transmission)', rfc: 'RFC 8200 section 4.5' },
  jumbo: { field: 'position', expected: 'no Fragment header in a packet with a Jumbo Payload option', rfc: 'RFC 2675 section 3' },
});

const binding = { follows: ['ipv6', ...IPV6_EXTENSION_LAYERS], ipProtocol: IP_PROTOCOL.fragment } as const satisfies LayerBinding;

export const ipv6Fragment: LayerCodec = {
  name: LAYER,
  title: 'IPv6 Fragment header',
  rfc: 'RFC 8200 section 4.5',
  fields: header.fields,
  ...binding,

  measure: () => 8,

  write(buf, frames, index) {
    auto.nextHeader = nextHeaderAfter(frames, index);
    header.write(buf, frames[index].offset, frames[index].fields as unknown as Ipv6FragmentFields, auto);
  },

  decode(ctx, off, end) {
    if (end - off < 8) throw new LengthError(LAYER, off, 8, end - off, 'buffer');
    const fields = header.read(ctx.buf, off);
    if (fields.reserved !== 0) ctx.report(deviations.error('reserved', off + 1, fields.reserved));
    if (fields.reserved2 !== 0) ctx.report(deviations.error('reserved2', off + 3, fields.reserved2));
    for (let k = ctx.stack.length - 1; k >= 0 && ctx.stack[k].codec.name !== 'ipv6'; k--) {
      if (ctx.stack[k].codec.name === 'ipv6-hop-by-hop' && hasJumbo(ctx.stack[k].fields.options)) ctx.report(deviations.error('jumbo', off, 'ipv6-fragment'));
    }
    const more = (ctx.buf[off + 3] & 1) !== 0;
    // A non-first fragment carries the middle of some payload: nothing to decode but raw data.
    const next = fields.fragmentOffset || fields.nextHeader === NO_NEXT_HEADER ? 'raw' : { ipProtocol: fields.nextHeader };
    return decodeStep(fields as unknown as Record<string, unknown>, off + 8, end, next, !more && !fields.fragmentOffset);
  },

  summary: (f) => `FRAG id ${f.id} off ${(f.fragmentOffset as number) * 8}${(f.flags as string[]).length ? ' [mf]' : ''} nh ${f.nextHeader}`,
};
