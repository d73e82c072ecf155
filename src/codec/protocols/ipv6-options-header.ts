/**
 * The two IPv6 extension headers that carry TLV options, Hop-by-Hop Options (RFC 8200 section
 * 4.3) and Destination Options (section 4.6), share one layout: Next Header, Hdr Ext Len (in
 * 8-octet units, not counting the first 8), then options padded to a multiple of 8 octets.
 * This builds the codec for either.
 */
import { compileHeader } from '../header.js';
import { uint } from '../field.js';
import { bytesInput } from '../bytes.js';
import { FieldValueError, LengthError } from '../errors.js';
import type { LayerBinding } from '../types.js';
import type { DecodeContext, LayerCodec } from '../layer.js';
import { decodeStep } from '../layer.js';
import { deviationRules } from '../deviation.js';
import { putBe32 } from '../option-list.js';
import { NO_NEXT_HEADER, nextHeaderAfter } from './ipv6-chain.js';
import { ipv6OptionLists, type Ipv6OptionInput } from './ipv6-options.js';

/** Fields of a Hop-by-Hop or Destination Options header as decoded. */
export interface Ipv6OptionsHeaderFields {
  nextHeader: number;
  /** Hdr Ext Len: header length in 8-octet units, not counting the first 8. */
  length: number;
  /** Options in wire order, padding options included. */
  options: Ipv6OptionInput[];
  /** Bytes after a malformed option, up to the header length; present only when there are some. */
  padding?: Uint8Array;
}

/** What the Hop-by-Hop and Destination Options headers take: next header, length and options, all optional. */
export interface Ipv6OptionsHeaderInput {
  /** Default: from the next layer; 59 (No Next Header) when raw data or nothing follows. */
  nextHeader?: number;
  /** Default: computed from the options. */
  length?: number;
  /** Default: none. Padding to a multiple of 8 octets (Pad1 or PadN) is added after them. */
  options?: readonly Ipv6OptionInput[];
  /** Bytes written after the options instead of the computed Pad1/PadN padding. */
  padding?: Uint8Array | string;
}

interface State {
  options: Uint8Array;
  padding: Uint8Array;
  /** Header offsets of Jumbo Payload values to fill in once the payload length is known. */
  jumboAt: number[];
}

