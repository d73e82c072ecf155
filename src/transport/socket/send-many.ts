/**
 * Packs a batch of datagrams into `struct mmsghdr[]` for Linux sendmmsg(2), one system call
 * for up to 1024 datagrams. The structs point straight at the caller's packet bytes and at
 * the cached sockaddrs, so nothing is copied. Layout for LP64 Linux (x86_64, arm64...):
 *
 *   struct msghdr  { void *name; u32 namelen; (pad 4) struct iovec *iov; size_t iovlen;
 *                    void *control; size_t controllen; int flags; (pad 4) }       = 56 bytes
 *   struct mmsghdr { struct msghdr hdr; u32 len; (pad 4) }                         = 64 bytes
 *   struct iovec   { void *base; size_t len; }                                     = 16 bytes
 *
 * The arrays are prepared once (each slot's iov pointer and count never change). A datagram is
 * either copied into the batch's arena (a datagram seen once: no call into C to learn its
 * address) or pointed at where it lives (a datagram given again right after: its address is
 * learnt once, and a slot that points at the same datagram as last time is not written again).
 * So a batch of different datagrams costs one small copy each, and one datagram sent many times
 * two identity checks each; neither makes a call into C per datagram. A slot keeps its packet
 * reachable until it is overwritten or the batch is dropped.
 */
import { endianness } from 'node:os';
import type { Libc } from './ffi/libc.js';

/** Linux caps one sendmmsg call at UIO_MAXIOV messages. */
export const SENDMMSG_MAX = 1024;
const MMSGHDR_SIZE = 64;
const IOVEC_SIZE = 16;

/** True when this process can use the packed layout above. */
export function canUseSendmmsg(libc: Libc): boolean {
  return libc.sendmmsg !== undefined && libc.pointerSize === 8;
}

/** Bytes of the copy arena: room for 1024 datagrams of up to 256 bytes, or fewer larger ones. */
const ARENA_SIZE = 256 * 1024;
/** Larger datagrams are pointed at, not copied. */
const COPY_MAX = 2048;

export class MmsgBatch {
  readonly msgvec: Buffer;
  readonly #iov: Buffer;
  readonly #arena: Buffer;
  readonly #arenaAddress: number;
  #arenaUsed = 0;
  readonly #le = endianness() === 'LE';
  /** What each slot holds now (undefined: never written), and whether it points at the packet itself (not a copy). */
  readonly #slotBytes: (Uint8Array | undefined)[];
  readonly #slotPoints: boolean[];
  readonly #slotName: (Uint8Array | null | undefined)[];
  /** The last packet pointed at, and its address (valid as long as the packet lives: we hold it). */
  #pinned: Uint8Array | undefined;
  #pinnedAddress = 0;
  /** The last packet copied in this fill, and where its copy is. */
  #copied: Uint8Array | undefined;
  #copiedAddress = 0;

  constructor(
    private readonly libc: Libc,
    readonly capacity: number = SENDMMSG_MAX,
  ) {
    // Allocated once per socket and reused; Buffer.alloc of this size lives outside the V8 heap.
    this.msgvec = Buffer.alloc(capacity * MMSGHDR_SIZE);
    this.#iov = Buffer.alloc(capacity * IOVEC_SIZE);
    this.#arena = Buffer.alloc(ARENA_SIZE);
    this.#slotBytes = new Array<Uint8Array | undefined>(capacity).fill(undefined);
    this.#slotPoints = new Array<boolean>(capacity).fill(false);
    this.#slotName = new Array<Uint8Array | null | undefined>(capacity).fill(undefined);
    // User-space addresses fit in 53 bits (x86_64 and arm64 use at most 48 or 52), so plain
    // numbers do the arithmetic: a BigInt per slot would cost milliseconds per socket.
    this.#arenaAddress = Number(libc.addressOf(this.#arena));
    const iovAddress = Number(libc.addressOf(this.#iov));
    for (let i = 0; i < capacity; i++) {
      this.#pointer(this.msgvec, i * MMSGHDR_SIZE + 16, iovAddress + i * IOVEC_SIZE);
      this.#pointer(this.msgvec, i * MMSGHDR_SIZE + 24, 1);
    }
    // control, controllen, flags stay 0 (zeroed at allocation, never written); the kernel writes msg_len.
  }

  /** Start filling the slots for one call (the arena's copies of the previous call may be overwritten). */
  begin(): void {
    this.#arenaUsed = 0;
    this.#copied = undefined;
  }

  /** Fill slot `i` with one datagram; `sockaddr` may be null on a connected or bound packet socket. Call begin() first. */
  set(i: number, bytes: Uint8Array, sockaddr: Uint8Array | null, sockaddrAddress: bigint): void {
    // A slot pointing at this very packet is still right (a copy might not be: the packet may have changed since).
    if (this.#slotBytes[i] !== bytes || !this.#slotPoints[i]) {
      let address: number;
      let points = true;
      if (bytes === this.#pinned) {
        address = this.#pinnedAddress;
      } else if (bytes === this.#copied) {
        // Given again right after: from now on point at it (its address learnt once).
        address = this.#pinnedAddress = Number(this.libc.addressOf(bytes));
        this.#pinned = bytes;
      } else if (bytes.length <= COPY_MAX && this.#arenaUsed + bytes.length <= ARENA_SIZE) {
        address = this.#copiedAddress = this.#arenaAddress + this.#arenaUsed;
        this.#arena.set(bytes, this.#arenaUsed);
        this.#arenaUsed += (bytes.length + 7) & ~7;
        this.#copied = bytes;
        points = false;
      } else {
        address = this.#pinnedAddress = bytes.length === 0 ? 0 : Number(this.libc.addressOf(bytes));
        this.#pinned = bytes;
      }
      const v = i * IOVEC_SIZE;
      this.#pointer(this.#iov, v, address);
      this.#pointer(this.#iov, v + 8, bytes.length);
      this.#slotBytes[i] = bytes;
      this.#slotPoints[i] = points;
    }
    if (this.#slotName[i] !== sockaddr) {
      const m = i * MMSGHDR_SIZE;
      this.#pointer(this.msgvec, m, sockaddr ? Number(sockaddrAddress) : 0);
      this.#u32(this.msgvec, m + 8, sockaddr ? sockaddr.length : 0);
      this.#slotName[i] = sockaddr;
    }
  }

  /** View of the first `count` structs, for the call. */
  view(count: number): Buffer {
    return this.msgvec.subarray(0, count * MMSGHDR_SIZE);
  }

  /** A 64-bit pointer or size from a number below 2^53. */
  #pointer(buf: Buffer, offset: number, value: number): void {
    const low = value % 0x1_0000_0000;
    const high = (value - low) / 0x1_0000_0000;
    this.#u32(buf, offset + (this.#le ? 0 : 4), low);
    this.#u32(buf, offset + (this.#le ? 4 : 0), high);
  }

  #u32(buf: Buffer, offset: number, value: number): void {
    if (this.#le) buf.writeUInt32LE(value, offset);
    else buf.writeUInt32BE(value, offset);
  }
}
