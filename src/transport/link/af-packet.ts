/**
 * The Linux fast path of the link transport: an AF_PACKET SOCK_RAW socket bound to one
 * interface, whole frames handed to the driver unchanged, as pcap_inject does (libpcap's Linux
 * inject is send(2) on the same kind of socket), but many per system call with sendmmsg(2).
 *
 * The socket is opened for protocol 0, so it receives nothing (packet(7): no protocol, no
 * frames queued to it); it only sends. Sends never block (MSG_DONTWAIT): a full queue comes back
 * as ENOBUFS/EAGAIN for the transport's backpressure policy. Failures are returned, not thrown,
 * as an errno with the count sent before it, so the caller can resume or name the frame.
 */
import { loadLibc, type Libc } from '../socket/ffi/libc.js';
import { canUseSendmmsg, MmsgBatch, SENDMMSG_MAX } from '../socket/send-many.js';
import { match } from 'ts-pattern';
import { LinkError, type LinkErrorCode } from './errors.js';
import { permissionRemedy } from './pcap-handle.js';

/** AF_PACKET / PF_PACKET (linux/socket.h). */
const AF_PACKET = 17;
/** struct sockaddr_ll { u16 family; be16 protocol; int ifindex; u16 hatype; u8 pkttype; u8 halen; u8 addr[8]; } */
const SOCKADDR_LL_SIZE = 20;

/** What a send achieved: frames sent, and the errno of the first frame that failed (0: none). */
export interface AfPacketResult {
  readonly sent: number;
  readonly errno: number;
}

/** Can this process use the fast path at all (Linux, 64-bit, sendmmsg bound)? */
export function afPacketAvailable(platform: string = process.platform): boolean {
  if (platform !== 'linux') return false;
  try {
    return canUseSendmmsg(loadLibc());
  } catch {
    return false;
  }
}

export class AfPacketSocket {
  readonly #libc: Libc;
  #fd: number;
  #batch: MmsgBatch | undefined;

  private constructor(
    libc: Libc,
    fd: number,
    readonly iface: string,
  ) {
    this.#libc = libc;
    this.#fd = fd;
  }

  /** Open and bind to `iface`; throws LinkError (no such interface, no privilege...). */
  static open(iface: string): AfPacketSocket {
    const libc = loadLibc();
    const c = libc.constants;
    const fd = libc.socket(AF_PACKET, c.SOCK_RAW | c.SOCK_CLOEXEC, 0);
    if (fd < 0) throw linkError(libc, -fd, `open an AF_PACKET socket for ${iface}`, iface);
    const index = libc.ifNameToIndex(iface);
    const address = Buffer.alloc(SOCKADDR_LL_SIZE);
    address.writeUInt16LE(AF_PACKET, 0); // sll_family is host order (little-endian on every LP64 Linux koffi runs on)
    address.writeInt32LE(index, 4);
    const bound = index === 0 ? -c.errno.ENODEV : libc.bind(fd, address, address.length);
    if (bound < 0) {
      libc.close(fd);
      throw linkError(libc, -bound, `bind an AF_PACKET socket to ${iface}`, iface);
    }
    return new AfPacketSocket(libc, fd, iface);
  }

  get closed(): boolean {
    return this.#fd < 0;
  }

  /** Frames `frameAt(start)` .. `frameAt(end - 1)`, in sendmmsg batches; stops at the first failure. */
  sendMany(frameAt: (index: number) => Uint8Array, start: number, end: number): AfPacketResult {
    const libc = this.#libc;
    if (this.#fd < 0) return { sent: 0, errno: libc.constants.errno.EBADF };
    const batch = (this.#batch ??= new MmsgBatch(libc, SENDMMSG_MAX));
    const flags = libc.constants.MSG_DONTWAIT;
    let done = start;
    while (done < end) {
      const count = Math.min(SENDMMSG_MAX, end - done);
      batch.begin();
      for (let i = 0; i < count; i++) batch.set(i, frameAt(done + i), null, 0n);
      // The caller keeps every frame alive for the duration of this synchronous call.
      const r = libc.sendmmsg!(this.#fd, batch.view(count), count, flags);
      if (r <= 0) return { sent: done - start, errno: r < 0 ? -r : libc.constants.errno.EAGAIN };
      done += r;
    }
    return { sent: done - start, errno: 0 };
  }

  /** The error for a failed frame (not for backpressure, which the caller retries). */
  error(errno: number, frame: Uint8Array, index: number, sentBefore: number): LinkError {
    return linkError(this.#libc, errno, `send a ${frame.length}-byte frame on ${this.iface} (packet ${index}; ${sentBefore} sent before it)`, this.iface, frame.length);
  }

  close(): void {
    if (this.#fd < 0) return;
    this.#libc.close(this.#fd);
    this.#fd = -1;
  }
}

/** The errno names the link transport retries after a wait. */
export function isLinkBackpressure(libc: Libc, errno: number): boolean {
  const e = libc.constants.errno;
  return errno === e.ENOBUFS || errno === e.EAGAIN;
}

/** The LinkError code for a failed AF_PACKET call's errno (what linkError() makes, without making it). */
export function linkErrorCode(libc: Libc, errno: number): LinkErrorCode {
  const e = libc.constants.errno;
  if (errno === e.EPERM || errno === e.EACCES) return 'E_LINK_PERMISSION';
  if (errno === e.ENODEV) return 'E_LINK_NO_DEVICE';
  if (errno === e.ENETDOWN || errno === e.ENXIO) return 'E_LINK_DOWN';
  return 'E_LINK';
}

function linkError(libc: Libc, errno: number, operation: string, iface: string, size?: number): LinkError {
  const detail = `${libc.errnoName(errno)}: ${libc.strerror(errno)}`;
  const code = linkErrorCode(libc, errno);
  const remedy = match(code)
    .with('E_LINK_PERMISSION', () => permissionRemedy('linux'))
    .with('E_LINK_NO_DEVICE', () => 'list the interfaces with `rawcraft interfaces`')
    .with('E_LINK_DOWN', () => `bring the interface up: ip link set dev ${iface} up`)
    .otherwise(() => (errno === libc.constants.errno.EMSGSIZE ? `the frame (${size ?? '?'} bytes) exceeds the interface MTU; fragment it or raise the MTU` : 'see the error above'));
  return new LinkError(code, operation, detail, remedy, iface);
}
