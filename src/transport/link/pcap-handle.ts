/**
 * One open libpcap capture-and-inject handle on an interface: frames go out exactly as given
 * (pcap_sendpacket), frames come in through a kernel-side filter (pcap_compile +
 * pcap_setfilter) with the interface's link type, timestamps and drop counters.
 *
 * Receiving never blocks the event loop: the handle is non-blocking and its selectable
 * descriptor joins the process-wide poll() loop (poller.ts) that raw sockets use. Windows
 * (Npcap) has no selectable descriptor; there the handle is polled every few milliseconds.
 */
import { endianness } from 'node:os';
import { loadLibc } from '../socket/ffi/libc.js';
import { SocketFd } from '../socket/socket-fd.js';
import { LinkError } from './errors.js';
import { BPF_PROGRAM_SIZE, ERRBUF_SIZE, loadLibpcap, NETMASK_UNKNOWN, PCAP_ERROR, type Libpcap, type PcapPointer } from './libpcap.js';

/** How a libpcap handle is opened: snap length, promiscuous mode, buffer size, immediate mode, filter. */
export interface PcapOpenOptions {
  /** Largest number of bytes kept of each frame; default 262144 (tcpdump's). */
  readonly snaplen?: number;
  /** Receive frames for other hosts too; default false. */
  readonly promiscuous?: boolean;
  /** Kernel capture buffer in bytes; default 8 MiB, so bursts are not dropped. */
  readonly bufferSize?: number;
  /**
   * Deliver each frame at once (default true: replies are matched without delay). false lets
   * the kernel fill its buffer blocks first (at most ~10 ms late): on Linux (TPACKET_V3) an
   * immediate capture hands over one frame per buffer block, so a slow reader of a burst
   * runs out of blocks and the kernel drops frames; a bulk capture (listen) wants false.
   */
  readonly immediate?: boolean;
  /** A pcap-filter(7) expression, compiled by libpcap and run in the kernel, e.g. `icmp and host 198.18.0.2`. */
  readonly filter?: string;
  /** Test seam: another libpcap binding (e.g. one that fails to load). */
  readonly libpcap?: Libpcap;
  /** Default `process.platform`. */
  readonly platform?: string;
}

/** One frame as captured. */
export interface CapturedFrame {
  /** The frame's bytes (at most snaplen of them). */
  readonly bytes: Buffer;
  /** Length of the frame on the wire (more than `bytes.length` when cut by snaplen). */
  readonly originalLength: number;
  /** Capture time in nanoseconds since the Unix epoch (microsecond resolution). */
  readonly timestamp: bigint;
}

/** pcap_stats: counts since the handle was opened. */
export interface CaptureStats {
  /** Frames the filter accepted (on Linux: frames delivered to the capture). */
  readonly received: number;
  /** Frames dropped because the capture buffer was full. */
  readonly dropped: number;
  /** Frames the interface or driver dropped (not supported everywhere: 0 then). */
  readonly interfaceDropped: number;
}

const DEFAULT_SNAPLEN = 262_144;
const HOST_LE = endianness() === 'LE';
const DEFAULT_BUFFER = 8 << 20;

/** What to do when libpcap refuses to capture or inject, per OS. */
export function permissionRemedy(platform: string): string {
  if (platform === 'win32') return 'run as Administrator (Npcap was installed to restrict its driver to Administrators), or reinstall Npcap without that option';
  if (platform === 'darwin') return 'capturing needs read/write access to /dev/bpf*: run as root (sudo), or install Wireshark\'s ChmodBPF';
  return 'run as root, or grant the capabilities: sudo setcap cap_net_raw,cap_net_admin+ep $(readlink -f $(which node))';
}

/**
 * An open libpcap capture handle on one interface: send frames, set a filter, read frames.
 * @throws {@link LinkError} no such interface, no permission, a filter that does not compile, a failed send (code, detail and remedy).
 * @example
 * {@includeCode ../../../examples/api-link.ts#pcap-handle}
 */
