/**
 * `rawcraft sr EXPR [--timeout S] [--retry N] [--iface IF] [--transport raw] [--force] [--json]`:
 * send every packet of an expression (ranges expanded) and match the answers, like Scapy's
 * sr(): answered and unanswered pairs, and for TCP SYNs a port summary (nmap's states).
 */
import { encodeLayers } from '../codec/encode.js';
import { expand } from '../expr/expand.js';
import { describe, type DatagramView } from '../transport/request/datagram-view.js';
import { requestMany, type AnsweredRequest, type UnansweredRequest } from '../transport/request/request-many.js';
import { withRouteSource } from '../transport/transports/source.js';
import { openTransport } from '../transport/transports/open-transport.js';
import { integer, listOrNone, parseCommandArgs, SEE_HELP } from './args.js';
import { CliError, EXIT_FINDINGS, EXIT_OK } from './cli-error.js';
import type { CliContext } from './context.js';
import { parseTransportSpec, type RawFlags } from './send-command.js';
import { SOCKET_FLAG_OPTIONS, SOCKET_FLAGS_USAGE, socketChoice } from './socket-flags.js';

export const SR_USAGE = `sr EXPR [--timeout S] [--retry N] [--iface IF] [--hdrincl | --no-hdrincl] [--ipv6-hdrincl on|off|auto] [--broadcast] [--sndbuf BYTES] [--force] [--json]
      Send each packet of EXPR (ranges expanded: dstPort=20-25) through raw sockets and match
      the answers (a reply of the same protocol, or an ICMP error quoting the request), like
      Scapy's sr(): answered and unanswered packets, and for TCP SYNs a port summary: open
      (SYN-ACK), closed (RST), filtered (an ICMP error, or nothing). --timeout: seconds to wait
      after the last send (default 2); --retry N: send the unanswered again N times. JSON lines
      with --json. Ctrl-C stops and prints what was matched. Exit 0 when something answered,
      1 when nothing did. --iface, --force and the socket flags as for send:
      ${SOCKET_FLAGS_USAGE}`;

export async function srCommand(argv: readonly string[], io: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    allowPositionals: true,
    options: {
      timeout: { type: 'string' },
      retry: { type: 'string' },
      iface: { type: 'string' },
      transport: { type: 'string' },
      force: { type: 'boolean' },
      json: { type: 'boolean' },
      ...SOCKET_FLAG_OPTIONS,
    },
  }, 'sr: ', SEE_HELP);
  if (positionals.length !== 1) throw new CliError(`sr: expected one EXPR (quote it), got ${listOrNone(positionals)}; usage: rawcraft sr EXPR ... (see rawcraft help)`);
  const timeoutMs = seconds(values.timeout);
  const retry = integer('sr', '--retry', values.retry, 0, 0, 100);
  const spec = srTransport(values.transport, { ...(values.iface !== undefined && { iface: values.iface }), force: !!values.force, socket: socketChoice('sr', values) });
  if (spec.kind !== 'raw') throw new CliError('sr: --transport must be raw: answers come only through raw sockets (use send for capture files)');
  const packets: { bytes: Buffer; firstLayer: string }[] = [];
  for (const parsed of expand(positionals[0])) {
    if (parsed[0].layer !== 'ipv4' && parsed[0].layer !== 'ipv6') throw new CliError(`sr: the expression must start with ipv4 or ipv6 (raw sockets send IP datagrams), not ${parsed[0].layer}`);
    // A source left out is the one this host sends from towards the destination (as send does).
    const { layers, unrouted } = await withRouteSource(parsed);
    if (unrouted !== undefined) throw new CliError(`sr: no route to ${unrouted} (give src= to choose the source)`);
    packets.push({ bytes: encodeLayers(layers, { onWarning: (w) => io.error(`rawcraft: warning: ${w.message}`) }), firstLayer: layers[0].layer });
  }
  const json = !!values.json;
  const transport = openTransport(spec);
  // Ctrl-C stops sending and waiting; what was matched so far is still printed.
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  process.once('SIGINT', onSigint);
  let result;
  try {
    result = await requestMany(transport, packets, { timeoutMs, retry, signal: interrupt.signal });
  } finally {
    process.off('SIGINT', onSigint);
    await transport.close();
  }
  const lines: string[] = [];
  for (const a of result.answered) lines.push(json ? JSON.stringify(answeredJson(a)) : `answered ${a.index}: ${oneLine(a.request)} ==> ${describe(a.view)}${a.answer === 'icmp-error' ? ' (ICMP error)' : ''} in ${ms(a.rttMs)} ms`);
  for (const u of result.unanswered) lines.push(json ? JSON.stringify(unansweredJson(u)) : `unanswered ${u.index}: ${oneLine(u.request)}${u.error ? ` (not sent: ${u.error.message})` : ''}`);
  const ports = portSummary(result.answered, result.unanswered);
  if (ports.length) {
    if (json) for (const p of ports) lines.push(JSON.stringify({ event: 'port', ...p }));
    else {
      lines.push('PORT STATE REASON (TCP SYN)');
      for (const p of ports) lines.push(`${p.address} ${p.port}/tcp ${p.state} ${p.reason}`);
    }
  }
  const summary = { sent: packets.length, answered: result.answered.length, unanswered: result.unanswered.length, unmatched: result.unmatched, retry, timeoutMs };
  lines.push(json ? JSON.stringify({ event: 'summary', ...summary }) : `sent ${summary.sent}, answered ${summary.answered}, unanswered ${summary.unanswered}, other packets received ${summary.unmatched}`);
  await io.write(lines.join('\n') + '\n');
  return result.answered.length > 0 ? EXIT_OK : EXIT_FINDINGS;
}

