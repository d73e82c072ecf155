/**
 * Decoding a captured packet by its interface's link type. A link type rawcraft has no codec
 * for does not stop a file: strict mode throws an error naming the interface and the link type,
 * lax mode keeps the packet as raw bytes with that error as an issue, and the caller goes on.
 */
import { decode, layerForLinkType, type DecodeOptions, type DecodedPacket } from '../codec/decode.js';
import { PacketError } from '../codec/errors.js';
import { CISCO_HDLC_ADDRESSES } from '../codec/protocols/cisco-hdlc.js';
import { FIRST_LAYERS } from '../codec/protocols/link-layers.js';
import { describeLinkType, LinkType } from './link-types.js';

/**
 * The link types rawcraft decodes, for messages.
 * @example
 * {@includeCode ../../examples/api-capture.ts#link-types}
 */
export function supportedLinkTypes(): string {
  return [...FIRST_LAYERS.keys()].map(describeLinkType).join(', ');
}

/**
 * A packet's interface has a link type no codec decodes.
 * @example
 * {@includeCode ../../examples/api-capture.ts#link-types}
 */
export class UnsupportedLinkTypeError extends PacketError {
  readonly code = 'E_LINK_TYPE';
  constructor(
    /** LINKTYPE_* value of the interface. */
    readonly linkType: number,
    /** pcapng interface id (0 for pcap). */
    readonly interfaceId: number,
  ) {
    super(`interface ${interfaceId} has link type ${describeLinkType(linkType)}, which rawcraft cannot decode (it decodes ${supportedLinkTypes()})`, 'raw', 0);
  }
}

/** Which pcapng interface a record belongs to, when decoding its link type. */
export interface DecodeRecordOptions extends Omit<DecodeOptions, 'from'> {
  /** The pcapng interface the packet came from, for the error (default 0). */
  interfaceId?: number;
}

/**
 * The first layer of captured bytes of a link type: layerForLinkType, except where the bytes
 * decide (LINKTYPE_PPP_HDLC holds Cisco HDLC frames too, told apart by their first byte).
 * @example
 * {@includeCode ../../examples/api-capture.ts#link-types}
 */
export function firstLayerFor(linkType: number, data: Uint8Array): string | undefined {
  if (linkType === LinkType.PPP_HDLC && data.length > 0 && CISCO_HDLC_ADDRESSES.has(data[0])) return 'cisco-hdlc';
  return layerForLinkType(linkType);
}

/**
 * Decode captured bytes whose first layer is given by a LINKTYPE_* value.
 * @throws {@link UnsupportedLinkTypeError} a link type rawcraft cannot decode (the message lists those it can).
 * @throws {@link LengthError} like decode(), a header or length field past the bytes.
 * @example
 * {@includeCode ../../examples/api-capture.ts#link-types}
 */
export function decodeLinkType(data: Uint8Array, linkType: number, options: DecodeRecordOptions = {}): DecodedPacket {
  const from = firstLayerFor(linkType, data);
  if (from !== undefined) return decode(data, { ...options, from });
  const error = new UnsupportedLinkTypeError(linkType, options.interfaceId ?? 0);
  if (options.mode !== 'lax') throw error;
  const packet = decode(data, { ...options, from: 'raw' });
  return { layers: packet.layers, issues: [error, ...packet.issues] };
}
