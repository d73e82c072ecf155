/**
 * `rawcraft send [FILE|-] [--hex HEX ...] [--count N] [--interval MS]
 * [--transport raw|pcap:PATH|pcapng:PATH] [--iface IF] [--force] [--json]`: send packets read from pcap,
 * pcapng, hex lines or JSON lines (the `decode --json` format), and print a summary.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { LinkType, linkTypeForLayer } from '../capture/link-types.js';
import { decode } from '../codec/decode.js';
import { encodeLayers } from '../codec/encode.js';
import { RawcraftError } from '../codec/errors.js';
import { TransportError } from '../transport/errors.js';
import { PreflightError } from '../transport/preflight/index.js';
import { LINK_RULES } from '../transport/preflight/link.js';
import { outgoing } from '../transport/transports/outgoing.js';
import type { FramedBytes, NotHonoured, Transport } from '../transport/transport.js';
import { openTransport, type TransportOptions } from '../transport/transports/open-transport.js';
import { integer, parseCommandArgs, usageHint } from './args.js';
import { CliError, EXIT_FINDINGS, EXIT_OK } from './cli-error.js';
import type { CliContext } from './context.js';
import { readSendInput, type SendInput } from './send-input.js';
import { sendInBatches } from './send-batches.js';
import { fragmentForMtu, mtuOption } from './mtu-option.js';
import { SOCKET_FLAG_OPTIONS, SOCKET_FLAGS_USAGE, socketChoice, type SocketChoice } from './socket-flags.js';
import { inCliTerms } from './cli-terms.js';
import { fromOption, FROM_USAGE, linkHexNeedsInterface } from './from-option.js';
import type { LinkTransport } from '../transport/link/link-transport.js';
import { InputError } from '../codec/errors.js';
import { PLATFORM_NAMES, resolveContext } from '../transport/preflight/context.js';
import type { Finding } from '../transport/preflight/types.js';

export const SEND_USAGE = `send [EXPR|FILE|-] [--hex HEX ...] [--from LAYER] [--count N] [--rate PPS | --interval MS] [--transport raw|link|pcap:PATH|pcapng:PATH] [--iface IF]
      [--dst-mac MAC] [--src-mac MAC] [--no-pad]
      [--hdrincl | --no-hdrincl] [--ipv6-hdrincl on|off|auto] [--broadcast] [--sndbuf BYTES] [--platform NAME] [--force] [--mtu N] [--json]
      Send packets from an expression (ipv4(dst=127.0.0.1)/udp(dstPort=9)), pcap, pcapng, hex lines
      or JSON lines (decode --json); print sent, failed and rate. --count repeats the input N times;
      --rate paces to PPS packets a second over the whole run (scheduled from the start time),
      --interval waits MS between packets; neither (the default) sends in batches. A progress
      line on a terminal; Ctrl-C stops and still prints the summary. raw (the default) needs root or CAP_NET_RAW and sends
      IP datagrams (Ethernet / Linux cooked frames are unwrapped); pcap:PATH and pcapng:PATH append
      to the file (a new pcapng section; pcap records of the file's link type). link sends whole
      frames through libpcap exactly as built (IP datagrams get an Ethernet header: --iface or the
      route's interface, --src-mac or its MAC, --dst-mac or the next hop's found by ARP/NDP; no
      kernel rewrites; Ethernet frames under 60 bytes are padded with zeros, noted, unless
      --no-pad; pre-flight checks the interface, privileges and frame size). Bytes counted are
      whole IP datagrams (frames for a file). An expression that leaves the IP source out gets the
      address this host sends from towards the destination.
      ${FROM_USAGE}; the default is auto for raw and file transports and, for --transport link,
      frames of the --iface interface's link type (Ethernet), as Scapy's sendp: --from ipv4 or
      ipv6 sends hex IP datagrams through the link transport with an Ethernet header added.
      ${SOCKET_FLAGS_USAGE}
      Pre-flight checks each packet first, for the socket it will go out on (the same defaults and
      flags as rawcraft preflight; --platform NAME checks as that platform would): it refuses what
      the OS would reject or drop (error findings: the packet counts as failed, or, for the socket
      itself such as missing privileges, the command ends; --force makes the system call anyway)
      and only notes the rest: fields the kernel rewrites (note: ... not as
      built) and warnings (note: [CODE] ...), each once with a count. --mtu N fragments each IP
      datagram for a link MTU of N.`;

export interface SendArgs {
  readonly file: string | undefined;
  readonly hex: readonly string[];
  /** First layer of hex input (--from); undefined: auto, or the interface's frames for the link transport. */
  readonly from: string | undefined;
  readonly count: number;
  readonly intervalMs: number;
  /** Packets per second (0: unpaced). */
  readonly rate: number;
  readonly transport: TransportOptions;
  readonly json: boolean;
  /** --mtu: fragment each IP datagram for this link MTU. */
  readonly mtu?: number | undefined;
}