/** send's --transport, --iface, --force and socket flags, with errors named for sr. */
function srTransport(text: string | undefined, raw: RawFlags): ReturnType<typeof parseTransportSpec> {
  try {
    return parseTransportSpec(text ?? 'raw', raw);
  } catch (error) {
    if (error instanceof CliError) throw new CliError(error.message.replace(/^send:/, 'sr:'), error.exitCode);
    throw error;
  }
}

/** `--timeout S`: seconds (decimals allowed), like Scapy's timeout. */
function seconds(text: string | undefined): number {
  if (text === undefined) return 2000;
  const s = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || s > 3600) throw new CliError(`sr: --timeout ${JSON.stringify(text)}: expected seconds, a number 0..3600 (e.g. 0.5)`);
  return Math.round(s * 1000);
}

const oneLine = (v: DatagramView): string => `${describe(v)}${v.dst ? ` to ${v.dst}` : ''}`;
const ms = (n: number): number => Math.round(n * 1000) / 1000;

function answeredJson(a: AnsweredRequest): Record<string, unknown> {
  return { event: 'answered', index: a.index, request: oneLine(a.request), answer: describe(a.view), kind: a.answer, rttMs: ms(a.rttMs), attempts: a.attempts, reply: Buffer.from(a.reply.bytes).toString('hex') };
}

function unansweredJson(u: UnansweredRequest): Record<string, unknown> {
  // error: null when the request went out (JSON fields are never left out, one type each).
  return { event: 'unanswered', index: u.index, request: oneLine(u.request), attempts: u.attempts, error: u.error?.message ?? null };
}

export interface PortState {
  readonly address: string;
  readonly port: number;
  /** nmap's words: open (SYN-ACK), closed (RST), filtered (an ICMP error, or no answer). */
  readonly state: 'open' | 'closed' | 'filtered';
  readonly reason: string;
}

/** For TCP SYN requests (no ACK), each destination port's state, in request order. */
export function portSummary(answered: readonly AnsweredRequest[], unanswered: readonly UnansweredRequest[]): PortState[] {
  const isSyn = (v: DatagramView) => v.upper?.layer === 'tcp' && v.upper.flags.includes('syn') && !v.upper.flags.includes('ack');
  const out: { index: number; state: PortState }[] = [];
  const port = (v: DatagramView) => (v.upper?.layer === 'tcp' ? v.upper.dstPort : -1);
  for (const a of answered) {
    if (!isSyn(a.request)) continue;
    const u = a.view.upper;
    const state: PortState['state'] = a.answer === 'icmp-error' ? 'filtered' : u?.layer === 'tcp' && u.flags.includes('syn') && u.flags.includes('ack') ? 'open' : 'closed';
    const reason = a.answer === 'icmp-error' && (u?.layer === 'icmp' || u?.layer === 'icmpv6') ? `${u.layer} ${u.typeName} code ${u.code}` : state === 'open' ? 'syn-ack' : 'rst';
    out.push({ index: a.index, state: { address: a.request.dst ?? '?', port: port(a.request), state, reason } });
  }
  for (const u of unanswered) if (isSyn(u.request)) out.push({ index: u.index, state: { address: u.request.dst ?? '?', port: port(u.request), state: 'filtered', reason: 'no-response' } });
  return out.sort((a, b) => a.index - b.index).map((x) => x.state);
}
