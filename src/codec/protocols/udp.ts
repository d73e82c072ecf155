/** User Datagram Protocol: RFC 768 (checksum over the IPv4 or IPv6 pseudo-header). */
import { compileHeader } from '../header.js';
import { uint } from '../field.js';
import { ContentError, LengthError } from '../errors.js';
import type { LayerCodec } from '../layer.js';
import { fillUpperLayerChecksum, verifyUpperLayerChecksum } from '../upper-checksum.js';

export interface UdpFields {
  srcPort: number;
  dstPort: number;
  /** Header plus payload, in bytes. */
  length: number;
  /** 0 over IPv4 means "no checksum" (RFC 768); a computed 0 is sent as 0xffff. */
  checksum: number;
}

export type UdpInput = Partial<UdpFields>;

declare module '../types.js' {
  interface LayerTypes {
    udp: { fields: UdpFields; input: UdpInput; follows: 'ipv4' | 'icmp' };
  }
}

const PROTOCOL = 17;

const header = compileHeader<UdpFields>('udp', [
  uint('srcPort', 16, { doc: 'Source port', default: 53 }),
  uint('dstPort', 16, { doc: 'Destination port', default: 53 }),
  uint('length', 16, { doc: 'Length of header and payload in bytes', role: 'auto' }),
  uint('checksum', 16, { doc: 'Checksum over pseudo-header, header and payload (0: none, IPv4 only)', role: 'checksum' }),
]);

const auto = { length: 0 };

export const udp: LayerCodec = {
  name: 'udp',
  title: 'User Datagram Protocol',
  rfc: 'RFC 768',
  fields: header.fields,
  follows: ['ipv4', 'icmp'],
  ipProtocol: PROTOCOL,

  measure: () => 8,

  write(buf, frames, index) {
    const frame = frames[index];
    auto.length = frame.payloadEnd - frame.offset;
    if (auto.length > 0xffff && frame.fields.length === undefined) {
      throw new ContentError('udp', -1, 'length', auto.length, 'at most 65535 bytes of header and payload');
    }
    header.write(buf, frame.offset, frame.fields as unknown as UdpFields, auto);
  },

  checksumOffset: 6,

  fillChecksum(buf, frames, index) {
    fillUpperLayerChecksum(buf, frames, index, PROTOCOL, 6, 0xffff);
  },

  decode(ctx, off, end) {
    if (end - off < 8) throw new LengthError('udp', off, 8, end - off, 'buffer');
    const fields = header.read(ctx.buf, off);
    let payloadEnd = off + fields.length;
    let complete = true;
    if (fields.length < 8) {
      ctx.report(new ContentError('udp', off + 4, 'length', fields.length, 'at least 8 (the header)'));
      payloadEnd = end;
      complete = false;
    } else if (payloadEnd > end) {
      ctx.report(new LengthError('udp', off, fields.length, end - off, 'udp.length', 'the datagram is truncated'));
      payloadEnd = end;
      complete = false;
    }
    return { fields: fields as unknown as Record<string, unknown>, headerEnd: off + 8, payloadEnd, next: 'raw', complete };
  },

  verifyChecksum(ctx, off, end, fields, complete) {
    const actual = fields.checksum as number;
    const overIpv4 = ctx.stack.findLast((l) => l.codec.pseudoHeaderSum)?.codec.name === 'ipv4';
    // Over IPv4 a zero checksum means the sender computed none (RFC 768); there is nothing to check.
    if (actual === 0 && overIpv4) return { status: 'unverifiable', actual };
    return verifyUpperLayerChecksum(ctx, off, end, PROTOCOL, actual, complete, 0xffff);
  },

  summary: (f) => `UDP ${f.srcPort} > ${f.dstPort} len ${f.length}`,
};
