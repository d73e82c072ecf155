/**
 * `rawcraft preflight [FILE|-] [--hex HEX] [--platform NAME] [--elevated | --unprivileged]
 * [--hdrincl] [--broadcast] [--source-addresses A,B] [--json]`: the pre-flight findings for
 * each packet; exit 1 when any finding is an error.
 *
 * Each packet is a whole IP datagram (as `decode` reads it; Ethernet and Linux cooked frames
 * are unwrapped). With --hdrincl it would be sent as is on an IPPROTO_RAW socket with
 * IP_HDRINCL / IPV6_HDRINCL; without, its payload would be sent on a raw socket for its
 * protocol, to its destination, and the OS would build the IP header.
 */
import { InputError } from '../codec/errors.js';
import { platformName, resolveContext, PLATFORM_NAMES } from '../transport/preflight/context.js';
import { formatFinding, hasErrors, preflight } from '../transport/preflight/preflight.js';
import { protocolName } from '../transport/preflight/rules.js';
import { readIpv4Header, readIpv6Header } from '../transport/preflight/packet.js';
import type { Finding, PreflightContextInput, PreflightPacket, SocketSettings } from '../transport/preflight/types.js';
import { parseCommandArgs, usageHint } from './args.js';
import { CliError, EXIT_FINDINGS, EXIT_OK } from './cli-error.js';
import type { CliContext } from './context.js';
import { readPackets, type InputPacket } from './input.js';

export const PREFLIGHT_USAGE = `preflight [FILE|-] [--hex HEX ...] [--platform NAME] [--elevated | --unprivileged] [--hdrincl] [--broadcast] [--source-addresses A,B] [--json]
      Pre-flight findings for each IP datagram on a platform (this machine unless --platform:
      ${['windows-11', 'windows-10', 'windows-7', 'windows-server-2008r2', 'windows-server-2022', 'linux', 'macos'].join(', ')}, ...);
      exit 1 when any finding is an error.`;

export interface PreflightArgs {
  readonly file: string | undefined;
  readonly hex: readonly string[];
  readonly platform: string | undefined;
  /** true: --elevated, false: --unprivileged, undefined: detected (or elevated for another platform). */
  readonly elevated: boolean | undefined;
  readonly hdrincl: boolean;
  readonly broadcast: boolean;
  /** --source-addresses: the local interface addresses. */
  readonly sourceAddresses: readonly string[] | undefined;
  readonly json: boolean;
}

/** Parse the command's arguments (after `preflight`). Throws CliError (exit 2) on bad ones. */
export function parsePreflightArgs(argv: readonly string[]): PreflightArgs {
  const { values, positionals } = parseCommandArgs(argv, {
    allowPositionals: true,
    options: {
      hex: { type: 'string', multiple: true },
      platform: { type: 'string' },
      elevated: { type: 'boolean' },
      unprivileged: { type: 'boolean' },
      hdrincl: { type: 'boolean' },
      broadcast: { type: 'boolean' },
      'source-addresses': { type: 'string' },
      json: { type: 'boolean' },
    },
  }, 'preflight: ', usageHint(PREFLIGHT_USAGE));
  if (positionals.length > 1) throw new CliError(`preflight: expected at most one FILE, got ${positionals.join(' ')}`);
  if (values.elevated && values.unprivileged) throw new CliError('preflight: give one of --elevated and --unprivileged');
  const sources = values['source-addresses'];
  return {
    file: positionals[0],
    hex: values.hex ?? [],
    platform: values.platform,
    elevated: values.elevated ? true : values.unprivileged ? false : undefined,
    hdrincl: !!values.hdrincl,
    broadcast: !!values.broadcast,
    sourceAddresses: sources === undefined ? undefined : sources.split(',').map((s) => s.trim()).filter(Boolean),
    json: !!values.json,
  };
}

/** The IP datagram inside a CLI input packet (Ethernet / Linux cooked frames unwrapped). */
function ipDatagram(input: InputPacket): Buffer {
  const b = input.bytes;
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

/** What would be handed to sendto, on which socket. */
function sendPlan(index: number, datagram: Buffer, hdrincl: boolean, broadcast: boolean): { packet: PreflightPacket; socket: SocketSettings; summary: string } {
  const version = datagram.length ? datagram[0] >> 4 : 0;
  if (version !== 4 && version !== 6) {
    throw new CliError(`packet ${index}: not an IP datagram (version nibble ${version}); give IPv4 or IPv6 datagrams, or Ethernet / Linux cooked frames carrying them`);
  }
  const v4 = version === 4 ? readIpv4Header(datagram) : undefined;
  const v6 = version === 6 ? readIpv6Header(datagram) : undefined;
  const proto = v4 ? v4.protocol : v6?.upperProtocol;
  const summary = `IPv${version} ${protocolName(proto)}${v4 || v6 ? ` ${(v4 ?? v6)!.src} -> ${(v4 ?? v6)!.dst}` : ''}, ${hdrincl ? (version === 4 ? 'IP_HDRINCL' : 'IPV6_HDRINCL') : 'header built by the OS'}`;
  if (hdrincl) {
    return { packet: datagram, socket: { family: version, protocol: 255, hdrincl: true, broadcast }, summary };
  }
  if (v4) {
    if (v4.ihl < 5 || v4.ihl * 4 > datagram.length) {
      throw new CliError(`packet ${index}: the IPv4 header length (IHL ${v4.ihl}) does not fit; pass --hdrincl to check it as a header-included datagram`);
    }
    const end = v4.totalLength >= v4.ihl * 4 && v4.totalLength <= datagram.length ? v4.totalLength : datagram.length;
    return {
      packet: { bytes: datagram.subarray(v4.ihl * 4, end), destination: v4.dst },
      socket: { family: 4, protocol: v4.protocol, hdrincl: false, broadcast },
      summary,
    };
  }
  if (!v6) throw new CliError(`packet ${index}: the IPv6 header is incomplete (${datagram.length} bytes); pass --hdrincl to check it as a header-included datagram`);
  return {
    packet: { bytes: datagram.subarray(40), destination: v6.dst },
    socket: { family: 6, protocol: v6.nextHeader, hdrincl: false, broadcast },
    summary,
  };
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

  let anyError = false;
  for await (const input of readPackets(file, args.hex, io.stdin)) {
    const plan = sendPlan(input.index, ipDatagram(input), args.hdrincl, args.broadcast);
    const context = resolveContext({ ...base, socket: plan.socket });
    const findings = preflight(plan.packet, context);
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
