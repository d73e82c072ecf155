/**
 * The source address the kernel would use towards a destination: a UDP socket connected to
 * it (connect() on UDP is only a route lookup; nothing is sent) reports its local address.
 * Used to fill in the source of crafted probes and to tell whether a packet's source will be
 * honoured when the kernel writes the IP header.
 */
import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { TransportArgumentError } from '../errors.js';

/**
 * The address to send to for `host` (an address, or a name resolved by the system resolver),
 * of `family` when given. There is no default host: callers must always name one.
 * @throws {@link TransportArgumentError} a host name the resolver does not know, or no address of the family asked for.
 * @example
 * {@includeCode ../../../examples/api-transport.ts#routes}
 */
export async function resolveHost(host: string, family?: 4 | 6): Promise<{ address: string; family: 4 | 6 }> {
  if (typeof host !== 'string' || host.trim() === '') throw new TransportArgumentError('host', host, 'a host name or an IP address (there is no default)');
  if (family !== undefined && family !== 4 && family !== 6) throw new TransportArgumentError('family', family, '4 or 6');
  const literal = isIP(host.replace(/%.*$/, ''));
  if (literal) {
    if (family !== undefined && literal !== family) throw new TransportArgumentError('host', host, `an IPv${family} address (IPv${family} was asked for)`);
    return { address: host, family: literal as 4 | 6 };
  }
  try {
    const found = await lookup(host, { family: family ?? 0, verbatim: false });
    return { address: found.address, family: found.family as 4 | 6 };
  } catch {
    throw new TransportArgumentError('host', host, `a name the resolver knows${family ? ` with an IPv${family} address` : ''}`);
  }
}

/**
 * The local address the route to `destination` uses, or undefined when there is no route.
 * @example
 * {@includeCode ../../../examples/api-transport.ts#routes}
 */
export function sourceAddressFor(destination: string, family: 4 | 6): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket(family === 6 ? 'udp6' : 'udp4');
    const done = (address: string | undefined) => {
      socket.close();
      resolve(address);
    };
    socket.on('error', () => done(undefined));
    try {
      // Port 9 (discard): any non-zero port will do, nothing is ever sent.
      socket.connect(9, destination, (error?: Error) => {
        if (error) return done(undefined);
        try {
          done(socket.address().address);
        } catch {
          done(undefined);
        }
      });
    } catch {
      done(undefined);
    }
  });
}

/** A small per-transport cache of sourceAddressFor results. */
export class SourceCache {
  readonly #entries = new Map<string, Promise<string | undefined>>();

  get(destination: string, family: 4 | 6): Promise<string | undefined> {
    const key = `${family}/${destination}`;
    let hit = this.#entries.get(key);
    if (!hit) {
      if (this.#entries.size >= 256) this.#entries.clear();
      hit = sourceAddressFor(destination, family);
      this.#entries.set(key, hit);
    }
    return hit;
  }
}
