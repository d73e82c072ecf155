/**
 * Packs a batch of datagrams into `struct mmsghdr[]` for Linux sendmmsg(2), one system call
 * for up to 1024 datagrams. The structs point straight at the caller's packet bytes and at
 * the cached sockaddrs, so nothing is copied. Layout for LP64 Linux (x86_64, arm64...):
 *
 *   struct msghdr  { void *name; u32 namelen; (pad 4) struct iovec *iov; size_t iovlen;
 *                    void *control; size_t controllen; int flags; (pad 4) }       = 56 bytes
 *   struct mmsghdr { struct msghdr hdr; u32 len; (pad 4) }                         = 64 bytes
 *   struct iovec   { void *base; size_t len; }                                     = 16 bytes
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
  readonly #iovAddress: bigint;
  readonly #le = endianness() === 'LE';

  constructor(
    private readonly libc: Libc,
    readonly capacity: number = SENDMMSG_MAX,
  ) {
    // Allocated once per socket and reused; Buffer.alloc of this size lives outside the V8 heap.
    this.msgvec = Buffer.alloc(capacity * MMSGHDR_SIZE);
    this.#iov = Buffer.alloc(capacity * IOVEC_SIZE);
    this.#iovAddress = libc.addressOf(this.#iov);
  }

  /** Fill slot `i` with one datagram; `sockaddr` may be null on a connected socket. */
  set(i: number, bytes: Uint8Array, sockaddr: Uint8Array | null, sockaddrAddress: bigint): void {
    const m = i * MMSGHDR_SIZE;
    const v = i * IOVEC_SIZE;
    this.#u64(this.#iov, v, bytes.length === 0 ? 0n : this.libc.addressOf(bytes));
    this.#u64(this.#iov, v + 8, BigInt(bytes.length));
    this.#u64(this.msgvec, m, sockaddr ? sockaddrAddress : 0n);
    this.#u32(this.msgvec, m + 8, sockaddr ? sockaddr.length : 0);
    this.#u64(this.msgvec, m + 16, this.#iovAddress + BigInt(v));
    this.#u64(this.msgvec, m + 24, 1n);
    // control, controllen, flags, msg_len stay 0 (zeroed at allocation, never written).
  }

  /** View of the first `count` structs, for the call. */
  view(count: number): Buffer {
    return this.msgvec.subarray(0, count * MMSGHDR_SIZE);
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
