/**
 * The `link` transport: whole frames through libpcap (on Linux sent through an AF_PACKET socket,
 * many per sendmmsg: af-packet.ts), sent exactly as built (no kernel rewrites
 * of the IP header, so wrong checksums, zero identifications and lying lengths go out as they
 * are), and frames received through a pcap-filter expression compiled into the kernel.
 *
 *   await using t = openLinkTransport({ interface: 'veth0' });
 *   await t.send(ipv4({ src, dst }).icmp());                    // Ethernet header added: next hop by ARP/NDP
 *   await t.send(ethernet({ dst: mac }).arp({ ... }));          // frames go out unchanged
 *   for await (const p of t.receive({ captureFilter: 'icmp and host 198.18.0.2', count: 1 })) p.packet;
 *
 * An IP packet gets the link header the interface needs: Ethernet (source MAC the interface's,
 * destination the next hop's, found through the route table and ARP or Neighbor Discovery,
 * or given), BSD loopback (NULL/LOOP), or none on raw-IP interfaces.
 */
import { networkInterfaces } from 'node:os';
import { layerForLinkType } from '../../codec/decode.js';
import { parseMac } from '../../codec/bytes.js';
import { TransportArgumentError, TransportClosedError } from '../errors.js';
import { nowNs, outgoing, type Outgoing } from '../transports/outgoing.js';
import { compileFilter, decodeReceived, releasing } from '../request/received.js';
import { ETHERNET_MINIMUM } from '../../codec/protocols/ethernet.js';
import type { NotHonoured, ReceivedPacket, Sendable, SendManyOptions, SendManyResult, SendOptions, SendResult, Transport, TransportReceiveOptions } from '../transport.js';
import { isBuilderStep, type StepBase } from '../../builders/packet.js';
import { SourceCache } from '../transports/route.js';
import { leavesSourceOutOf, withSourceFilled } from '../transports/source.js';
import { LinkPreflightGuard, type LinkPreflightInput } from '../preflight/link.js';
import type { Finding } from '../preflight/types.js';
import { PreflightError } from '../preflight/preflight.js';
import { LinkError } from './errors.js';
import type { Libpcap } from './libpcap.js';
import { NeighbourCache, type NeighbourOptions } from './neighbours.js';
import { PcapHandle, type CaptureStats } from './pcap-handle.js';
import { kernelRouteLookup, type RouteLookup } from './route-table.js';
import { AfPacketSocket, afPacketAvailable, isLinkBackpressure, linkErrorCode } from './af-packet.js';
import { backoff, backpressurePolicy, type BackpressurePolicy } from '../transports/backpressure.js';
import { loadLibc } from '../socket/ffi/libc.js';

/** Options of the link transport: interface, route lookup or next-hop MAC, source MAC, padding, pre-flight. */
export interface LinkTransportOptions {
  readonly kind: 'link';
  /** The interface to send and receive on; default: the route's interface for each destination. */
  readonly interface?: string;
  /** Picks interface and next hop for a destination; default `kernelRouteLookup` (the kernel's lookup, policy rules included, on Linux). */
  readonly route?: RouteLookup;
  /** Send IP packets to this MAC instead of resolving the next hop. */
  readonly nextHopMac?: string;
  /** Source MAC of the Ethernet header added to IP packets; default the interface's own. */
  readonly sourceMac?: string;
  /** ARP / Neighbor Discovery timeouts and cache. */
  readonly neighbours?: NeighbourOptions;
  /** Bytes kept of each received frame; default 262144. */
  readonly snaplen?: number;
  /** Receive frames for other hosts too; default false. */
  readonly promiscuous?: boolean;
  /**
   * Pad Ethernet frames shorter than 60 bytes with zeros, as a network card does (a veth or a
   * bridge does not); default true, noted in each result's `notHonoured`. false: send short
   * frames exactly as built (a runt).
   */
  readonly pad?: boolean;
  /** Send even when pre-flight finds errors (default false); a single send: `send(p, { force: true })`. */
  readonly force?: boolean;
  /** What pre-flight checks against (default this machine, detected): platform, privileges, interface facts. */
  readonly context?: Omit<LinkPreflightInput, 'interface'>;
  /** Test seam: another libpcap binding. */
  readonly libpcap?: Libpcap;
  /**
   * Linux: send through an AF_PACKET socket bound to the interface, many frames per sendmmsg
   * (default true where available; the frames are the same as pcap_inject's). false: libpcap's
   * pcap_inject, the path every platform has.
   */
  readonly afPacket?: boolean;
  /** ENOBUFS/EAGAIN handling on the AF_PACKET path (default: 8 retries, waiting 1, 2, 4... up to 64 ms). */
  readonly backpressure?: Partial<BackpressurePolicy>;
}