/** Per-packet failure lines printed before only new kinds of failure are (the summary counts them all). */
const FAILURES_SHOWN = 10;

/** Pre-flight findings about the socket or the process, not a packet: they end a send at once. */
const SOCKET_LEVEL_FINDINGS = new Set([
  'LINUX_CAP_NET_RAW',
  'MACOS_ROOT_REQUIRED',
  'WIN_ADMIN_REQUIRED',
  'WIN_PROTOCOL_ZERO',
  // The link transport's, about the interface or the process rather than one frame.
  ...LINK_RULES.filter((r) => r.scope === 'interface').map((r) => r.id),
]);

/**
 * Errors that end a send at once: a socket that cannot be opened at all (privileges, no such
 * interface), or pre-flight refusing the socket itself (not one packet): it would refuse every packet.
 */
function endsTheRun(error: unknown): boolean {
  if (error instanceof TransportError) return ['socket', 'setsockopt', 'dlopen', 'if_nametoindex'].includes(error.syscall);
  return error instanceof PreflightError && error.findings.some((f) => f.severity === 'error' && SOCKET_LEVEL_FINDINGS.has(f.code));
}

/** What the raw transport takes from the command line besides the transport kind. */
export interface RawFlags {
  readonly iface?: string;
  readonly force?: boolean;
  readonly socket?: SocketChoice;
  readonly platform?: string;
}

/** What the link transport takes from the command line besides --iface. */
export interface LinkFlags {
  readonly dstMac?: string;
  readonly srcMac?: string;
  /** --no-pad: send Ethernet frames under 60 bytes short. */
  readonly noPad?: boolean;
}

/** `raw`, `link`, `pcap:PATH` or `pcapng:PATH` to transport options (files are appended to). */
export function parseTransportSpec(text: string, raw: RawFlags = {}, link: LinkFlags = {}): TransportOptions {
  const m = /^(raw|link|pcap|pcapng)(?::(.+))?$/.exec(text);
  if (!m) throw new CliError(`send: --transport ${JSON.stringify(text)}: expected raw, link, pcap:PATH or pcapng:PATH`);
  const [, kind, path] = m;
  const linkOnly = [link.dstMac !== undefined && '--dst-mac', link.srcMac !== undefined && '--src-mac', link.noPad && '--no-pad'].filter(Boolean);
  if (kind !== 'link' && linkOnly.length) throw new CliError(`send: ${linkOnly.join(', ')} apply to --transport link only`);
  if (kind === 'link') {
    if (path !== undefined) throw new CliError('send: --transport link takes no path (name the interface with --iface)');
    const rawOnly = Object.keys(raw.socket ?? {}).length > 0 && 'the socket flags';
    if (rawOnly) throw new CliError(`send: ${rawOnly} apply to --transport raw only (the link transport sends frames exactly as built)`);
    return {
      kind: 'link',
      ...(raw.iface !== undefined && { interface: raw.iface }),
      ...(link.dstMac !== undefined && { nextHopMac: link.dstMac }),
      ...(link.srcMac !== undefined && { sourceMac: link.srcMac }),
      ...(link.noPad && { pad: false }),
      ...(raw.force && { force: true }),
      ...(raw.platform !== undefined && { context: { platform: raw.platform } }),
    };
  }
  if (kind === 'raw') {
    if (path !== undefined) throw new CliError('send: --transport raw takes no path');
    return {
      kind: 'raw',
      ...raw.socket,
      ...(raw.iface !== undefined && { interface: raw.iface }),
      ...(raw.force && { force: true }),
      ...(raw.platform !== undefined && { context: { platform: raw.platform } }),
    };
  }
  if (path === undefined) throw new CliError(`send: --transport ${kind} needs a file: ${kind}:PATH`);
  const rawOnly = [raw.iface !== undefined && '--iface', raw.platform !== undefined && '--platform', Object.keys(raw.socket ?? {}).length > 0 && 'the socket flags'].filter(Boolean);
  if (rawOnly.length) throw new CliError(`send: ${rawOnly.join(', ')} apply to --transport raw only`);
  return { kind: kind as 'pcap' | 'pcapng', path, append: true };
}