export class PcapHandle {
  /** The link type (LINKTYPE_/DLT_ value) of the interface: 1 Ethernet, 113 Linux cooked... */
  readonly linkType: number;
  readonly #lib: Libpcap;
  #p: PcapPointer | undefined;
  readonly #fd: SocketFd | undefined;
  readonly #header: [bigint | null] = [null];
  readonly #data: [bigint | null] = [null];
  readonly #statsBuf = Buffer.alloc(32); // struct pcap_stat (Npcap's is 16 bytes; room to spare)

  private constructor(
    readonly iface: string,
    lib: Libpcap,
    p: PcapPointer,
    readonly platform: string,
  ) {
    this.#lib = lib;
    this.#p = p;
    this.linkType = lib.datalink(p);
    const errbuf = Buffer.alloc(ERRBUF_SIZE);
    if (lib.setNonblock(p, 1, errbuf) < 0) this.#fail('E_LINK', 'set non-blocking mode', cString(errbuf));
    const fd = lib.selectableFd(p);
    // The descriptor belongs to the pcap_t: pcap_close frees both.
    this.#fd = fd >= 0 ? new SocketFd(loadLibc(), fd, () => this.#release()) : undefined;
  }

  /** Open `iface` for capture and injection; throws LinkError with a remedy. */
  static open(iface: string, options: PcapOpenOptions = {}): PcapHandle {
    const platform = options.platform ?? process.platform;
    const lib = options.libpcap ?? loadLibpcap(platform);
    const errbuf = Buffer.alloc(ERRBUF_SIZE);
    const p = lib.create(iface, errbuf);
    if (!p) throw new LinkError('E_LINK_NO_DEVICE', `open ${iface}`, cString(errbuf) || 'pcap_create failed', 'list the interfaces with `rawcraft interfaces`', iface);
    lib.setSnaplen(p, options.snaplen ?? DEFAULT_SNAPLEN);
    lib.setPromisc(p, options.promiscuous ? 1 : 0);
    // Deliver each frame at once instead of filling a block first (TPACKET_V3, BPF).
    lib.setImmediateMode(p, options.immediate === false ? 0 : 1);
    lib.setTimeout(p, 10);
    lib.setBufferSize(p, options.bufferSize ?? DEFAULT_BUFFER);
    const status = lib.activate(p);
    if (status < 0) {
      const text = lib.geterr(p);
      lib.close(p);
      throw activationError(iface, status, text, platform);
    }
    const handle = new PcapHandle(iface, lib, p, platform);
    if (options.filter !== undefined) {
      try {
        handle.setFilter(options.filter);
      } catch (error) {
        handle.close();
        throw error;
      }
    }
    return handle;
  }

  get closed(): boolean {
    return this.#p === undefined;
  }

