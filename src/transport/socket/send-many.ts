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
 * The arrays are prepared once (each slot's iov pointer and count never change) and each slot
 * remembers what it points at: a slot that gets the same packet object and sockaddr as last
 * time is not written again, so sending one datagram many times costs two identity checks per
 * datagram. A slot keeps its packet reachable until it is overwritten or the batch is dropped.
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

export class MmsgBatch {
  readonly msgvec: Buffer;
  readonly #iov: Buffer;
  readonly #le = endianness() === 'LE';
  /** What each slot points at now (undefined: never written). */
  readonly #slotBytes: (Uint8Array | undefined)[];
  readonly #slotName: (Uint8Array | null | undefined)[];
  /** The last packet whose address was looked up, and that address (one koffi call per distinct packet in a row). */
  #lastBytes: Uint8Array | undefined;
  #lastAddress = 0n;

  constructor(
    private readonly libc: Libc,
    readonly capacity: number = SENDMMSG_MAX,
  ) {
    // Allocated once per socket and reused; Buffer.alloc of this size lives outside the V8 heap.
    this.msgvec = Buffer.alloc(capacity * MMSGHDR_SIZE);
    this.#iov = Buffer.alloc(capacity * IOVEC_SIZE);
    this.#slotBytes = new Array<Uint8Array | undefined>(capacity).fill(undefined);
    this.#slotName = new Array<Uint8Array | null | undefined>(capacity).fill(undefined);
    // User-space addresses fit in 53 bits (x86_64 and arm64 use at most 48 or 52), so plain
    // numbers do the arithmetic: a BigInt per slot would cost milliseconds per socket.
    const iovAddress = Number(libc.addressOf(this.#iov));
    for (let i = 0; i < capacity; i++) {
      const pointer = iovAddress + i * IOVEC_SIZE;
      this.#u32(this.msgvec, i * MMSGHDR_SIZE + 16 + (this.#le ? 0 : 4), pointer % 2 ** 32);
      this.#u32(this.msgvec, i * MMSGHDR_SIZE + 20 - (this.#le ? 0 : 4), Math.floor(pointer / 2 ** 32));
      this.#u32(this.msgvec, i * MMSGHDR_SIZE + 24 + (this.#le ? 0 : 4), 1);
    }
    // control, controllen, flags stay 0 (zeroed at allocation, never written); the kernel writes msg_len.
  }

  /** Fill slot `i` with one datagram; `sockaddr` may be null on a connected or bound packet socket. */
  set(i: number, bytes: Uint8Array, sockaddr: Uint8Array | null, sockaddrAddress: bigint): void {
    if (this.#slotBytes[i] !== bytes) {
      const v = i * IOVEC_SIZE;
      this.#u64(this.#iov, v, bytes.length === 0 ? 0n : this.#addressOf(bytes));
      this.#u64(this.#iov, v + 8, BigInt(bytes.length));
      this.#slotBytes[i] = bytes;
    }
    if (this.#slotName[i] !== sockaddr) {
      const m = i * MMSGHDR_SIZE;
      this.#u64(this.msgvec, m, sockaddr ? sockaddrAddress : 0n);
      this.#u32(this.msgvec, m + 8, sockaddr ? sockaddr.length : 0);
      this.#slotName[i] = sockaddr;
    }
  }

  /** View of the first `count` structs, for the call. */
  view(count: number): Buffer {
    return this.msgvec.subarray(0, count * MMSGHDR_SIZE);
  }

  #addressOf(bytes: Uint8Array): bigint {
    if (bytes !== this.#lastBytes) {
      this.#lastAddress = this.libc.addressOf(bytes);
      this.#lastBytes = bytes;
    }
    return this.#lastAddress;
  }

  #u64(buf: Buffer, offset: number, value: bigint): void {
    if (this.#le) buf.writeBigUInt64LE(value, offset);
    else buf.writeBigUInt64BE(value, offset);
  }

  #u32(buf: Buffer, offset: number, value: number): void {
    if (this.#le) buf.writeUInt32LE(value, offset);
    else buf.writeUInt32BE(value, offset);
  }
}
