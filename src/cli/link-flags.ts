/**
 * `--transport raw|link`, `--dst-mac`, `--src-mac` for the commands that send and match replies
 * (ping, traceroute): the transport they open, or undefined for their own raw one.
 */
import type { Transport } from '../transport/transport.js';
import { openTransport } from '../transport/transports/open-transport.js';
import { parseMac } from '../codec/bytes.js';
import { CliError } from './cli-error.js';

export const LINK_FLAG_OPTIONS = {
  transport: { type: 'string' },
  'dst-mac': { type: 'string' },
  'src-mac': { type: 'string' },
} as const;

export interface LinkFlagValues {
  readonly transport?: string;
  readonly 'dst-mac'?: string;
  readonly 'src-mac'?: string;
}

/** The link transport the flags ask for (on `iface` when given), or undefined for raw sockets. */
export function linkTransportFromFlags(command: string, values: LinkFlagValues, iface: string | undefined): Transport | undefined {
  const kind = values.transport ?? 'raw';
  if (kind !== 'raw' && kind !== 'link') throw new CliError(`${command}: --transport ${JSON.stringify(kind)}: expected raw or link`);
  const macs = (['dst-mac', 'src-mac'] as const).filter((flag) => values[flag] !== undefined);
  if (kind === 'raw') {
    if (macs.length) throw new CliError(`${command}: ${macs.map((f) => `--${f}`).join(', ')} apply to --transport link only`);
    return undefined;
  }
  for (const flag of macs) if (!parseMac(values[flag]!)) throw new CliError(`${command}: --${flag} ${JSON.stringify(values[flag])}: expected a MAC address such as 02:00:00:00:00:01`);
  return openTransport({
    kind: 'link',
    ...(iface !== undefined && { interface: iface }),
    ...(values['dst-mac'] !== undefined && { nextHopMac: values['dst-mac'] }),
    ...(values['src-mac'] !== undefined && { sourceMac: values['src-mac'] }),
  });
}

export const LINK_FLAGS_USAGE = `--transport raw|link   link: frames through libpcap (IP header as built, Ethernet header
                             added, replies matched from a capture); raw: raw sockets (default)
      --dst-mac MAC          link: the Ethernet destination (default: the next hop's, by ARP / NDP)
      --src-mac MAC          link: the Ethernet source (default: the interface's MAC)`;
