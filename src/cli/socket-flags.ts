/**
 * The raw-socket choices of the library (RawTransportOptions) as flags, shared by `send` and
 * `preflight` so that pre-flight is asked about the socket a send opens:
 *   --hdrincl / --no-hdrincl    the IP header as built (IP_HDRINCL, IPV6_HDRINCL) or written by the OS, both families
 *   --ipv6-hdrincl on|off|auto  IPv6 alone (auto, the default: IPV6_HDRINCL on Linux when a
 *                               per-protocol socket cannot send the datagram as built)
 *   --broadcast                 SO_BROADCAST
 *   --sndbuf BYTES              SO_SNDBUF
 * Left out, each is the library's default (send-socket.ts).
 */
import { CliError } from './cli-error.js';
import { integer } from './args.js';
import type { HeaderInclusion } from '../transport/transports/send-socket.js';

export const SOCKET_FLAG_OPTIONS = {
  hdrincl: { type: 'boolean' },
  'no-hdrincl': { type: 'boolean' },
  'ipv6-hdrincl': { type: 'string' },
  broadcast: { type: 'boolean' },
  sndbuf: { type: 'string' },
} as const;

export const SOCKET_FLAGS_USAGE = `--hdrincl | --no-hdrincl: the IP header as built (IP_HDRINCL, IPV6_HDRINCL) or written
      by the OS, for both families; the default is IP_HDRINCL for IPv4 and, for IPv6,
      --ipv6-hdrincl auto: IPV6_HDRINCL (Linux) only for what a per-protocol socket cannot
      send as built (extension headers, a flow label); on|off choose for IPv6 alone.
      --broadcast allows broadcast destinations (SO_BROADCAST); --sndbuf BYTES sets SO_SNDBUF.`;

export interface SocketFlagValues {
  readonly hdrincl?: boolean;
  readonly 'no-hdrincl'?: boolean;
  readonly 'ipv6-hdrincl'?: string;
  readonly broadcast?: boolean;
  readonly sndbuf?: string;
}

export interface SocketChoice extends HeaderInclusion {
  readonly broadcast?: boolean;
  readonly sendBufferSize?: number;
}

/** The flags as RawTransportOptions fields (only those given). Throws CliError (exit 2) on bad ones. */
export function socketChoice(command: string, values: SocketFlagValues): SocketChoice {
  if (values.hdrincl && values['no-hdrincl']) throw new CliError(`${command}: give one of --hdrincl and --no-hdrincl`);
  const both = values.hdrincl ? true : values['no-hdrincl'] ? false : undefined;
  let ipv6 = both;
  const v6 = values['ipv6-hdrincl'];
  if (v6 !== undefined) {
    if (v6 !== 'on' && v6 !== 'off' && v6 !== 'auto') throw new CliError(`${command}: --ipv6-hdrincl ${JSON.stringify(v6)}: expected on, off or auto`);
    ipv6 = v6 === 'auto' ? undefined : v6 === 'on';
  }
  return {
    ...(both !== undefined && { hdrincl: both }),
    ...(ipv6 !== undefined && { ipv6Hdrincl: ipv6 }),
    ...(values.broadcast && { broadcast: true }),
    ...(values.sndbuf !== undefined && { sendBufferSize: integer(command, '--sndbuf', values.sndbuf, 0, 1, 0x7fffffff) }),
  };
}