/** How the link transport captures: a pcap filter (in the kernel), the interface, statistics. */
export interface LinkReceiveOptions extends TransportReceiveOptions {
  /** A pcap-filter(7) expression run in the kernel (tcpdump's syntax), e.g. `icmp and host 198.18.0.2`. */
  readonly captureFilter?: string;
  /** Interface to capture on; default the transport's, or the one it last sent on. */
  readonly interface?: string;
  /** Called with the capture's counters when the iteration ends (drops are never silent). */
  readonly onStats?: (stats: CaptureStats) => void;
}

/** A packet's frame, ready to go, with what the send result reports about it. */
interface Prepared {
  readonly iface: string;
  readonly frame: Uint8Array;
  readonly notHonoured: readonly NotHonoured[];
  readonly findings: readonly Finding[];
}

const ETHERNET = 1;
const NULL_BSD = 0;
const LOOP_BSD = 108;
const RAW_IP = new Set([12, 14, 101, 228, 229]);
/** How long a destination's route and next-hop MAC are reused before the tables are read again. */
const PATH_CACHE_MS = 1000;

/**
 * The link-layer transport: sends and captures whole frames through libpcap (Npcap on Windows), nothing rewritten.
 * @throws {@link LinkError} libpcap is missing, the interface cannot be opened, a send failed (with a remedy).
 * @throws {@link PreflightError} the interface or frame would be refused (missing, down, no privilege, too large), unless `force`.
 * @throws {@link TransportArgumentError} no interface given, a bad option.
 * @throws {@link TransportClosedError} a send or receive after `close()`.
 * @example
 * {@includeCode ../../../examples/api-link.ts#link-transport}
 */
export class LinkTransport implements Transport {
  readonly kind = 'link';
  readonly #options: LinkTransportOptions;
  readonly #senders = new Map<string, PcapHandle>();
  /** AF_PACKET sockets per interface (Linux fast path); null where one could not be opened (libpcap then). */
  readonly #fastSenders = new Map<string, AfPacketSocket | null>();
  readonly #policy: BackpressurePolicy;
  readonly #receivers = new Set<PcapHandle>();
  readonly #neighbours: NeighbourCache;
  readonly #sources = new SourceCache();
  readonly #preflight: LinkPreflightGuard;
  /** Route and link header per destination, kept briefly: a burst to one host reads the tables once. */
  readonly #paths = new Map<string, { readonly iface: string; readonly header: Uint8Array | undefined; readonly until: number }>();
  #lastInterface: string | undefined;
  #closed = false;

