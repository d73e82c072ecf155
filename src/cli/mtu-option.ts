/** `--mtu N` of build and send: the library's fragment() on each IP datagram, with CLI wording. */
import { randomInt } from 'node:crypto';
import { fragment, FragmentError } from '../codec/fragment.js';
import { integer } from './args.js';
import { CliError } from './cli-error.js';

/** The `--mtu` value (undefined when not given): at least 28, the smallest that carries 8 data bytes after an IPv4 header. */
export function mtuOption(command: string, text: string | undefined): number | undefined {
  return text === undefined ? undefined : integer(command, '--mtu', text, 0, 28, 65_535);
}

/** The fragments of an IP datagram for `mtu` (a datagram that fits comes back whole); other first layers are refused by name. */
export function fragmentForMtu(command: string, bytes: Uint8Array, firstLayer: string | undefined, mtu: number, options: { readonly nonZeroId?: boolean } = {}): Buffer[] {
  if (firstLayer !== 'ipv4' && firstLayer !== 'ipv6') throw new CliError(`${command}: --mtu fragments IP datagrams, but the packet starts with ${firstLayer ?? 'an unknown layer'}`);
  try {
    // Linux fills in an IPv4 identification of 0 on raw sends, per packet: fragments would no longer belong together.
    const zeroId = firstLayer === 'ipv4' && bytes.length >= 6 && bytes[4] === 0 && bytes[5] === 0;
    return fragment(bytes, { mtu, ...(options.nonZeroId && zeroId && { id: randomInt(1, 0x10000) }) });
  } catch (error) {
    // The library's remedy is an option (force: true); a CLI user changes the packet instead.
    if (error instanceof FragmentError && error.reason === 'dont-fragment') {
      throw new CliError(`${command}: --mtu ${mtu}: the datagram (${bytes.length} bytes) has Don't Fragment set; leave df out of ipv4(flags=...) to fragment it`);
    }
    throw error;
  }
}