export function parseSendArgs(argv: readonly string[]): SendArgs {
  const { values, positionals } = parseCommandArgs(argv, {
    allowPositionals: true,
    options: {
      hex: { type: 'string', multiple: true },
      from: { type: 'string' },
      count: { type: 'string' },
      interval: { type: 'string' },
      rate: { type: 'string' },
      transport: { type: 'string' },
      iface: { type: 'string' },
      'dst-mac': { type: 'string' },
      'src-mac': { type: 'string' },
      'no-pad': { type: 'boolean' },
      platform: { type: 'string' },
      json: { type: 'boolean' },
      force: { type: 'boolean' },
      mtu: { type: 'string' },
      ...SOCKET_FLAG_OPTIONS,
    },
  }, 'send: ', usageHint(SEND_USAGE));
  if (positionals.length > 1) throw new CliError(`send: expected at most one EXPR or FILE, got ${positionals.join(' ')} (quote the expression)`);
  const hex = values.hex ?? [];
  if (values.rate !== undefined && values.interval !== undefined) throw new CliError('send: give one of --rate and --interval');
  let rate = 0;
  if (values.rate !== undefined) {
    rate = Number(values.rate);
    if (!/^\d+(\.\d+)?$/.test(values.rate) || !(rate > 0) || rate > 10_000_000) throw new CliError(`send: --rate ${JSON.stringify(values.rate)}: expected packets per second, a number above 0 and at most 10000000`);
  }
  if (values.platform !== undefined) checkPlatform('send', values.platform);
  return {
    file: positionals[0] ?? (hex.length ? undefined : '-'),
    hex,
    from: fromOption('send', values.from),
    count: integer('send', '--count', values.count, 1, 1, 1e9),
    intervalMs: integer('send', '--interval', values.interval, 0, 0, 3_600_000),
    rate,
    transport: parseTransportSpec(values.transport ?? 'raw', {
      ...(values.iface !== undefined && { iface: values.iface }),
      force: !!values.force,
      socket: socketChoice('send', values),
      ...(values.platform !== undefined && { platform: values.platform }),
    }, {
      ...(values['dst-mac'] !== undefined && { dstMac: values['dst-mac'] }),
      ...(values['src-mac'] !== undefined && { srcMac: values['src-mac'] }),
      ...(values['no-pad'] && { noPad: true }),
    }),
    json: !!values.json,
    mtu: mtuOption('send', values.mtu),
  };
}

/** A --platform name pre-flight knows, or CliError (exit 2) listing them. */
export function checkPlatform(command: string, platform: string): void {
  try {
    resolveContext({ platform });
  } catch (error) {
    if (error instanceof InputError) throw new CliError(`${command}: ${error.message} (known: ${PLATFORM_NAMES.join(', ')})`);
    throw error;
  }
}

