/**
 * Which packet answers which, per layer (Scapy's `answers()`): a protocol that has replies
 * declares an `AnswerRule` in its own file, as its codec's `answers`; the transport's matcher
 * (src/transport/request/match.ts) walks a request's and a candidate's layers and asks the codec
 * of the layer after the IP header. The rule works on a view of the decoded layer: its fields
 * by name, with numbers rather than names (`type: 0` whether the codec said 'echo-reply' or 0).
 *
 *   const answers: AnswerRule<UdpAnswerView, UdpFields> = { what: 'a UDP datagram', view: ..., answers: ..., ... };
 *   declare module '../types.js' {
 *     interface LayerTypes { udp: { fields: UdpFields; input: UdpInput } & BindingTypes<typeof binding> & AnswerTypes<typeof answers> }
 *   }
 *
 * Nothing here imports a protocol: the shared helpers below are what UDP, TCP and SCTP share.
 */

/** A decoded layer as the rules read the layers after theirs (a payload, a quoted datagram). */
export interface AnswerLayer {
  readonly layer: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** Does a packet answer a request: yes (and whether it may come from another address than the request went to), or why not. */
export type Answer = { readonly ok: true; readonly fromAnywhere?: boolean } | { readonly ok: false; readonly reason: string };

/**
 * How the packets of one protocol answer each other, declared once in the protocol's file and
 * set as its codec's `answers`. `V` is what matching reads of the layer (numbers, not names),
 * `F` the decoded fields it is read from.
 */
export interface AnswerRule<V extends object, F = Readonly<Record<string, unknown>>> {
  /** The layer's messages in a sentence: `a UDP datagram` (`a UDP datagram; the request was icmp`). */
  readonly what: string;
  /** What matching compares, from the decoded fields and the layers after this one (its payload). */
  view(fields: F, after: readonly AnswerLayer[]): V;
  /** The same from the first bytes of a header that an ICMP error quoted cut short (RFC 792: 8 bytes); undefined when too short. */
  viewOfHead(head: Uint8Array): V | undefined;
  /** Does `reply` (of this layer) answer `request` (of this layer)? */
  answers(request: V, reply: V): Answer;
  /** A quoted header (inside an error message) is the request's: undefined, or the first field that differs. */
  quoteDiffers(request: V, quoted: V): string | undefined;
  /** An error message that quotes the datagram that caused it, in the layers after it (ICMP errors)? */
  quotesRequest?(view: V): boolean;
  /** A short text for messages: `udp 53 > 5000`. */
  describe(view: V): string;
}

/** Source and destination ports, as UDP, TCP and SCTP views have them. */
export interface PortPair {
  readonly srcPort: number;
  readonly dstPort: number;
}

/** A reply goes back the way the request came: its ports are the request's, swapped. */
export function portsSwapped(request: PortPair, reply: PortPair): Answer | undefined {
  if (reply.srcPort !== request.dstPort) return { ok: false, reason: `source port differs (expected ${request.dstPort})` };
  if (reply.dstPort !== request.srcPort) return { ok: false, reason: `destination port differs (expected ${request.srcPort})` };
  return undefined;
}

/** The port checks of a quoted header against the request's (for `firstDifference`): the quote shows the ports as sent. */
export function quotedPorts(request: PortPair, quoted: PortPair): readonly (readonly [string, number, number])[] {
  return [
    ['source port', quoted.srcPort, request.srcPort],
    ['destination port', quoted.dstPort, request.dstPort],
  ];
}

/** The first of `[name, got, expected]` that differs (an undefined expectation is not checked), as `name got differs (expected e)`. */
export function firstDifference(checks: readonly (readonly [string, number | undefined, number | undefined])[]): string | undefined {
  for (const [name, got, expected] of checks) {
    if (expected !== undefined && got !== expected) return `${name} ${got} differs (expected ${expected})`;
  }
  return undefined;
}

/** The data bytes of a raw layer right after this one (TCP's segment data, an ICMPv6 body), if any. */
export function rawAfter(after: readonly AnswerLayer[]): Uint8Array | undefined {
  return after[0]?.layer === 'raw' ? (after[0].fields.data as Uint8Array) : undefined;
}
