/** Raw payload: bytes no other layer claims (unknown protocols, application data, fragments). */
import { bytesInput } from '../bytes.js';
import type { BindingTypes, LayerBinding } from '../types.js';
import type { LayerCodec } from '../layer.js';
import { decodeStep } from '../layer.js';
import { IPV6_EXTENSION_LAYERS } from './ipv6-chain.js';
import { IP_LINK_LAYERS } from './link-layers.js';

/** The fields of a decoded Raw (payload bytes no protocol claims) header, as `decode()` gives them. */
export interface RawFields {
  data: Uint8Array;
}

/** What the builders and `encodeLayers` take for Raw (payload bytes no protocol claims): any field may be left out (defaults, computed lengths and checksums). */
export interface RawInput {
  /** Bytes, or hex text. */
  data?: Uint8Array | string;
}

declare module '../types.js' {
  interface LayerTypes {
    raw: { fields: RawFields; input: RawInput } & BindingTypes<typeof binding>;
  }
}

const EMPTY = new Uint8Array(0);

const binding = { follows: ['start', 'ethernet', 'linux-sll', ...IP_LINK_LAYERS, 'radiotap', 'ieee80211', 'ipv4', 'icmp', 'udp', 'tcp', 'ipv6', ...IPV6_EXTENSION_LAYERS, 'esp', 'icmpv6'] } as const satisfies LayerBinding;

export const raw: LayerCodec = {
  name: 'raw',
  title: 'Raw data',
  rfc: '-',
  fields: [],
  extraFields: [{ name: 'data', doc: 'The bytes (hex text in JSON)' }],
  ...binding,

  writesEveryByte: true,

  measure(frame) {
    const data = frame.fields.data === undefined ? EMPTY : bytesInput('raw', 'data', frame.fields.data);
    frame.state = data;
    return data.length;
  },

  write(buf, frames, index) {
    const frame = frames[index];
    buf.set(frame.state as Uint8Array, frame.offset);
  },

  decode(ctx, off, end) {
    // A view, not a copy: decoding stays cheap; the layer shares the caller's buffer.
    return decodeStep({ data: ctx.buf.subarray(off, end) }, end, end, undefined);
  },

  fast: { bytes: 'data' },

  summary: (f) => `Raw ${(f.data as Uint8Array).length} bytes`,
};
