/**
 * `openTransport`: pick a Transport by kind.
 *
 *   await using t = openTransport('raw');                       // raw sockets (root / CAP_NET_RAW)
 *   await using f = openTransport({ kind: 'pcapng', path });    // append to a capture file
 *   const [a, b] = createMemoryPair();                          // in-process, for tests
 *
 * The only file that knows every kind, so the Transport interface (`../transport.ts`) imports none of them.
 */
import { TransportArgumentError } from '../errors.js';
import type { Transport } from '../transport.js';
import { RawTransport, type RawTransportOptions } from './raw-transport.js';
import { CaptureTransport, type CaptureTransportOptions } from './capture-transport.js';
import { LinkTransport, type LinkTransportOptions } from '../link/link-transport.js';

/** Options for `openTransport`, by kind. */
export type TransportOptions = RawTransportOptions | CaptureTransportOptions | LinkTransportOptions;

/**
 * Open a transport: `openTransport('raw')`, `openTransport({ kind: 'raw', interface: 'eth0' })`,
 * `openTransport({ kind: 'pcapng', path: 'out.pcapng' })`. A Transport object is returned as is.
 * Raw sockets are opened lazily (on the first send or receive), so privilege errors come from there.
 * The raw transport runs pre-flight before each send and refuses error-level findings with a
 * PreflightError (`force: true` overrides). `platform` (default `process.platform`) picks its
 * sockets: WindowsRawSocket (Winsock) on win32, RawSocket elsewhere.
 *
 * @throws {@link TransportArgumentError} an unknown kind or a bad option.
 * @example
 * {@includeCode ../../../examples/api-tour.ts#open-transport}
 */
export function openTransport(spec: 'raw' | TransportOptions | Transport, platform: string = process.platform): Transport {
  if (spec === 'raw') return new RawTransport({ kind: 'raw' }, platform);
  if (typeof spec !== 'object' || spec === null) throw new TransportArgumentError('transport', spec, "'raw', { kind: 'raw' | 'pcap' | 'pcapng', ... } or a Transport");
  if (isTransport(spec)) return spec;
  switch (spec.kind) {
    case 'raw':
      return new RawTransport(spec, platform);
    case 'pcap':
    case 'pcapng':
      return new CaptureTransport(spec);
    case 'link':
      return new LinkTransport(spec);
    default:
      throw new TransportArgumentError('kind', (spec as { kind: unknown }).kind, "'raw', 'link', 'pcap' or 'pcapng' (or pass a Transport object)");
  }
}

function isTransport(value: object): value is Transport {
  const t = value as Partial<Transport>;
  return typeof t.send === 'function' && typeof t.receive === 'function' && typeof t.close === 'function';
}
