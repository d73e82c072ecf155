/**
 * `rawcraft preflight [FILE|-|EXPR] [--hex HEX] [--platform NAME] [--elevated | --unprivileged]
 * [--hdrincl | --no-hdrincl] [--ipv6-hdrincl on|off|auto] [--broadcast] [--source-addresses A,B] [--json]`:
 * the pre-flight findings for each packet; exit 1 when any finding is an error.
 *
 * Each packet is a whole IP datagram (as `decode` reads it; Ethernet and Linux cooked frames
 * are unwrapped), checked for the socket `send` would open for it with the same flags: the
 * defaults and the choice are send-socket.ts's, shared with the raw transport.
 */
import { InputError } from '../codec/errors.js';
import { platformName, resolveContext, PLATFORM_NAMES } from '../transport/preflight/context.js';
import { formatFinding, hasErrors, preflight } from '../transport/preflight/preflight.js';
import { protocolName } from '../transport/preflight/rules.js';
import type { Finding, PreflightContextInput, PreflightPacket, SocketSettings } from '../transport/preflight/types.js';
import { parseCommandArgs, usageHint } from './args.js';
import { inCliTerms } from './cli-terms.js';
import { CliError, EXIT_FINDINGS, EXIT_OK } from './cli-error.js';
import type { CliContext } from './context.js';
import { readSendInput, type SendInput } from './send-input.js';
import { fromOption, FROM_USAGE, linkHexNeedsInterface } from './from-option.js';
import { layerForLinkType } from '../codec/decode.js';
import { SOCKET_FLAG_OPTIONS, SOCKET_FLAGS_USAGE, socketChoice, type SocketChoice } from './socket-flags.js';
import { includesHeader, sendSocket } from '../transport/transports/send-socket.js';
import { ipFacts } from '../transport/ip-header.js';
import { resolveLinkContext, runLinkRules, type LinkPreflightContext } from '../transport/preflight/link.js';
import { kernelRouteLookup } from '../transport/link/route-table.js';

export const PREFLIGHT_USAGE = `preflight [EXPR|FILE|-] [--hex HEX ...] [--from LAYER] [--platform NAME] [--elevated | --unprivileged] [--hdrincl | --no-hdrincl] [--ipv6-hdrincl on|off|auto] [--broadcast] [--sndbuf BYTES] [--source-addresses A,B]
      [--transport raw|link] [--iface IF] [--no-pad] [--json]
      Pre-flight findings for each IP datagram on a platform (this machine unless --platform:
      ${['windows-11', 'windows-10', 'windows-7', 'windows-server-2008r2', 'windows-server-2022', 'linux', 'macos'].join(', ')}, ...),
      for the socket rawcraft send would open with the same flags (send's defaults when none);
      exit 1 when any finding is an error.
      ${FROM_USAGE}; as for send, the default is auto, and with --transport link frames of the
      --iface interface's link type.
      ${SOCKET_FLAGS_USAGE}
      --transport link checks each packet as send --transport link would send it: the frame
      (IP datagrams with an Ethernet header added) on --iface IF (default: the route's interface):
      libpcap, interface up, privileges (CAP_NET_RAW, /dev/bpf*, Npcap's Administrators-only
      mode), MTU, Ethernet minimum (padded unless --no-pad).`;

export interface PreflightArgs {
  readonly file: string | undefined;
  readonly hex: readonly string[];
  /** First layer of hex input (--from), as for send. */
  readonly from: string | undefined;
  readonly platform: string | undefined;
  /** true: --elevated, false: --unprivileged, undefined: detected (or elevated for another platform). */
  readonly elevated: boolean | undefined;
  /** The socket flags, as for `send`. */
  readonly socket: SocketChoice;
  /** --source-addresses: the local interface addresses. */
  readonly sourceAddresses: readonly string[] | undefined;
  /** --transport link: the link transport's rules, on this interface (undefined: the route's), padding or not. */
  readonly link: { readonly iface: string | undefined; readonly pad: boolean } | undefined;
  readonly json: boolean;
}

