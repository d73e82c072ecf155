/**
 * `--from LAYER`: the first layer of hex input (--hex, hex lines, hex dumps), which carries no
 * link type of its own. `auto` (the default for decode and the raw transport) guesses IPv4 or
 * IPv6 from the version nibble; a frame needs its layer named (`--from ethernet`), as Scapy's
 * `Ether(bytes)` does, because a MAC address may begin with a 4 or a 6.
 */
import { codecs } from '../codec/registry.js';
import { didYouMean } from '../codec/suggest.js';
import { CliError } from './cli-error.js';

export const FROM_USAGE = `--from LAYER: the first layer of hex input (ethernet, ipv4, ipv6, ... or auto: IPv4 or IPv6 by the
      version nibble)`;

/** The layer `--from` names, checked against the registry; undefined when not given. */
export function fromOption(command: string, value: string | undefined): string | undefined {
  if (value === undefined || value === 'auto') return value;
  const names = codecs.map((c) => c.name);
  if (!names.includes(value)) throw new CliError(`${command}: --from ${JSON.stringify(value)}: not a layer${didYouMean(value, names)}; layers: auto, ${names.join(', ')}`);
  return value;
}

/** Hex through the link transport without --iface or --from: a frame or a datagram? Say how to tell. */
export function linkHexNeedsInterface(command: string, index: number): string {
  return `${command}: packet ${index}: hex input through --transport link is a frame of the interface it goes out on: give --iface IF, or --from ipv4|ipv6|auto for IP datagrams the link transport frames itself`;
}