export function optionsHeaderCodec(spec: {
  name: 'ipv6-hop-by-hop' | 'ipv6-dest-options';
  title: string;
  rfc: string;
  binding: LayerBinding;
  short: string;
}): LayerCodec {
  const { name } = spec;
  const list = ipv6OptionLists[name];
  const header = compileHeader<Ipv6OptionsHeaderFields>(name, [
    uint('nextHeader', 8, { doc: 'Protocol number of the next header', role: 'auto' }),
    uint('length', 8, { doc: 'Header length in 8-octet units, not counting the first 8', role: 'auto' }),
  ]);
  const auto = { nextHeader: 0, length: 0 };
  // Hop-by-Hop only: where the header may be, and the Jumbo Payload option's rules (RFC 2675).
  const hopByHop =
    name === 'ipv6-hop-by-hop'
      ? deviationRules(name, {
          position: { field: 'position', expected: 'immediately after the IPv6 header', rfc: 'RFC 8200 section 4.3' },
          'jumbo-payload-length': { field: 'options[].payloadLength', expected: 'more than 65535 (smaller payloads use the IPv6 Payload Length)', rfc: 'RFC 2675 section 2' },
          'jumbo-with-length': { field: 'options[]', expected: 'no Jumbo Payload option when the IPv6 Payload Length is not 0', rfc: 'RFC 2675 section 3' },
        })
      : undefined;
  /** RFC 2675 sections 2 and 3: the value, and the IPv6 Payload Length that must be 0 with it. */
  function checkJumbo(ctx: DecodeContext, off: number, options: readonly Ipv6OptionInput[], deviations: NonNullable<typeof hopByHop>): void {
    let at = off + 2;
    for (const [index, option] of options.entries()) {
      if (option.kind === 'jumbo') {
        const value = (option as { payloadLength: number }).payloadLength;
        if (value <= 0xffff) ctx.report(deviations.error('jumbo-payload-length', at + 2, value, { field: `options[${index}].payloadLength` }));
        const ip = ctx.stack[ctx.stack.length - 1];
        if (ip?.codec.name === 'ipv6' && ip.fields.payloadLength !== 0) ctx.report(deviations.error('jumbo-with-length', ip.offset + 4, ip.fields.payloadLength, { field: `options[${index}]` }));
      }
      at += option.kind === 'pad1' || option.kind === 0 ? 1 : 2 + ctx.buf[at + 1];
    }
  }

  return {
    name,
    title: spec.title,
    rfc: spec.rfc,
    fields: header.fields,
    extraFields: [
      { name: 'options', doc: 'Options: pad1, padn, router-alert, jumbo, tunnel-encapsulation-limit, home-address, or raw { kind, data } (kind keeps the action bits)' },
      { name: 'padding', doc: 'Bytes after the options (default: Pad1/PadN up to a multiple of 8 octets)' },
    ],
    ...spec.binding,

    measure(frame) {
      const f = frame.fields as Ipv6OptionsHeaderInput;
      const { bytes, offsets } = list.encode(f.options ?? []);
      const padding = f.padding !== undefined ? bytesInput(name, 'padding', f.padding) : list.padTo8(2 + bytes.length);
      const length = 2 + bytes.length + padding.length;
      if (f.length === undefined && (length % 8 !== 0 || length > 2048)) {
        throw new FieldValueError(name, 'padding', `${length} header bytes`, 'a header that is a multiple of 8 bytes, at most 2048 (or give length explicitly)');
      }
      const jumboAt: number[] = [];
      (f.options ?? []).forEach((o, i) => {
        if (o.kind === 'jumbo' && o.payloadLength === undefined) jumboAt.push(2 + offsets[i] + 2);
      });
      frame.state = { options: bytes, padding, jumboAt } satisfies State;
      return length;
    },

    write(buf, frames, index) {
      const frame = frames[index];
      const o = frame.offset;
      auto.nextHeader = nextHeaderAfter(frames, index);
      auto.length = Math.max(0, Math.ceil(frame.headerLength / 8) - 1);
      header.write(buf, o, frame.fields as unknown as Ipv6OptionsHeaderFields, auto);
      const state = frame.state as State;
      buf.set(state.options, o + 2);
      buf.set(state.padding, o + 2 + state.options.length);
      if (state.jumboAt.length) {
        // RFC 2675: the Jumbo Payload Length counts everything after the IPv6 header.
        let ip = index - 1;
        while (ip >= 0 && frames[ip].codec.name !== 'ipv6') ip--;
        const value = ip >= 0 ? frames[ip].payloadEnd - frames[ip].offset - 40 : 0;
        for (const at of state.jumboAt) putBe32(buf, o + at, value);
      }
    },

    decode(ctx, off, end) {
      const buf = ctx.buf;
      if (end - off < 8) throw new LengthError(name, off, 8, end - off, 'buffer');
      const fields = header.read(buf, off);
      const headerLength = (fields.length + 1) * 8;
      if (off + headerLength > end) throw new LengthError(name, off, headerLength, end - off, `${name}.length`);
      if (hopByHop && ctx.stack[ctx.stack.length - 1]?.codec.name !== 'ipv6') {
        ctx.report(hopByHop.error('position', off, ctx.stack[ctx.stack.length - 1]?.codec.name ?? 'start'));
      }
      const { options, padding } = list.decode(buf, off + 2, off + headerLength, (e) => ctx.report(e));
      fields.options = options;
      if (hopByHop) checkJumbo(ctx, off, options, hopByHop);
      if (padding.length) fields.padding = Buffer.from(padding);
      return decodeStep(fields as unknown as Record<string, unknown>, off + headerLength, end, fields.nextHeader === NO_NEXT_HEADER ? 'raw' : { ipProtocol: fields.nextHeader });
    },

    summary(f) {
      const kinds = (f.options as Ipv6OptionInput[]).filter((o) => o.kind !== 'pad1' && o.kind !== 'padn').map((o) => String(o.kind));
      return `${spec.short} nh ${f.nextHeader}${kinds.length ? ` [${kinds.join(',')}]` : ''}`;
    },
  };
}