/** Parse the command's arguments (after `preflight`). Throws CliError (exit 2) on bad ones. */
export function parsePreflightArgs(argv: readonly string[]): PreflightArgs {
  const { values, positionals } = parseCommandArgs(argv, {
    allowPositionals: true,
    options: {
      hex: { type: 'string', multiple: true },
      from: { type: 'string' },
      platform: { type: 'string' },
      elevated: { type: 'boolean' },
      unprivileged: { type: 'boolean' },
      ...SOCKET_FLAG_OPTIONS,
      'source-addresses': { type: 'string' },
      transport: { type: 'string' },
      iface: { type: 'string' },
      'no-pad': { type: 'boolean' },
      json: { type: 'boolean' },
    },
  }, 'preflight: ', usageHint(PREFLIGHT_USAGE));
  if (positionals.length > 1) throw new CliError(`preflight: expected at most one FILE, got ${positionals.join(' ')}`);
  if (values.elevated && values.unprivileged) throw new CliError('preflight: give one of --elevated and --unprivileged');
  const sources = values['source-addresses'];
  const transport = values.transport ?? 'raw';
  if (transport !== 'raw' && transport !== 'link') throw new CliError(`preflight: --transport ${JSON.stringify(transport)}: expected raw or link`);
  const socket = socketChoice('preflight', values);
  if (transport === 'link' && (Object.keys(socket).length || sources !== undefined)) throw new CliError('preflight: the socket flags and --source-addresses apply to --transport raw only');
  if (transport === 'raw' && (values.iface !== undefined || values['no-pad'])) throw new CliError('preflight: --iface and --no-pad apply to --transport link only');
  return {
    file: positionals[0],
    hex: values.hex ?? [],
    from: fromOption('preflight', values.from),
    platform: values.platform,
    elevated: values.elevated ? true : values.unprivileged ? false : undefined,
    socket,
    sourceAddresses: sources === undefined ? undefined : sources.split(',').map((s) => s.trim()).filter(Boolean),
    link: transport === 'link' ? { iface: values.iface, pad: !values['no-pad'] } : undefined,
    json: !!values.json,
  };
}

/** The IP datagram inside a CLI input packet (Ethernet / Linux cooked frames unwrapped). */
function ipDatagram(input: SendInput): Buffer {
  const b = Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength);
  if (input.from === 'ethernet') {
    let off = 12;
    let type = b.length >= 14 ? b.readUInt16BE(12) : 0;
    while ((type === 0x8100 || type === 0x88a8) && b.length >= off + 6) {
      off += 4;
      type = b.readUInt16BE(off);
    }
    if (type !== 0x0800 && type !== 0x86dd) throw new CliError(`packet ${input.index}: the Ethernet frame carries EtherType 0x${type.toString(16)}, not IP`);
    return b.subarray(off + 2);
  }
  if (input.from === 'linux-sll') {
    const type = b.length >= 16 ? b.readUInt16BE(14) : 0;
    if (type !== 0x0800 && type !== 0x86dd) throw new CliError(`packet ${input.index}: the Linux cooked frame carries protocol 0x${type.toString(16)}, not IP`);
    return b.subarray(16);
  }
  return b;
}

/** What `send` would hand to sendto, on which socket (send-socket.ts decides, for `os`). */
function sendPlan(index: number, datagram: Buffer, choice: SocketChoice, os: string): { packet: PreflightPacket; socket: SocketSettings; summary: string } {
  const version = datagram.length ? datagram[0] >> 4 : 0;
  if (version !== 4 && version !== 6) {
    throw new CliError(`packet ${index}: not an IP datagram (version nibble ${version}); give IPv4 or IPv6 datagrams, or Ethernet / Linux cooked frames carrying them`);
  }
  const ip = ipFacts(datagram);
  const v4 = ip?.family === 4 ? ip : undefined;
  const v6 = ip?.family === 6 ? ip : undefined;
  const hdrincl = ip === undefined ? choice.hdrincl !== false : includesHeader(ip, datagram, choice, os);
  const proto = v4 ? v4.protocol : v6?.upperProtocol;
  const summary = `IPv${version} ${protocolName(proto)}${v4 || v6 ? ` ${(v4 ?? v6)!.src} -> ${(v4 ?? v6)!.dst}` : ''}, ${hdrincl ? (version === 4 ? 'IP_HDRINCL' : 'IPV6_HDRINCL') : 'header built by the OS'}`;
  const broadcast = !!choice.broadcast;
  if (hdrincl) {
    return { packet: datagram, socket: { family: version, protocol: 255, hdrincl: true, broadcast }, summary };
  }
  if (v4) {
    if (v4.ihl < 5 || v4.ihl * 4 > datagram.length) {
      throw new CliError(`packet ${index}: the IPv4 header length (IHL ${v4.ihl}) does not fit; pass --hdrincl to check it as a header-included datagram`);
    }
  } else if (!v6 || !ip) {
    throw new CliError(`packet ${index}: the IPv6 header is incomplete (${datagram.length} bytes); pass --hdrincl to check it as a header-included datagram`);
  }
  const plan = sendSocket(ip!, datagram, { ...choice, hdrincl: false, ipv6Hdrincl: false }, os);
  return { packet: { bytes: plan.bytes, destination: ip!.dst }, socket: plan.socket, summary };
}

function counts(findings: readonly Finding[]): string {
  const n = (s: Finding['severity']) => findings.filter((f) => f.severity === s).length;
  const plural = (k: number, word: string) => `${k} ${word}${k === 1 ? '' : 's'}`;
  return `${plural(n('error'), 'error')}, ${plural(n('warning'), 'warning')}, ${n('info')} info`;
}

