/**
 * Which SCTP packets answer which (RFC 9260), the SCTP codec's `answers` rule: in a file of its
 * own so that sctp.ts stays the header and chunk codec.
 */
import { firstDifference, portsSwapped, quotedPorts, type AnswerRule } from '../answers.js';
import { be16, be32 } from '../bytes.js';

/** What reply matching reads of an SCTP packet. */
export interface SctpAnswerView {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly verificationTag: number;
  /** The Initiate Tag of an INIT or INIT ACK chunk in the packet. */
  readonly initiateTag: number | undefined;
  /** An ABORT or SHUTDOWN COMPLETE with the T bit: the tag is the receiver's own, reflected. */
  readonly tagReflected: boolean;
}

/** The decoded SCTP fields the rule reads (sctp.ts's SctpFields has them). */
interface SctpHeadFields {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly verificationTag: number;
  readonly chunks?: readonly { readonly type: unknown; readonly initiateTag?: number; readonly flags?: unknown }[];
}

function viewOfFields(f: SctpHeadFields): SctpAnswerView {
  const chunks = f.chunks ?? [];
  const init = chunks.find((c) => c.type === 'init' || c.type === 'init-ack' || c.type === 1 || c.type === 2);
  const reflected = chunks.some(
    (c) =>
      (c.type === 'abort' || c.type === 'shutdown-complete') &&
      (Array.isArray(c.flags) ? c.flags.includes('tag-reflected') : typeof c.flags === 'number' && (c.flags & 1) !== 0),
  );
  return { srcPort: f.srcPort, dstPort: f.dstPort, verificationTag: f.verificationTag, initiateTag: init?.initiateTag, tagReflected: reflected };
}

/**
 * The tag the peer must use towards us: our INIT's Initiate Tag, or our own tag reflected (T
 * bit). Without an INIT in the request that tag is not in it: ports decide.
 */
function tagFor(r: SctpAnswerView, u: SctpAnswerView): string | undefined {
  const expected = u.tagReflected ? r.verificationTag : r.initiateTag;
  if (expected === undefined || u.verificationTag === expected) return undefined;
  return `verification tag 0x${u.verificationTag.toString(16)} differs (expected 0x${expected.toString(16)}${u.tagReflected ? ', reflected' : ''})`;
}

/** An SCTP reply: same ports swapped, with the tag the request asked for; an ICMP error quotes ports and tag. */
export const sctpAnswers: AnswerRule<SctpAnswerView, SctpHeadFields> = {
  what: 'an SCTP packet',
  view: viewOfFields,
  viewOfHead: (b) =>
    b.length >= 8 ? { srcPort: be16(b, 0), dstPort: be16(b, 2), verificationTag: be32(b, 4), initiateTag: undefined, tagReflected: false } : undefined,
  answers(request, reply) {
    const ports = portsSwapped(request, reply);
    if (ports) return ports;
    const tag = tagFor(request, reply);
    return tag === undefined ? { ok: true } : { ok: false, reason: tag };
  },
  quoteDiffers: (r, q) =>
    firstDifference([
      ...quotedPorts(r, q),
      ['verification tag', q.verificationTag, r.verificationTag],
    ]),
  describe: (v) => `sctp ${v.srcPort} > ${v.dstPort} vtag 0x${v.verificationTag.toString(16)}`,
};
