/**
 * docs/writing-a-transport.md's example transport: each packet travels as the payload of a UDP
 * datagram to a peer (a tunnel, as a test bench or a remote sensor would use). Ordinary UDP
 * sockets: no privileges needed. examples/udp-tunnel.ts uses it; test/docs/writing-a-transport.test.ts
 * tests it; test/docs/mirrors.test.ts keeps the guide equal to it.
 */
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { isMatching } from 'ts-pattern';
import { decode, TransportClosedError } from '../src/index.js';
import type { DecodedPacket, ReceivedPacket, Sendable, SendManyResult, SendResult, Transport, TransportReceiveOptions } from '../src/index.js';

// #region transport
/** Wall-clock nanoseconds since the Unix epoch: the clock of `sentAt` and `receivedAt`. */
const nowNs = (): bigint => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));

type AnyPattern = Parameters<typeof isMatching>[0];

/** The bytes of anything `send` accepts: a builder step, bytes, or bytes with their first layer named. */
const bytesOf = (packet: Sendable): Uint8Array => (packet instanceof Uint8Array ? packet : 'bytes' in packet ? packet.bytes : packet.encode());

/** A packet's IP facts, read with the codec. */
function ipFacts(packet: DecodedPacket): { family: 4 | 6 | undefined; src: string; dst: string | undefined; protocol: number | undefined } {
  const ip = packet.layers[0];
  if (ip?.layer === 'ipv4') return { family: 4, src: ip.fields.src, dst: ip.fields.dst, protocol: ip.fields.protocol };
  if (ip?.layer === 'ipv6') return { family: 6, src: ip.fields.src, dst: ip.fields.dst, protocol: ip.fields.nextHeader };
  return { family: undefined, src: '', dst: undefined, protocol: undefined };
}

/** Every packet goes to `peer` as one UDP datagram; every datagram that arrives is a packet received. */
export class UdpTunnelTransport implements Transport {
  readonly kind = 'udp-tunnel';
  readonly #socket: Socket;
  readonly #peer: { address: string; port: number };
  /** One queue per running receive(): each sees every packet that arrives after it was called. */
  readonly #receivers = new Set<{ queue: ReceivedPacket[]; wake: () => void }>();
  #closed = false;

  private constructor(socket: Socket, peer: { address: string; port: number }) {
    this.#socket = socket;
    this.#peer = peer;
    socket.on('message', (bytes) => {
      const packet = decode(bytes, { mode: 'lax' }); // lax: a broken packet is received, with its issues
      const ip = ipFacts(packet);
      const received: ReceivedPacket = { bytes, packet, firstLayer: packet.layers[0]?.layer ?? 'raw', includesIpHeader: ip.family !== undefined, from: ip.src, family: ip.family, protocol: ip.protocol, receivedAt: nowNs() };
      for (const r of this.#receivers) {
        r.queue.push(received);
        r.wake();
      }
    });
  }

  /** Bind `local` (port 0: any) and send to `peer`. */
  static async open(local: { address: string; port: number }, peer: { address: string; port: number }): Promise<UdpTunnelTransport> {
    const socket = createSocket(peer.address.includes(':') ? 'udp6' : 'udp4');
    socket.bind(local.port, local.address);
    await once(socket, 'listening');
    return new UdpTunnelTransport(socket, peer);
  }

  /** The local port, for the other end. */
  get port(): number {
    return this.#socket.address().port;
  }

  get closed(): boolean {
    return this.#closed;
  }

  async send(packet: Sendable): Promise<SendResult> {
    if (this.#closed) throw new TransportClosedError(this.kind, 'send');
    const bytes = bytesOf(packet);
    const sentAt = nowNs();
    await new Promise<void>((resolve, reject) => this.#socket.send(bytes, this.#peer.port, this.#peer.address, (error) => (error ? reject(error) : resolve())));
    const ip = ipFacts(decode(bytes, { mode: 'lax' }));
    // The tunnel changes nothing: every field goes out as built, so notHonoured is empty.
    return { bytes, sentBytes: bytes.length, destination: ip.dst, family: ip.family, sentAt, retries: 0, notHonoured: [] };
  }

  async sendMany(packets: Iterable<Sendable>): Promise<SendManyResult> {
    const startedAt = nowNs();
    let sent = 0;
    let bytes = 0;
    for (const packet of packets) {
      bytes += (await this.send(packet)).sentBytes;
      sent++;
    }
    return { sent, bytes, retries: 0, calls: sent, notHonoured: [], startedAt, endedAt: nowNs() };
  }

  receive(options: TransportReceiveOptions = {}): AsyncIterable<ReceivedPacket> {
    if (this.#closed) throw new TransportClosedError(this.kind, 'receive');
    // Register now, not at the first next(): a caller may call receive() and then send.
    const receiver = { queue: [] as ReceivedPacket[], wake: () => {} };
    this.#receivers.add(receiver);
    const receivers = this.#receivers;
    const transport = this;
    // A filter is a predicate or a ts-pattern pattern (typed against DecodedPacket where it is written).
    const filter = options.filter;
    const keep = (p: ReceivedPacket) => filter === undefined || (typeof filter === 'function' ? filter(p.packet, p) : isMatching(filter as AnyPattern)(p.packet));
    const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
    return (async function* () {
      try {
        let count = 0;
        while (count < (options.count ?? Infinity) && !transport.#closed) {
          options.signal?.throwIfAborted();
          const next = receiver.queue.shift();
          if (next) {
            if (keep(next)) {
              count++;
              yield next;
            }
            continue;
          }
          const wait = deadline - Date.now();
          if (wait <= 0) return;
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, Math.min(wait, 2 ** 31 - 1));
            const abort = () => resolve();
            options.signal?.addEventListener('abort', abort, { once: true });
            receiver.wake = () => {
              clearTimeout(timer);
              options.signal?.removeEventListener('abort', abort);
              resolve();
            };
          });
        }
      } finally {
        receivers.delete(receiver);
      }
    })();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const r of this.#receivers) r.wake(); // pending receives end
    this.#socket.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
// #endregion transport