export async function preflightCommand(argv: readonly string[] | PreflightArgs, io: CliContext): Promise<number> {
  const args = Array.isArray(argv) ? parsePreflightArgs(argv) : (argv as PreflightArgs);
  const file = args.file === undefined && !args.hex.length ? '-' : args.file;
  let base: PreflightContextInput;
  try {
    base = {
      ...(args.platform !== undefined ? { platform: args.platform } : {}),
      ...(args.elevated !== undefined ? { privileges: args.elevated } : {}),
      ...(args.sourceAddresses !== undefined ? { interfaces: args.sourceAddresses } : {}),
    };
    resolveContext(base); // report a bad --platform or address before reading any input
  } catch (error) {
    if (error instanceof InputError) throw new CliError(`preflight: ${error.message}${args.platform !== undefined ? ` (known: ${PLATFORM_NAMES.join(', ')})` : ''}`);
    throw error;
  }

  if (args.link) return preflightLinkCommand(file, args, base, io);
  const os = resolveContext(base).platform.os;
  let anyError = false;
  // The packets as send reads them (an expression's left-out source included), for the socket send would use.
  for await (const input of readSendInput(file, args.hex, io.stdin, args.from)) {
    const plan = sendPlan(input.index, ipDatagram(input), args.socket, os);
    const context = resolveContext({ ...base, socket: plan.socket });
    const findings = preflight(plan.packet, context).map(cliFinding);
    anyError ||= hasErrors(findings);
    const platform = platformName(context.platform);
    if (args.json) {
      await io.write(
        JSON.stringify({
          index: input.index,
          platform,
          privileges: context.privileges,
          interfaces: context.interfaces.map((a) => a.address),
          summary: plan.summary,
          findings,
        }) + '\n',
      );
    } else {
      const head = `#${input.index} ${platform}, ${context.privileges}: ${plan.summary}: ${counts(findings)}`;
      await io.write(`${head}\n${findings.map((f) => formatFinding(f, '  ')).join('\n')}${findings.length ? '\n' : ''}\n`);
    }
  }
  return anyError ? EXIT_FINDINGS : EXIT_OK;
}

/** The frame `send --transport link` would hand to libpcap: Ethernet frames as they are, IP datagrams behind an Ethernet header (MACs not yet known). */
function linkFrame(input: SendInput, linkType: number | undefined): Uint8Array {
  if (input.from === 'ethernet' || linkType !== 1) return input.bytes;
  const datagram = ipDatagram(input);
  const frame = Buffer.alloc(14 + datagram.length);
  frame.writeUInt16BE(datagram.length && datagram[0] >> 4 === 6 ? 0x86dd : 0x0800, 12);
  frame.set(datagram, 14);
  return frame;
}

/** `--transport link`: the link transport's rules for each packet, on its interface. */
async function preflightLinkCommand(file: string | undefined, args: PreflightArgs, base: PreflightContextInput, io: CliContext): Promise<number> {
  const contexts = new Map<string, LinkPreflightContext>();
  let anyError = false;
  const contextOf = (iface: string): LinkPreflightContext => {
    let resolved = contexts.get(iface);
    if (!resolved) {
      resolved = resolveLinkContext({ ...base, interface: iface, link: { pad: args.link!.pad } });
      contexts.set(iface, resolved);
    }
    return resolved;
  };
  for await (const read of readSendInput(file, args.hex, io.stdin, args.from)) {
    // Hex with no --from is a frame of the interface, as send --transport link reads it.
    const given = args.link!.iface;
    if (read.from === 'auto' && given === undefined) throw new CliError(linkHexNeedsInterface('preflight', read.index));
    const input = read.from === 'auto' ? { ...read, from: layerForLinkType(contextOf(given!).link.linkType ?? 1) ?? 'raw' } : read;
    const ip = input.from === 'ethernet' ? undefined : ipFacts(ipDatagram(input));
    const iface = given ?? (ip ? kernelRouteLookup(ip.dst, ip.src)?.interface : undefined);
    if (iface === undefined) throw new CliError(`packet ${input.index}: ${ip ? `no route to ${ip.dst}` : 'a frame needs an interface'}: name the interface with --iface`);
    const resolved = contextOf(iface);
    const frame = linkFrame(input, resolved.link.linkType ?? 1);
    const findings = runLinkRules(frame, resolved).map(cliFinding);
    anyError ||= hasErrors(findings);
    const platform = platformName(resolved.context.platform);
    const summary = `link transport on ${iface}: ${frame.length}-byte frame${ip ? `, IPv${ip.family} ${protocolName(ip.protocol)} ${ip.src} -> ${ip.dst}` : ''}`;
    if (args.json) {
      await io.write(JSON.stringify({ index: input.index, platform, privileges: resolved.context.privileges, transport: 'link', interface: iface, summary, findings }) + '\n');
    } else {
      await io.write(`#${input.index} ${platform}, ${resolved.context.privileges}: ${summary}: ${counts(findings)}\n${findings.map((f) => formatFinding(f, '  ')).join('\n')}${findings.length ? '\n' : ''}\n`);
    }
  }
  return anyError ? EXIT_FINDINGS : EXIT_OK;
}

/** A finding with the library options it names said as flags (`{ kind: 'link' }` is `--transport link`). */
function cliFinding(f: Finding): Finding {
  return { ...f, message: inCliTerms(f.message), remedy: inCliTerms(f.remedy) };
}