  constructor(options: LinkTransportOptions) {
    if (options.nextHopMac !== undefined && !parseMac(options.nextHopMac)) throw new TransportArgumentError('nextHopMac', options.nextHopMac, 'a MAC address such as 02:00:00:00:00:01');
    if (options.sourceMac !== undefined && !parseMac(options.sourceMac)) throw new TransportArgumentError('sourceMac', options.sourceMac, 'a MAC address such as 02:00:00:00:00:01');
    this.#options = options;
    this.#policy = backpressurePolicy(options.backpressure);
    this.#preflight = new LinkPreflightGuard({ ...options.context, link: { ...options.context?.link, pad: options.pad !== false } });
    this.#neighbours = new NeighbourCache(options.neighbours, { ...(options.libpcap && { libpcap: options.libpcap }) });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * The first layer of a frame on `iface` (default: the transport's interface): the layer of
   * the interface's link type, `ethernet` on Ethernet and on Linux loopback. Bytes sent as a
   * frame start with it. Opens the interface for sending (pre-flight checks it first).
   *
   * @throws {@link TransportArgumentError} no interface given here or to the transport.
   * @throws {@link PreflightError} the interface is missing, down, or may not be opened.
   */
  frameLayer(iface: string | undefined = this.#options.interface): string {
    if (this.#closed) throw new TransportClosedError(this.kind, 'frameLayer');
    if (iface === undefined) throw new TransportArgumentError('interface', undefined, "an interface whose frames to describe (give it here or to openTransport: { kind: 'link', interface })");
    this.#preflight.checkInterface(iface, !!this.#options.force);
    return layerForLinkType(this.#sender(iface).linkType) ?? 'raw';
  }

  async send(packet: Sendable, options?: SendOptions): Promise<SendResult> {
    if (this.#closed) throw new TransportClosedError(this.kind, 'send');
    const { out, iface, frame, notHonoured, findings } = await this.#prepare(packet, options?.destination, !!(this.#options.force || options?.force));
    const sentAt = nowNs();
    const fast = this.#fastSender(iface);
    let sent: number;
    let retries = 0;
    if (fast) {
      retries = (await this.#sendFast(fast, () => frame, 0, 1, undefined)).retries;
      sent = frame.length;
    } else {
      sent = this.#sender(iface).inject(frame);
    }
    return { bytes: frame, sentBytes: sent, destination: out.ip?.dst, family: out.ip?.family, sentAt, retries, notHonoured, ...(findings.length && { findings }) };
  }

  /**
   * Frames are worked out first (route, link header, next hop), once per packet object: the
   * same Uint8Array or { bytes, firstLayer } given again shares its frame; builder steps are
   * encoded each time. Then runs of frames for one interface go out together: sendmmsg batches
   * on an AF_PACKET socket (Linux), else one pcap_inject per frame.
   */
  async sendMany(packets: Iterable<Sendable>, options?: SendOptions & SendManyOptions): Promise<SendManyResult> {
    if (this.#closed) throw new TransportClosedError(this.kind, 'send');
    const startedAt = nowNs();
    // An indexed loop over an array: for-of's iterator in this async function costs more than the rest of the per-frame work.
    const list: readonly Sendable[] = Array.isArray(packets) ? packets : [...packets];
    // No array of frames: a frame is found again from its packet object (identity, then the map),
    // so a batch of a million frames allocates nothing per frame. Steps get theirs by index.
    const stepFrames = new Map<number, Uint8Array>();
    // Where the interface changes: run k starts at starts[k] and goes out on ifaces[k].
    const starts: number[] = [];
    const ifaces: string[] = [];
    const known = new Map<object, Prepared>();
    let lastPacket: Sendable | undefined;
    let last: Prepared | undefined;
    let bytes = 0;
    const force = !!(this.#options.force || options?.force);
    const notHonoured: (NotHonoured & { index: number })[] = [];
    const findings: (Finding & { index: number })[] = [];
    const n = list.length;
    for (let i = 0; i < n; i++) {
      const p = list[i];
      let d = p === lastPacket ? last : undefined;
      if (d === undefined) {
        // Bytes, framed bytes and builder steps (which encode the same every time) are worked out once; other encode()rs each time.
        const step = !(p instanceof Uint8Array) && typeof (p as StepBase).encode === 'function' && !isBuilderStep(p);
        d = step ? undefined : known.get(p);
        if (d === undefined) {
          try {
            d = await this.#prepare(p, options?.destination, force);
          } catch (error) {
            if (error instanceof LinkError) throw new LinkError(error.code, `${error.operation} (packet ${i}; 0 sent before it)`, error.detail, error.remedy, error.iface);
            // Which packet pre-flight refused (nothing of the batch was sent), as the raw transport says.
            if (error instanceof PreflightError && error.index === undefined) throw new PreflightError(error.findings, error.platform, 'a frame of the batch', i);
            throw error;
          }
          if (step) stepFrames.set(i, d.frame);
          else known.set(p, d);
        }
        lastPacket = step ? undefined : p;
        last = d;
        if (ifaces.length === 0 || ifaces[ifaces.length - 1] !== d.iface) {
          starts.push(i);
          ifaces.push(d.iface);
        }
      }
      // Notes and findings for every packet, a shared frame's too (as one send() each would report them).
      for (const note of d.notHonoured) notHonoured.push({ ...note, index: i });
      for (const f of d.findings) findings.push({ ...f, index: i });
      bytes += d.frame.length;
    }
    let seen: Sendable | undefined;
    let seenFrame: Uint8Array | undefined;
    const frameAt = (i: number): Uint8Array => {
      const p = list[i];
      if (p !== seen) {
        seen = p;
        seenFrame = stepFrames.get(i) ?? known.get(p)!.frame;
        // A step is never the same frame twice: forget it at once.
        if (stepFrames.has(i)) seen = undefined;
      }
      return seenFrame!;
    };
    let retries = 0;
    let calls = 0;
    let failed = 0;
    const onFailure = options?.onFailure;
    for (let k = 0; k < starts.length; k++) {
      const iface = ifaces[k];
      const start = starts[k];
      const end = k + 1 < starts.length ? starts[k + 1] : n;
      const fast = this.#fastSender(iface);
      if (fast) {
        calls += Math.ceil((end - start) / 1024);
        const r = await this.#sendFast(fast, frameAt, start, end, onFailure);
        retries += r.retries;
        failed += r.failed;
        bytes -= r.failedBytes;
      } else {
        const handle = this.#sender(iface);
        for (let i = start; i < end; i++) {
          try {
            handle.inject(frameAt(i));
          } catch (error) {
            if (!(error instanceof LinkError)) throw error;
            const named = new LinkError(error.code, `${error.operation} (packet ${i}; ${i - failed} sent before it)`, error.detail, error.remedy, error.iface);
            if (!onFailure) throw named;
            onFailure(i, error.code, () => named);
            failed++;
            bytes -= frameAt(i).length;
          }
        }
        calls += end - start;
      }
    }
    return { sent: n - failed, bytes, retries, calls, notHonoured, ...(findings.length && { findings }), startedAt, endedAt: nowNs() };
  }

  /**
   * What a send of these packets does before its first system call, without sending: each
   * distinct packet's frame (route, next hop's MAC), its pre-flight, and the interface opened
   * for sending. A packet pre-flight refuses is skipped (its send reports it).
   */
  async prepare(packets: Iterable<Sendable>, options?: SendOptions & SendManyOptions): Promise<void> {
    if (this.#closed) throw new TransportClosedError(this.kind, 'send');
    const force = !!(this.#options.force || options?.force);
    const seen = new Set<Sendable>();
    for (const p of packets) {
      if (seen.has(p)) continue;
      seen.add(p);
      let iface: string;
      try {
        iface = (await this.#prepare(p, options?.destination, force)).iface;
      } catch (error) {
        if (error instanceof PreflightError) continue;
        throw error;
      }
      if (!this.#fastSender(iface)) this.#sender(iface);
    }
  }

  /** Frames as they arrive on the interface, decoded from its link type; listening starts at this call. */
  receive(options: LinkReceiveOptions = {}): AsyncIterableIterator<ReceivedPacket> {
    if (this.#closed) throw new TransportClosedError(this.kind, 'receive');
    // Nothing named or sent yet (request() listens before it sends): every interface, where libpcap has "any" (Linux).
    const iface = options.interface ?? this.#options.interface ?? this.#lastInterface ?? (process.platform === 'linux' ? 'any' : undefined);
    if (iface === undefined) throw new TransportArgumentError('interface', undefined, 'an interface to capture on (give it to openTransport or receive)');
    const handle = PcapHandle.open(iface, {
      ...(options.captureFilter !== undefined && { filter: options.captureFilter }),
      ...(this.#options.snaplen !== undefined && { snaplen: this.#options.snaplen }),
      ...(this.#options.promiscuous !== undefined && { promiscuous: this.#options.promiscuous }),
      ...(this.#options.libpcap && { libpcap: this.#options.libpcap }),
    });
    this.#receivers.add(handle);
    const release = () => {
      if (handle.closed || !this.#receivers.delete(handle)) return;
      try {
        options.onStats?.(handle.stats());
      } finally {
        handle.close();
      }
    };
    return releasing(this.#frames(handle, options), release);
  }

  async *#frames(handle: PcapHandle, options: LinkReceiveOptions): AsyncGenerator<ReceivedPacket, void, undefined> {
    const keep = compileFilter(options.filter);
    const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
    const firstLayer = layerForLinkType(handle.linkType) ?? 'raw';
    let count = 0;
    try {
      while (!handle.closed && (options.count === undefined || count < options.count)) {
        options.signal?.throwIfAborted();
        const frame = handle.next();
        if (!frame) {
          if (Date.now() >= deadline) return;
          await handle.waitReadable();
          continue;
        }
        const received = decodeReceived({ bytes: frame.bytes, firstLayer, includesIpHeader: true, family: undefined, protocol: undefined, from: '', receivedAt: frame.timestamp });
        const ip = received.packet.layers.find((l) => l.layer === 'ipv4' || l.layer === 'ipv6');
        const packet: ReceivedPacket = ip
          ? { ...received, from: String(ip.fields.src), family: ip.layer === 'ipv4' ? 4 : 6, protocol: Number(ip.layer === 'ipv4' ? ip.fields.protocol : ip.fields.nextHeader) }
          : received;
        if (keep && !keep(packet)) continue;
        count++;
        yield packet;
      }
    } finally {
      if (this.#receivers.delete(handle)) {
        try {
          options.onStats?.(handle.stats());
        } finally {
          handle.close();
        }
      }
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const h of [...this.#senders.values(), ...this.#receivers]) h.close();
    for (const f of this.#fastSenders.values()) f?.close();
    this.#senders.clear();
    this.#fastSenders.clear();
    this.#receivers.clear();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** The packet's bytes (a left-out IP source filled in) and its frame, and where it goes. */
  /** The frame for a packet (source filled, link header added), checked by pre-flight (errors throw unless forced), then padded. */
  async #prepare(packet: Sendable, destination: string | undefined, force: boolean): Promise<Prepared & { out: Outgoing }> {
    // A left-out IP source is the one the kernel would use towards the destination, as on the raw transport.
    const out = outgoing(leavesSourceOutOf(packet) ? await withSourceFilled(packet as StepBase, (d, f) => this.#sources.get(d, f)) : packet);
    const { iface, frame: built } = await this.#frame(out, destination, force);
    // Pre-flight sees the frame as built (its padding is one of the findings).
    const findings = this.#preflight.checkSend(iface, built, force).filter((f) => f.severity !== 'info');
    return { out, iface, ...this.#padded(iface, built), findings };
  }


  /** The AF_PACKET socket for `iface`, or undefined: not Linux, turned off, or it cannot be opened (libpcap then says why). */
  #fastSender(iface: string): AfPacketSocket | undefined {
    if (this.#options.afPacket === false || this.#options.libpcap) return undefined;
    let s = this.#fastSenders.get(iface);
    if (s === undefined) {
      s = null;
      if (afPacketAvailable()) {
        try {
          s = AfPacketSocket.open(iface);
        } catch (error) {
          if (!(error instanceof LinkError)) throw error;
        }
      }
      this.#fastSenders.set(iface, s);
    }
    this.#lastInterface = iface;
    return s ?? undefined;
  }

  /**
   * Frames `start..end` of the batch through AF_PACKET; on ENOBUFS/EAGAIN wait and resume after
   * what was sent (the retry budget is per stall). Returns the retries; throws LinkError naming
   * the packet (its index in the batch; all before it were sent).
   */
  async #sendFast(socket: AfPacketSocket, frameAt: (index: number) => Uint8Array, start: number, end: number, onFailure: SendManyOptions['onFailure']): Promise<{ retries: number; failed: number; failedBytes: number }> {
    const libc = loadLibc();
    let done = start;
    let stalled = 0;
    let retries = 0;
    let failed = 0;
    let failedBytes = 0;
    // After a failure, one frame per call, doubling with each call that fails nothing: when
    // every frame fails (an interface gone down), a call costs one frame, not a batch.
    let window = Infinity;
    while (done < end) {
      const r = socket.sendMany(frameAt, done, Math.min(end, done + window));
      done += r.sent;
      if (r.sent > 0) stalled = 0;
      if (r.errno === 0) {
        window *= 2;
        continue;
      }
      if (isLinkBackpressure(libc, r.errno) && stalled < this.#policy.maxRetries) {
        await backoff(this.#policy, stalled++);
        retries++;
        continue;
      }
      window = 1;
      const at = done;
      const sentBefore = at - failed;
      const made = () => socket.error(r.errno, frameAt(at), at, sentBefore);
      if (!onFailure) throw made();
      // Carry on after the failed frame; its LinkError is made only if the caller asks.
      onFailure(at, linkErrorCode(libc, r.errno), made);
      failed++;
      failedBytes += frameAt(at).length;
      done++;
      stalled = 0;
    }
    return { retries, failed, failedBytes };
  }


  #sender(iface: string): PcapHandle {
    let h = this.#senders.get(iface);
    if (!h) {
      // A sending handle captures nothing: a filter that rejects every frame keeps its buffer empty.
      h = PcapHandle.open(iface, { filter: 'less 1', ...(this.#options.libpcap && { libpcap: this.#options.libpcap }) });
      this.#senders.set(iface, h);
    }
    this.#lastInterface = iface;
    return h;
  }

  /** An Ethernet frame under 60 bytes with the zero padding a network card would add (unless `pad: false`). */
  #padded(iface: string, frame: Uint8Array): { frame: Uint8Array; notHonoured: NotHonoured[] } {
    if (this.#options.pad === false || frame.length >= ETHERNET_MINIMUM || this.#sender(iface).linkType !== ETHERNET) return { frame, notHonoured: [] };
    const padded = new Uint8Array(ETHERNET_MINIMUM);
    padded.set(frame);
    const reason = `the ${frame.length}-byte frame is padded with ${ETHERNET_MINIMUM - frame.length} zero bytes to the Ethernet minimum of ${ETHERNET_MINIMUM} (pad: false sends it short)`;
    return { frame: padded, notHonoured: [{ layer: 'ethernet', field: 'pad', value: frame.length, reason }] };
  }

  /** The frame to send and where: link-layer packets as they are, IP packets with the interface's link header. */
  async #frame(out: Outgoing, destination: string | undefined, force: boolean): Promise<{ iface: string; frame: Uint8Array }> {
    if (!out.ip) {
      const iface = this.#options.interface;
      if (iface === undefined) throw new TransportArgumentError('interface', undefined, `an interface to send a ${out.firstLayer} frame on (give it to openTransport: { kind: 'link', interface })`);
      return { iface, frame: out.bytes };
    }
    const dst = destination ?? out.ip.dst;
    const key = `${out.ip.family}|${dst}|${out.ip.src}`;
    let path = this.#paths.get(key);
    if (!path || path.until < Date.now()) {
      path = { ...(await this.#path(out, dst, force)), until: Date.now() + PATH_CACHE_MS };
      this.#paths.set(key, path);
    }
    if (path.header === undefined) return { iface: path.iface, frame: out.bytes };
    const frame = Buffer.allocUnsafe(path.header.length + out.bytes.length);
    frame.set(path.header, 0);
    frame.set(out.bytes, path.header.length);
    return { iface: path.iface, frame };
  }

  /** The interface and the link header for IP packets of this family from this source to `dst`. */
  async #path(out: Outgoing, dst: string, force: boolean): Promise<{ iface: string; header: Uint8Array | undefined }> {
    const ip = out.ip!;
    const route = (this.#options.route ?? kernelRouteLookup)(dst, ip.src);
    const iface = this.#options.interface ?? route?.interface;
    if (iface === undefined) throw new LinkError('E_LINK_RESOLVE', `route to ${dst}`, 'no route to this destination', 'give the interface ({ interface } or --iface) and the next hop\'s MAC ({ nextHopMac } or --dst-mac)');
    // The interface's own findings (missing, down, no rights) before libpcap opens it.
    this.#preflight.checkInterface(iface, force);
    const linkType = this.#sender(iface).linkType;
    if (RAW_IP.has(linkType)) return { iface, header: undefined };
    if (linkType === NULL_BSD || linkType === LOOP_BSD) return { iface, header: bsdLoopbackHeader(ip.family, linkType) };
    if (linkType !== ETHERNET) throw new LinkError('E_LINK', `send on ${iface}`, `link type ${linkType} has no IP framing in rawcraft`, 'build the whole frame yourself and send it as { bytes, firstLayer }', iface);
    const sourceMac = this.#options.sourceMac ?? interfaceMac(iface);
    const nextHopMac = this.#options.nextHopMac ?? (route?.local || isLoopback(iface) ? '00:00:00:00:00:00' : await this.#resolve(iface, route?.nextHop ?? dst, ip.family, sourceMac, ip.src));
    const header = Buffer.alloc(14);
    header.set(parseMac(nextHopMac)!, 0);
    header.set(parseMac(sourceMac)!, 6);
    header.writeUInt16BE(ip.family === 4 ? 0x0800 : 0x86dd, 12);
    return { iface, header };
  }

  async #resolve(iface: string, nextHop: string, family: 4 | 6, mac: string, packetSource: string): Promise<string> {
    const address = askerAddress(iface, family, packetSource);
    if (address === undefined) throw new LinkError('E_LINK_RESOLVE', `resolve ${nextHop} on ${iface}`, `${iface} has no IPv${family} address to ask from`, 'give the next hop\'s MAC ({ nextHopMac } or --dst-mac)', iface);
    return (await this.#neighbours.resolve({ interface: iface, mac, address }, nextHop)).mac;
  }
}

/**
 * Open the link transport (libpcap is loaded at the first send or receive).
 * @throws {@link LinkError} libpcap is missing, or the interface cannot be opened.
 * @throws {@link PreflightError} the interface would be refused (missing, down, no privilege), unless `force`.
 * @throws {@link TransportArgumentError} a bad option.
 * @example
 * {@includeCode ../../../examples/api-link.ts#link-transport}
 */
export function openLinkTransport(options: Omit<LinkTransportOptions, 'kind'> = {}): LinkTransport {
  return new LinkTransport({ kind: 'link', ...options });
}

function interfaceMac(iface: string): string {
  const mac = networkInterfaces()[iface]?.find((a) => a.mac)?.mac;
  if (mac === undefined) throw new LinkError('E_LINK_NO_DEVICE', `send on ${iface}`, 'no such interface, or it has no MAC address', 'list the interfaces with `rawcraft interfaces`, or give { sourceMac }', iface);
  return mac;
}

function isLoopback(iface: string): boolean {
  return networkInterfaces()[iface]?.some((a) => a.internal) ?? false;
}

/** This host's address to ask for a neighbour from: the packet's source when it is ours, else a link-local (IPv6) or any. */
function askerAddress(iface: string, family: 4 | 6, packetSource: string): string | undefined {
  const own = (networkInterfaces()[iface] ?? []).filter((a) => a.family === (family === 4 ? 'IPv4' : 'IPv6'));
  return (own.find((a) => a.address === packetSource) ?? own.find((a) => a.address.startsWith('fe80:')) ?? own[0])?.address.replace(/%.*$/, '');
}

/** BSD loopback framing: the address family as 4 bytes, host order for NULL (little-endian hosts here), network order for LOOP. */
function bsdLoopbackHeader(family: 4 | 6, linkType: number): Uint8Array {
  const af = family === 4 ? 2 : process.platform === 'darwin' ? 30 : process.platform === 'freebsd' ? 28 : 24;
  const header = Buffer.alloc(4);
  if (linkType === LOOP_BSD) header.writeUInt32BE(af);
  else header.writeUInt32LE(af);
  return header;
}
