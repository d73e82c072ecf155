/**
 * The `memory` transport: two connected ends in one process, for tests. What one end sends,
 * the other receives, decoded, byte for byte. Like raw sockets, every receive() that is
 * running sees every packet; packets that arrive while no receive() runs wait in a backlog
 * that the next receive() takes over, so "send, then receive" works in tests.
 */
import { TransportArgumentError, TransportClosedError } from '../errors.js';
import { nowNs, outgoing } from './outgoing.js';
import { compileFilter, decodeReceived, releasing, type Delivered } from '../request/received.js';
import type { ReceivedPacket, Sendable, SendManyResult, SendResult, Transport, TransportReceiveOptions } from '../transport.js';

/** Options of `createMemoryPair()`: a delivery delay. */
export interface MemoryPairOptions {
  /** Simulated one-way delay in milliseconds (default 0: delivered before send resolves). */
  readonly delayMs?: number;
}

interface Receiver {
  readonly queue: Delivered[];
  wake: (() => void) | undefined;
}

/**
 * One end of an in-memory pair of transports: what one sends, the other receives (tests, examples).
 * @throws {@link TransportClosedError} a send or receive after either end was closed.
 * @throws {@link TransportArgumentError} a bad receive option.
 * @example
 * {@includeCode ../../../examples/api-transport.ts#memory-transport}
 */
export class MemoryTransport implements Transport {
  readonly kind = 'memory';
  #peer!: MemoryTransport;
  readonly #delayMs: number;
  /** Packets that arrived while no receive() was running. */
  #backlog: Delivered[] = [];
  readonly #receivers = new Set<Receiver>();
  #closed = false;

  /** @internal Use createMemoryPair(). */
  constructor(delayMs: number) {
    this.#delayMs = delayMs;
  }

  /** @internal */
  connect(peer: MemoryTransport): void {
    this.#peer = peer;
  }

  get closed(): boolean {
    return this.#closed;
  }

  async send(packet: Sendable): Promise<SendResult> {
    if (this.#closed) throw new TransportClosedError('memory', 'send');
    if (this.#peer.#closed) throw new TransportClosedError('memory', 'send: the other end is closed');
    const out = outgoing(packet);
    const sentAt = nowNs();
    // A copy: the sender may reuse its buffer; the receiver gets what was sent at this moment.
    const bytes = Uint8Array.from(out.bytes);
    const delivered: Omit<Delivered, 'receivedAt'> = {
      bytes,
      includesIpHeader: out.ip !== undefined,
      family: out.ip?.family,
      protocol: out.ip?.protocol,
      from: out.ip?.src ?? '',
      firstLayer: out.firstLayer,
    };
    if (this.#delayMs > 0) {
      const peer = this.#peer;
      setTimeout(() => peer.#deliver({ ...delivered, receivedAt: nowNs() }), this.#delayMs);
    } else {
      this.#peer.#deliver({ ...delivered, receivedAt: nowNs() });
    }
    return { bytes: out.bytes, sentBytes: bytes.length, destination: out.ip?.dst, family: out.ip?.family, sentAt, retries: 0, notHonoured: [] };
  }

  async sendMany(packets: Iterable<Sendable>): Promise<SendManyResult> {
    const startedAt = nowNs();
    let sent = 0;
    let bytes = 0;
    for (const p of packets) {
      bytes += (await this.send(p)).sentBytes;
      sent++;
    }
    return { sent, bytes, retries: 0, calls: sent, notHonoured: [], startedAt, endedAt: nowNs() };
  }

  receive(options: TransportReceiveOptions = {}): AsyncIterable<ReceivedPacket> {
    if (this.#closed) throw new TransportClosedError('memory', 'receive');
    if (options.timeoutMs !== undefined && !(typeof options.timeoutMs === 'number' && options.timeoutMs >= 0)) {
      throw new TransportArgumentError('timeoutMs', options.timeoutMs, 'a number of milliseconds >= 0');
    }
    if (options.count !== undefined && !(Number.isInteger(options.count) && options.count > 0)) throw new TransportArgumentError('count', options.count, 'an integer > 0');
    const filter = compileFilter(options.filter);
    // Registered now, not at the first next(): packets sent after this call are seen.
    const receiver: Receiver = { queue: this.#backlog, wake: undefined };
    this.#backlog = [];
    this.#receivers.add(receiver);
    const deadline = options.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs;
    return releasing(this.#loop(receiver, options, filter, deadline), () => this.#receivers.delete(receiver));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const r of this.#receivers) r.wake?.();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #deliver(d: Delivered): void {
    if (this.#closed) return;
    if (this.#receivers.size === 0) {
      this.#backlog.push(d);
      return;
    }
    for (const r of this.#receivers) {
      r.queue.push(d);
      r.wake?.();
    }
  }

  async *#loop(
    receiver: Receiver,
    options: TransportReceiveOptions,
    filter: ((r: ReceivedPacket) => boolean) | undefined,
    deadline: number | undefined,
  ): AsyncGenerator<ReceivedPacket, void, undefined> {
    const { signal } = options;
    let count = 0;
    try {
      for (;;) {
        signal?.throwIfAborted();
        if (this.#closed) return;
        const d = receiver.queue.shift();
        if (d) {
          const received = decodeReceived(d);
          if (filter && !filter(received)) continue;
          yield received;
          if (options.count !== undefined && ++count >= options.count) return;
          continue;
        }
        const remaining = deadline === undefined ? undefined : deadline - Date.now();
        if (remaining !== undefined && remaining <= 0) return;
        await this.#wait(receiver, remaining, signal);
      }
    } finally {
      this.#receivers.delete(receiver);
    }
  }

  async #wait(receiver: Receiver, remainingMs: number | undefined, signal: AbortSignal | undefined): Promise<void> {
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    receiver.wake = stop;
    signal?.addEventListener('abort', stop, { once: true });
    const timer = remainingMs === undefined ? undefined : setTimeout(stop, remainingMs);
    try {
      await stopped;
    } finally {
      receiver.wake = undefined;
      signal?.removeEventListener('abort', stop);
      clearTimeout(timer);
    }
  }
}

/**
 * Two connected in-process transports: `const [a, b] = createMemoryPair(); await a.send(p); for await (const r of b.receive()) ...`.
 * @example
 * {@includeCode ../../../examples/api-transport.ts#memory-transport}
 */
export function createMemoryPair(options: MemoryPairOptions = {}): [MemoryTransport, MemoryTransport] {
  const delayMs = options.delayMs ?? 0;
  if (!(typeof delayMs === 'number' && delayMs >= 0)) throw new TransportArgumentError('delayMs', delayMs, 'a number of milliseconds >= 0');
  const a = new MemoryTransport(delayMs);
  const b = new MemoryTransport(delayMs);
  a.connect(b);
  b.connect(a);
  return [a, b];
}