  /** Compile `expression` (pcap-filter(7)) for this interface's link type and attach it in the kernel. */
  setFilter(expression: string): void {
    const p = this.#open('set a filter');
    const program = Buffer.alloc(BPF_PROGRAM_SIZE);
    if (this.#lib.compile(p, program, expression, 1, NETMASK_UNKNOWN) < 0) {
      throw new LinkError('E_LINK_FILTER', `compile filter ${JSON.stringify(expression)}`, this.#lib.geterr(p), 'see pcap-filter(7) for the syntax (the same as tcpdump\'s)', this.iface);
    }
    try {
      if (this.#lib.setFilter(p, program) < 0) this.#fail('E_LINK_FILTER', 'attach the filter', this.#lib.geterr(p));
    } finally {
      this.#lib.freeCode(program);
    }
  }

  /** Send one whole frame, unchanged. Returns its length; throws LinkError. */
  inject(frame: Uint8Array): number {
    const p = this.#open('send');
    const sent = this.#lib.inject(p, frame, frame.length);
    if (sent < 0) {
      const text = this.#lib.geterr(p);
      const code = /permission|not permitted/i.test(text) ? 'E_LINK_PERMISSION' : /down|network is down/i.test(text) ? 'E_LINK_DOWN' : 'E_LINK';
      const remedy =
        code === 'E_LINK_PERMISSION' ? permissionRemedy(this.platform)
        : code === 'E_LINK_DOWN' ? `bring the interface up: ip link set dev ${this.iface} up`
        : /too long|message too long/i.test(text) ? `the frame (${frame.length} bytes) exceeds the interface MTU; fragment it or raise the MTU`
        : 'see the libpcap error above';
      throw new LinkError(code, `send a ${frame.length}-byte frame on ${this.iface}`, text, remedy, this.iface);
    }
    return sent;
  }

  /** The next captured frame, or undefined when none is waiting. */
  next(): CapturedFrame | undefined {
    const p = this.#open('receive');
    const r = this.#lib.nextEx(p, this.#header, this.#data);
    if (r === 0) return undefined;
    if (r < 0) this.#fail('E_LINK', 'receive', r === -2 ? 'end of capture' : this.#lib.geterr(p));
    const h = this.#lib.readHeader(this.#header[0]!);
    return {
      bytes: this.#lib.copy(this.#data[0]!, h.caplen),
      originalLength: h.len,
      timestamp: BigInt(h.seconds) * 1_000_000_000n + BigInt(h.micros) * 1000n,
    };
  }

  /** Wait (at most one ~50 ms poll slice) until a frame may be waiting. */
  async waitReadable(): Promise<void> {
    if (this.#fd) await this.#fd.waitReadable();
    else await new Promise((resolve) => setTimeout(resolve, 5));
  }

  /** Counts since the handle was opened. */
  stats(): CaptureStats {
    const p = this.#open('read statistics');
    if (this.#lib.stats(p, this.#statsBuf) < 0) this.#fail('E_LINK', 'read statistics', this.#lib.geterr(p));
    // Three u_int in host byte order.
    const b = this.#statsBuf;
    const at = (i: number) => (HOST_LE ? b.readUInt32LE(i) : b.readUInt32BE(i));
    return { received: at(0), dropped: at(4), interfaceDropped: at(8) };
  }

  /** Release the handle (deferred while a poll slice still uses its descriptor). Idempotent. */
  close(): void {
    if (this.#fd) this.#fd.close();
    else this.#release();
  }

  #release(): void {
    if (this.#p === undefined) return;
    this.#lib.close(this.#p);
    this.#p = undefined;
  }

  #open(operation: string): PcapPointer {
    if (this.#p === undefined || (this.#fd && this.#fd.fd < 0)) throw new LinkError('E_LINK', `${operation} on ${this.iface}`, 'the handle is closed', 'open a new link transport', this.iface);
    return this.#p;
  }

  #fail(code: 'E_LINK' | 'E_LINK_FILTER', operation: string, detail: string): never {
    throw new LinkError(code, `${operation} on ${this.iface}`, detail, 'see the libpcap error above', this.iface);
  }
}

function activationError(iface: string, status: number, text: string, platform: string): LinkError {
  const op = `open ${iface}`;
  switch (status) {
    case PCAP_ERROR.NO_SUCH_DEVICE:
      return new LinkError('E_LINK_NO_DEVICE', op, text || 'no such device', 'list the interfaces with `rawcraft interfaces`', iface);
    case PCAP_ERROR.PERM_DENIED:
    case PCAP_ERROR.PROMISC_PERM_DENIED:
      return new LinkError('E_LINK_PERMISSION', op, text || 'permission denied', permissionRemedy(platform), iface);
    case PCAP_ERROR.IFACE_NOT_UP:
      return new LinkError('E_LINK_DOWN', op, text || 'the interface is down', `bring it up: ip link set dev ${iface} up`, iface);
    default:
      return new LinkError('E_LINK', op, text || `pcap_activate returned ${status}`, 'see the libpcap error above', iface);
  }
}

function cString(buf: Buffer): string {
  const end = buf.indexOf(0);
  return buf.toString('latin1', 0, end < 0 ? buf.length : end);
}
