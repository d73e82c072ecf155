/** Linux "cooked" capture header, version 1 (LINKTYPE_LINUX_SLL, 113): what `tcpdump -i any` writes. */
import { compileHeader } from '../header.js';
import type { BindingTypes, LayerBinding } from '../types.js';
import { uint } from '../field.js';
import { bytesInput, toHex } from '../bytes.js';
import { FieldValueError, LengthError } from '../errors.js';
import type { LayerCodec } from '../layer.js';
import { decodeStep } from '../layer.js';
import { checkUint, putBe16 } from '../option-list.js';
import { cookedNext } from './linux-sll2.js';

/** The fields of a decoded Linux cooked capture v1 (LINKTYPE_LINUX_SLL) header, as `decode()` gives them. */
export interface LinuxSllFields {
  /** 0 to us, 1 broadcast, 2 multicast, 3 to someone else, 4 sent by us. */
  packetType: number;
  /** ARPHRD_ type of the device (1 Ethernet, 772 loopback). */
  arphrdType: number;
  addressLength: number;
  /** Link-layer address, 8 bytes (hex in JSON). */
  address: Uint8Array;
  /** EtherType of the payload. */
  protocol: number;
}

/** What the builders and `encodeLayers` take for Linux cooked capture v1 (LINKTYPE_LINUX_SLL): any field may be left out (defaults, computed lengths and checksums). */
export interface LinuxSllInput {
  packetType?: number;
  /** Default 772 (loopback). */
  arphrdType?: number;
  addressLength?: number;
  address?: Uint8Array | string;
  protocol?: number;
}

declare module '../types.js' {
  interface LayerTypes {
    'linux-sll': { fields: LinuxSllFields; input: LinuxSllInput } & BindingTypes<typeof binding>;
  }
}

const head = compileHeader<LinuxSllFields>('linux-sll', [
  uint('packetType', 16, { doc: 'Packet type (0 host, 1 broadcast, 2 multicast, 3 other host, 4 outgoing)', default: 4 }),
  uint('arphrdType', 16, { doc: 'ARPHRD_ device type', default: 772 }),
  uint('addressLength', 16, { doc: 'Link-layer address length' }),
]);
const NO_AUTO = {};

const binding = { follows: ['start'] } as const satisfies LayerBinding;

export const linuxSll: LayerCodec = {
  name: 'linux-sll',
  title: 'Linux cooked capture v1',
  rfc: 'tcpdump.org LINKTYPE_LINUX_SLL',
  fields: head.fields,
  extraFields: [
    { name: 'address', doc: 'Link-layer address, 8 bytes' },
    { name: 'protocol', doc: 'EtherType of the payload (auto from the next layer)' },
  ],
  ...binding,

  writesEveryByte: true,

  measure: () => 16,

  write(buf, frames, index) {
    const frame = frames[index];
    const f = frame.fields as LinuxSllInput;
    head.write(buf, frame.offset, f as unknown as LinuxSllFields, NO_AUTO);
    const address = f.address === undefined ? new Uint8Array(8) : bytesInput('linux-sll', 'address', f.address);
    if (address.length !== 8) throw new FieldValueError('linux-sll', 'address', toHex(address), 'exactly 8 bytes');
    buf.set(address, frame.offset + 6);
    const fail = (field: string, value: unknown, allowed: string): never => {
      throw new FieldValueError('linux-sll', field, value, allowed);
    };
    const next = frames[index + 1]?.codec;
    putBe16(buf, frame.offset + 14, checkUint(f.protocol ?? (next?.name === 'llc' ? 0x0004 : next?.etherType) ?? 0x88b5, 16, 'protocol', fail));
  },

  decode(ctx, off, end) {
    const buf = ctx.buf;
    if (end - off < 16) throw new LengthError('linux-sll', off, 16, end - off, 'buffer');
    const fields = head.read(buf, off);
    fields.address = Buffer.from(buf.subarray(off + 6, off + 14));
    fields.protocol = (buf[off + 14] << 8) | buf[off + 15];
    return decodeStep(fields as unknown as Record<string, unknown>, off + 16, end, cookedNext(fields.protocol));
  },

  summary: (f) => `Linux SLL type ${f.packetType} proto 0x${(f.protocol as number).toString(16).padStart(4, '0')}`,
};