export async function sendCommand(argv: readonly string[], io: CliContext): Promise<number> {
  const args = parseSendArgs(argv);
  // Ctrl-C is ours from the start (reading the input, route lookups included): it stops the run, which still prints its summary.
  const interrupt = { stop: false };
  const onSigint = () => {
    interrupt.stop = true;
  };
  process.on('SIGINT', onSigint);
  try {
    return await send(args, io, interrupt);
  } catch (error) {
    // Library errors name library options ({ force: true }); say the flags instead.
    if (error instanceof RawcraftError && !(error instanceof CliError)) throw new CliError(inCliTerms(error.message));
    throw error;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

async function send(args: SendArgs, io: CliContext, interrupt: { readonly stop: boolean }): Promise<number> {
  const raw = args.transport.kind === 'raw';
  // The link transport tells what a frame on --iface starts with, so it opens before the input
  // is read; the others open after it (a failed read must leave no output file behind).
  const link = args.transport.kind === 'link' ? openTransport(args.transport) : undefined;
  const firstLayerOf = textLayers(args, link);
  const packets: FramedBytes[] = [];
  try {
    for await (const input of readSendInput(args.file, args.hex, io.stdin, args.from)) {
      const p = raw ? ipDatagram(input) : { bytes: input.bytes, firstLayer: await firstLayerOf(input) };
      if (args.mtu === undefined) packets.push(p);
      else for (const bytes of fragmentForMtu('send', p.bytes, p.firstLayer, args.mtu, { nonZeroId: raw })) packets.push({ bytes, firstLayer: p.firstLayer });
    }
    if (packets.length === 0) throw new CliError('send: no packets in the input');
    if (raw) {
      const bad = packets.findIndex((p) => outgoing(p).ip === undefined);
      if (bad >= 0) throw new CliError(`send: packet ${bad}: not an IPv4 or IPv6 datagram; raw sockets send IP (use --transport pcap:PATH or pcapng:PATH for other frames)`);
    }
  } catch (error) {
    await link?.close();
    throw error;
  }
  const transport = link ?? openTransport(args.transport);

  let sent = 0;
  let failed = 0;
  let bytes = 0;
  let retries = 0;
  const notes = new Map<string, NotHonoured & { count: number }>();
  const note = (n: NotHonoured) => {
    const key = `${n.layer}.${n.field}: ${n.reason}`;
    const seen = notes.get(key);
    if (seen) seen.count++;
    else notes.set(key, { ...n, count: 1 });
  };
  // Pre-flight warnings (and errors --force overrode): noted once each, with a count.
  const findings = new Map<string, Finding & { count: number }>();
  const noteFinding = (f: Finding) => {
    const key = `${f.code}: ${f.message}`;
    const seen = findings.get(key);
    if (seen) seen.count++;
    else findings.set(key, { ...f, count: 1 });
  };
  // Bytes sent are whole IP datagrams (whole frames for a file), counted here alone.
  const countSent = (index: number) => {
    bytes += packets[index].bytes.length;
  };
  /** Failures by kind (errno name, or error code): the summary reports them all. */
  const failures = new Map<string, number>();
  let quieted = false;
  // A copy of input packet `index` failed. The error is made only to be shown: an interface
  // gone down fails every packet, so show the first few and each new kind, count the rest.
  const countFailure = (index: number, kind: string, error: () => unknown) => {
    failed++;
    const before = failures.get(kind) ?? 0;
    failures.set(kind, before + 1);
    if (failed <= FAILURES_SHOWN || before === 0) io.error(`rawcraft: send: packet ${index}: ${inCliTerms((error() as Error).message)}`);
    else if (!quieted) {
      quieted = true;
      io.error('rawcraft: send: further failures of a kind already shown are only counted (see the summary)');
    }
  };
  const fail = (index: number, error: unknown) => {
    if (endsTheRun(error) || !(error instanceof RawcraftError)) throw error;
    countFailure(index, error instanceof TransportError ? error.errnoName : error.code, () => error);
  };
  const sendOne = async (i: number) => {
    try {
      const r = await transport.send(packets[i]);
      sent++;
      countSent(i);
      retries += r.retries;
      r.notHonoured.forEach(note);
      r.findings?.forEach(noteFinding);
    } catch (error) {
      fail(i, error);
    }
  };
  let started = performance.now();
  let ended: number | undefined;
  let lastProgress = 0;
  const progress = (force = false) => {
    if (!io.progress) return;
    const now = performance.now();
    if (!force && now - lastProgress < 200) return;
    lastProgress = now;
    const secs = (now - started) / 1000;
    io.progress(`sent ${sent}, failed ${failed}, ${secs > 0 ? Math.round(sent / secs) : 0} packets/s`);
  };
  const total = args.count * packets.length;
  // Paced: packet k is due at started + k * period (so the rate holds over the run, whatever each send costs).
  const periodMs = args.rate > 0 ? 1000 / args.rate : args.intervalMs;
  try {
    // Pre-flight, routes and sockets before the clock starts, as the C loop opens its socket
    // before its timer: the clock then measures sending, and a socket that cannot be opened
    // (privileges, an interface) ends the run before anything went out. What else prepare()
    // runs into is left for the sends, which count it.
    try {
      await transport.prepare?.(packets);
    } catch (error) {
      if (endsTheRun(error) || !(error instanceof RawcraftError)) throw error;
    }
    started = performance.now();
    if (periodMs === 0 && (args.transport.kind === 'raw' || args.transport.kind === 'link')) {
      await sendInBatches(transport, packets, args.count, {
        sent: (r, sentBytes) => {
          sent += r.sent;
          bytes += sentBytes;
          retries += r.retries;
          if (r.notHonoured.length > 0) r.notHonoured.forEach(note);
          if (r.findings !== undefined && r.findings.length > 0) r.findings.forEach(noteFinding);
        },
        failed: countFailure,
        sendOne,
        endsRun: endsTheRun,
        between: async () => {
          progress();
          // Let a Ctrl-C in.
          await new Promise((resolve) => setImmediate(resolve));
        },
        interrupt,
      });
    } else {
      // One at a time: paced, or into a file (whose sendMany is a loop of sends anyway).
      for (let k = 0; k < total && !interrupt.stop; k++) {
        const wait = periodMs > 0 ? started + k * periodMs - performance.now() : 0;
        if (wait > 1) await sleep(wait);
        else if (k % 256 === 255) await new Promise((resolve) => setImmediate(resolve));
        if (interrupt.stop) break;
        await sendOne(k % packets.length);
        progress();
      }
    }
    // The clock stops when the last packet went out, before the sockets close, as the C loop's
    // does; closing a file still writes, so there it runs on until the file is closed.
    if (args.transport.kind === 'raw' || args.transport.kind === 'link') ended = performance.now();
  } finally {
    if (io.progress) io.progress('');
    await transport.close();
  }
  const durationMs = (ended ?? performance.now()) - started;
  const rate = durationMs > 0 ? (sent * 1000) / durationMs : 0;
  const where = args.transport.kind === 'raw' ? 'raw sockets' : args.transport.kind === 'link' ? 'the link layer' : `${args.transport.kind} file ${args.transport.path}`;
  if (args.json) {
    const summary = { sent, failed, failures: Object.fromEntries(failures), bytes, interrupted: interrupt.stop, ...(args.rate > 0 && { targetRate: args.rate }), durationMs: round3(durationMs), packetsPerSecond: Math.round(rate), retries, transport: args.transport.kind, notHonoured: [...notes.values()].map((n) => ({ ...n, reason: inCliTerms(n.reason) })), findings: [...findings.values()].map((f) => ({ ...f, message: inCliTerms(f.message), remedy: inCliTerms(f.remedy) })) };
    await io.write(JSON.stringify(summary) + '\n');
  } else {
    const lines = [`${interrupt.stop ? 'interrupted: ' : ''}sent ${sent} packet${sent === 1 ? '' : 's'} (${bytes} bytes) through ${where} in ${round3(durationMs)} ms (${Math.round(rate)} packets/s${args.rate > 0 ? `, target ${args.rate}` : ''}), ${failed} failed${failed ? ` (${[...failures].map(([kind, n]) => `${kind} ${n}`).join(', ')})` : ''}, ${retries} backpressure retries`];
    for (const n of notes.values()) lines.push(`note: ${n.layer}.${n.field} not as built in ${n.count} packet${n.count === 1 ? '' : 's'}: ${inCliTerms(n.reason)}`);
    // What the OS rewrote on a raw socket, the link transport sends as built.
    if (args.transport.kind === 'raw' && [...notes.values()].some((n) => n.layer === 'ipv4' || n.layer === 'ipv6')) lines.push('note: --transport link sends the IP header exactly as built (whole frames through libpcap, no kernel rewrites)');
    for (const f of findings.values()) lines.push(`note: [${f.code}] ${f.severity} in ${f.count} packet${f.count === 1 ? '' : 's'}: ${inCliTerms(f.message)} ${inCliTerms(f.remedy)}`);
    await io.write(lines.join('\n') + '\n');
  }
  return failed ? EXIT_FINDINGS : EXIT_OK;
}

/**
 * The first layer of each input packet: what the input says, or for hex input without --from
 * (`auto`) through the link transport, a frame of the --iface interface's link type, as Scapy's
 * sendp reads bytes: a guess from the first nibble would take a MAC beginning with 4 or 6 for
 * an IP version. Other transports keep `auto` (IPv4 or IPv6 by the version nibble).
 */
function textLayers(args: SendArgs, transport: Transport | undefined): (input: SendInput) => Promise<string> {
  if (args.transport.kind !== 'link' || args.from !== undefined || transport === undefined) return async (input) => input.from;
  const iface = args.transport.interface;
  let frameLayer: string | undefined;
  return async (input) => {
    if (input.from !== 'auto') return input.from;
    if (iface === undefined) throw new CliError(linkHexNeedsInterface('send', input.index));
    frameLayer ??= (transport as LinkTransport).frameLayer(iface);
    return frameLayer;
  };
}

/** Raw sockets send IP datagrams: unwrap link-layer frames (Ethernet, cooked, loopback...; the IP layers re-encode to the same bytes). */
function ipDatagram(input: SendInput): FramedBytes {
  if (linkTypeForLayer(input.from) === LinkType.RAW) return { bytes: input.bytes, firstLayer: input.from };
  const layers = decode(input.bytes, { from: input.from, mode: 'lax' }).layers;
  const ip = layers.findIndex((l) => l.layer === 'ipv4' || l.layer === 'ipv6');
  if (ip < 0) throw new CliError(`send: packet ${input.index}: a ${input.from} frame without an IP datagram cannot go through raw sockets; use --transport pcap:PATH or pcapng:PATH`);
  return { bytes: encodeLayers(layers.slice(ip)), firstLayer: layers[ip].layer };
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
