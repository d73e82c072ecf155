/**
 * Linux "cooked" capture header, version 2 (LINKTYPE_LINUX_SLL2, 276): what `tcpdump -i any`
 * writes on current Linux. 20 bytes: protocol, reserved, interface index, ARPHRD_ type, packet
 * type, address length, 8 address bytes (https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html).
 */
import { compileHeader } from '../header.js';
import type { BindingTypes, LayerBinding } from '../types.js';
import { uint } from '../field.js';
import { bytesInput, toHex } from '../bytes.js';
import { FieldValueError, LengthError } from '../errors.js';
import type { LayerCodec, NextLayer } from '../layer.js';
import { decodeStep } from '../layer.js';

/** The fields of a decoded Linux cooked capture v2 (LINKTYPE_LINUX_SLL2) header, as `decode()` gives them. */
export interface LinuxSll2Fields {
  /** EtherType of the payload (0x0004: an 802.2 LLC frame). */
  protocol: number;
  /** Must be zero. */
  reserved: number;
  /** Index of the interface the packet was seen on. */
  interfaceIndex: number;
  /** ARPHRD_ type of the device (1 Ethernet, 772 loopback). */
  arphrdType: number;
  /** 0 to us, 1 broadcast, 2 multicast, 3 to someone else, 4 sent by us. */
  packetType: number;
  addressLength: number;
  /** Link-layer address, 8 bytes (hex in JSON). */
  address: Uint8Array;
}

/** What the builders and `encodeLayers` take for Linux cooked capture v2 (LINKTYPE_LINUX_SLL2): any field may be left out (defaults, computed lengths and checksums). */
export interface LinuxSll2Input {
  protocol?: number;
  reserved?: number;
  interfaceIndex?: number;
  /** Default 772 (loopback). */
  arphrdType?: number;
  packetType?: number;
  addressLength?: number;
  address?: Uint8Array | string;
}

declare module '../types.js' {
  interface LayerTypes {
    'linux-sll2': { fields: LinuxSll2Fields; input: LinuxSll2Input } & BindingTypes<typeof binding>;
  }
}

const head = compileHeader<LinuxSll2Fields>('linux-sll2', [
  uint('protocol', 16, { doc: 'EtherType of the payload (auto from the next layer; 0x0004 802.2 LLC)', role: 'auto' }),
  uint('reserved', 16, { doc: 'Reserved, zero' }),
  uint('interfaceIndex', 32, { doc: 'Interface index', default: 1 }),
  uint('arphrdType', 16, { doc: 'ARPHRD_ device type', default: 772 }),
  uint('packetType', 8, { doc: 'Packet type (0 host, 1 broadcast, 2 multicast, 3 other host, 4 outgoing)', default: 4 }),
  uint('addressLength', 8, { doc: 'Link-layer address length' }),
]);

/** EtherTypes below 0x0600 name what Linux's cooked headers (v1 and v2) carry instead (linux/if_ether.h). */
const ETH_P_802_2 = 0x0004;

export function cookedNext(protocol: number): NextLayer {
  if (protocol === ETH_P_802_2) return 'llc';
  return protocol >= 0x0600 ? { etherType: protocol } : 'raw';
}

const binding = { follows: ['start'] } as const satisfies LayerBinding;

export const linuxSll2: LayerCodec = {
  name: 'linux-sll2',
  title: 'Linux cooked capture v2',
  rfc: 'tcpdump.org LINKTYPE_LINUX_SLL2 (276)',
  fields: head.fields,
  extraFields: [{ name: 'address', doc: 'Link-layer address, 8 bytes' }],
  ...binding,
  writesEveryByte: true,
  measure: () => 20,

  write(buf, frames, index) {
    const frame = frames[index];
    const f = frame.fields as LinuxSll2Input;
    const nextName = frames[index + 1]?.codec.name;
    const protocol = nextName === 'llc' ? ETH_P_802_2 : (frames[index + 1]?.codec.etherType ?? 0x88b5);
    head.write(buf, frame.offset, f as unknown as LinuxSll2Fields, { protocol });
    const address = f.address === undefined ? new Uint8Array(8) : bytesInput('linux-sll2', 'address', f.address);
    if (address.length !== 8) throw new FieldValueError('linux-sll2', 'address', toHex(address), 'exactly 8 bytes');
    buf.set(address, frame.offset + 12);
  },

  decode(ctx, off, end) {
    const buf = ctx.buf;
    if (end - off < 20) throw new LengthError('linux-sll2', off, 20, end - off, 'buffer');
    const fields = head.read(buf, off);
    fields.address = Buffer.from(buf.subarray(off + 12, off + 20));
    return decodeStep(fields as unknown as Record<string, unknown>, off + 20, end, cookedNext(fields.protocol));
  },

  summary: (f) => `Linux SLL2 if ${f.interfaceIndex as number} type ${f.packetType as number} proto 0x${(f.protocol as number).toString(16).padStart(4, '0')}`,
};
