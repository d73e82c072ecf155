/**
 * A decoded packet reduced to what request/reply matching compares: the IP parts read here, the
 * layer after the IP header read by its codec's answer rule (fields by name, numbers rather than
 * names: `type: 0` whether the codec said 'echo-reply' or 0). Where the codec left the bytes of
 * that header undecoded (a quote cut after 8 bytes) the rule reads them (`viewOfHead`).
 */
import { codecByName } from '../../codec/registry.js';
import { IPV6_EXTENSION_LAYERS } from '../../codec/protocols/ipv6-chain.js';
import type { AnswerLayer, AnswerRule } from '../../codec/answers.js';
import type { AnswerView, Layer } from '../../codec/types.js';
import { layerForProtocol } from './received.js';

/**
 * The header after the IP header(s), as its codec's answer rule reads it (see codec/answers.ts):
 * one variant per protocol with an `answers` rule, and `other` for the rest. An error message
 * (ICMP) carries the view of the datagram it quotes; a layer carrying another that has a rule,
 * that layer's view.
 */
export type UpperView =
  | (AnswerView & {
      /** The datagram an error message quotes (layers whose rule has `quotesRequest`). */
      readonly quote?: DatagramView | undefined;
      /** The layer this one carries, when that layer has an answer rule too (SCTP over UDP). */
      readonly payload?: UpperView;
    })
  | { readonly layer: 'other'; readonly protocol: number | undefined; readonly head: Uint8Array };

/** The parts of a datagram that request matching looks at: family, addresses, protocol, IP id, TTL, the upper layer. */
export interface DatagramView {
  readonly family: 4 | 6 | undefined;
  /** Undefined when the IP header was not delivered (IPv6 raw sockets) and nobody said. */
  readonly src: string | undefined;
  readonly dst: string | undefined;
  /** The upper-layer protocol number (after IPv6 extension headers). */
  readonly protocol: number | undefined;
  /** IPv4 identification. */
  readonly ipId: number | undefined;
  /** IPv4 TTL or IPv6 hop limit, when the header is there. */
  readonly ttl: number | undefined;
  readonly upper: UpperView | undefined;
}

const IPV6_EXTENSIONS: ReadonlySet<string> = new Set(IPV6_EXTENSION_LAYERS);

/**
 * The answer rule of a layer's codec, if it has one. Its methods take `never`: each rule reads
 * only views of its own layer, which its own `view` or `viewOfHead` made (the callers pass
 * those, `as never`), and this file knows no protocol's view type.
 */
export function answerRuleOf(layer: string): AnswerRule<object, never> | undefined {
  return codecByName(layer)?.answers;
}

/**
 * The layers from the IP header on, when link-layer headers (Ethernet, cooked, loopback, 802.11,
 * LLC...: layers no IP protocol number or port selects) come first, as in captured frames.
 */
function withoutLinkHeader(list: readonly AnswerLayer[]): readonly AnswerLayer[] {
  if (list[0]?.layer === 'ipv4' || list[0]?.layer === 'ipv6') return list;
  const ip = list.findIndex((l) => l.layer === 'ipv4' || l.layer === 'ipv6');
  if (ip <= 0) return list;
  const linkOnly = list.slice(0, ip).every((l) => {
    const codec = codecByName(l.layer);
    return codec !== undefined && codec.name !== 'raw' && codec.ipProtocol === undefined && codec.udpPort === undefined;
  });
  return linkOnly ? list.slice(ip) : list;
}

/**
 * The view of decoded layers that request matching uses (addresses, protocol, ports, ICMP ids).
 * `known` fills in what the layers lack: the family, source and protocol of an IPv6 payload
 * delivered without its header.
 * @example
 * {@includeCode ../../../examples/api-transport.ts#matching}
 */
export function viewOf(
  layers: readonly Layer[] | readonly AnswerLayer[],
  known: { family?: 4 | 6 | undefined; src?: string; protocol?: number | undefined } = {},
): DatagramView {
  const list = withoutLinkHeader(layers as readonly AnswerLayer[]);
  let i = 0;
  let family = known.family;
  let src = known.src || undefined;
  let dst: string | undefined;
  let protocol = known.protocol;
  let ipId: number | undefined;
  let ttl: number | undefined;
  const first = list[0];
  if (first?.layer === 'ipv4') {
    const f = first.fields;
    family = 4;
    src = f.src as string;
    dst = f.dst as string;
    protocol = f.protocol as number;
    ipId = f.id as number;
    ttl = f.ttl as number;
    i = 1;
  } else if (first?.layer === 'ipv6') {
    const f = first.fields;
    family = 6;
    src = f.src as string;
    dst = f.dst as string;
    protocol = f.nextHeader as number;
    ttl = f.hopLimit as number;
    i = 1;
    while (i < list.length && IPV6_EXTENSIONS.has(list[i].layer)) {
      protocol = list[i].fields.nextHeader as number | undefined;
      i++;
    }
  }
  const upperLayer = list[i];
  if (upperLayer && upperLayer.layer !== 'raw') protocol = codecByName(upperLayer.layer)?.ipProtocol ?? protocol;
  const upper = upperLayer ? upperOf(upperLayer, list, i, protocol) : undefined;
  return { family, src, dst, protocol, ipId, ttl, upper };
}

/** The upper layer as its codec's answer rule reads it; from its first bytes when the codec left them raw (a quote cut short). */
function upperOf(l: AnswerLayer, list: readonly AnswerLayer[], index: number, protocol: number | undefined): UpperView {
  if (l.layer === 'raw') {
    const head = l.fields.data as Uint8Array;
    const layer = protocol === undefined ? 'raw' : layerForProtocol(protocol);
    const view = answerRuleOf(layer)?.viewOfHead(head);
    return view ? ({ layer, ...view } as UpperView) : { layer: 'other', protocol, head: head.subarray(0, 8) };
  }
  const rule = answerRuleOf(l.layer);
  if (!rule) return { layer: 'other', protocol, head: new Uint8Array(0) };
  const after: readonly AnswerLayer[] = list.slice(index + 1);
  const view = rule.view(l.fields as never, after);
  const quotes = rule.quotesRequest?.(view) === true;
  const quote = quotes && after.length > 0 ? viewOf(after) : undefined;
  // The layer it carries, when that has a rule of its own (SCTP over UDP): match.ts asks it too.
  const next = list[index + 1];
  const payload = !quotes && next && next.layer !== 'raw' && answerRuleOf(next.layer) ? upperOf(next, list, index + 1, undefined) : undefined;
  return { layer: l.layer, ...view, ...(rule.quotesRequest && { quote }), ...(payload && { payload }) } as UpperView;
}

/** Short text for a view, e.g. `icmp echo-reply id 7 seq 2 from 127.0.0.1`. */
export function describe(v: DatagramView): string {
  const from = v.src ? ` from ${v.src}` : '';
  const u = v.upper;
  if (!u) return `${v.family ? `IPv${v.family} ` : ''}packet${from} with nothing after the IP header`;
  const rule = u.layer === 'other' ? undefined : answerRuleOf(u.layer);
  if (!rule) return `protocol ${u.layer === 'other' ? (u.protocol ?? '?') : u.layer} packet${from}`;
  return `${rule.describe(u as never)}${from}`;
}
