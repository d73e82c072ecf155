/**
 * Linux recvmmsg(2) for the raw sockets: many datagrams per call into slots prepared once, each
 * with its source address and the kernel's arrival stamp (an SO_TIMESTAMPNS control message).
 * One call per burst instead of one recvfrom per datagram is what lets a receive loop keep up
 * with a flood. Layout for LP64 Linux, as in send-many.ts:
 *
 *   struct msghdr  { void *name; u32 namelen; (pad) struct iovec *iov; size_t iovlen;
 *                    void *control; size_t controllen; int flags; (pad) }  = 56 bytes
 *   struct mmsghdr { struct msghdr hdr; u32 len; (pad) }                   = 64 bytes
 *   struct cmsghdr { size_t len; int level; int type; } then the data (struct timespec: 2 x i64)
 *
 * A slot holds a whole datagram (64 KiB); the receiver starts with one slot and grows to
 * MAX_SLOTS the first time a read fills every slot (a burst), so quiet sockets stay small.
 */
import koffi from 'koffi';
import { endianness } from 'node:os';
import type { Libc } from './ffi/libc.js';

/** SOL_SOCKET / SO_TIMESTAMPNS (SO_TIMESTAMPNS_OLD, asm-generic: 35; SCM_TIMESTAMPNS is the same number). */
const SO_TIMESTAMPNS = 35;
const SOL_SOCKET = 1;
const MSG_TRUNC = 0x20;
const MMSGHDR_SIZE = 64;
const IOVEC_SIZE = 16;
const NAME_SIZE = 128;
const CONTROL_SIZE = 64;
const SLOT_SIZE = 65536;
const MAX_SLOTS = 32;
/** Receivers of closed sockets kept for the next sockets (each holds up to 2 MiB of slots). */
const MAX_SPARE = 4;
const spare: MmsgReceiver[] = [];

type CFunction = (...args: unknown[]) => unknown;
let recvmmsg: CFunction | null | undefined;

function bind(libc: Libc): CFunction | null {
  if (libc.constants.os !== 'linux' || libc.pointerSize !== 8 || endianness() !== 'LE') return null;
  let lib: ReturnType<typeof koffi.load>;
  try {
    lib = koffi.load(libc.constants.libc);
  } catch {
    lib = koffi.load(null);
  }
  return lib.func('int recvmmsg(int fd, void *msgvec, unsigned int vlen, int flags, void *timeout)') as unknown as CFunction;
}

/** One datagram of the last read. */
export interface SlotView {
  readonly data: Buffer;
  readonly name: Buffer;
  readonly nameLength: number;
  /** The datagram was longer than the slot (never for IP: a slot holds 64 KiB). */
  readonly truncated: boolean;
  /** SO_TIMESTAMPNS stamp: seconds and nanoseconds (0n, 0n when absent). */
  readonly seconds: bigint;
  readonly nanoseconds: bigint;
}

export class MmsgReceiver {
  readonly #libc: Libc;
  readonly #call: CFunction;
  #capacity = 0;
  #msgvec!: Buffer;
  #iov!: Buffer;
  #data!: Buffer;
  #names!: Buffer;
  #control!: Buffer;

  /** How many receivers were made in this process (tests: sockets opened one after another share a few). */
  static made = 0;

  private constructor(libc: Libc, call: CFunction) {
    MmsgReceiver.made++;
    this.#libc = libc;
    this.#call = call;
    this.#allocate(1);
  }

  /**
   * A receiver for `fd` with arrival stamps turned on; undefined where recvmmsg is not available
   * (then use recvfrom). It takes the slots a closed socket gave back when there are any:
   * request() opens a socket per call, and making and zeroing the slots (2 MiB once grown) was
   * most of what a round trip on 127.0.0.1 cost.
   */
  static open(libc: Libc, fd: number): MmsgReceiver | undefined {
    const call = recvmmsg === undefined ? (recvmmsg = bind(libc)) : recvmmsg;
    if (!call) return undefined;
    // Without stamps the datagrams still arrive: their read time stands in (receivedAt).
    libc.setsockoptInt(fd, SOL_SOCKET, SO_TIMESTAMPNS, 1);
    const index = spare.findIndex((r) => r.#libc === libc);
    return index >= 0 ? spare.splice(index, 1)[0] : new MmsgReceiver(libc, call);
  }

  /**
   * Give the slots back when the socket closes, for the next socket to take. Nothing of the last
   * read may be used after this (the socket copies each datagram out of its slot as it reads it).
   */
  release(): void {
    this.#pendingGrowth = false;
    if (spare.length < MAX_SPARE && !spare.includes(this)) spare.push(this);
  }

  /** One non-blocking recvmmsg: the number of datagrams read (0: none queued), or -errno. */
  read(fd: number): number {
    const c = this.#libc.constants;
    const n = this.#capacity;
    const m = this.#msgvec;
    for (let i = 0; i < n; i++) {
      // In/out fields: the kernel overwrites them with what it wrote.
      m.writeUInt32LE(NAME_SIZE, i * MMSGHDR_SIZE + 8);
      m.writeUInt32LE(CONTROL_SIZE, i * MMSGHDR_SIZE + 40);
    }
    const r = Number(this.#call(fd, m, n, c.MSG_DONTWAIT, null));
    if (r < 0) {
      const errno = koffi.errno();
      return errno === c.errno.EAGAIN ? 0 : -errno;
    }
    // A full read is a burst: take more per call from now on.
    if (r === n && n < MAX_SLOTS) this.#pendingGrowth = true;
    return r;
  }

  #pendingGrowth = false;

  /** Call after the datagrams of the last read were taken: grows the slots if that read was a burst. */
  settle(): void {
    if (this.#pendingGrowth) {
      this.#pendingGrowth = false;
      this.#allocate(MAX_SLOTS);
    }
  }

  /** Slot `i` of the last read (views into the slots: copy what you keep before the next read). */
  slot(i: number): SlotView {
    const base = i * MMSGHDR_SIZE;
    const m = this.#msgvec;
    const length = m.readUInt32LE(base + 56);
    const flags = m.readInt32LE(base + 48);
    const controlLength = Number(m.readBigUInt64LE(base + 40));
    let seconds = 0n;
    let nanoseconds = 0n;
    // Walk the control messages for SCM_TIMESTAMPNS.
    const control = this.#control.subarray(i * CONTROL_SIZE, i * CONTROL_SIZE + Math.min(controlLength, CONTROL_SIZE));
    for (let at = 0; at + 16 <= control.length; ) {
      const len = Number(control.readBigUInt64LE(at));
      if (len < 16) break;
      if (control.readInt32LE(at + 8) === SOL_SOCKET && control.readInt32LE(at + 12) === SO_TIMESTAMPNS && len >= 32) {
        seconds = control.readBigInt64LE(at + 16);
        nanoseconds = control.readBigInt64LE(at + 24);
      }
      at += (len + 7) & ~7;
    }
    return {
      data: this.#data.subarray(i * SLOT_SIZE, i * SLOT_SIZE + Math.min(length, SLOT_SIZE)),
      name: this.#names.subarray(i * NAME_SIZE, (i + 1) * NAME_SIZE),
      nameLength: m.readUInt32LE(base + 8),
      truncated: (flags & MSG_TRUNC) !== 0,
      seconds,
      nanoseconds,
    };
  }

  #allocate(capacity: number): void {
    const libc = this.#libc;
    this.#capacity = capacity;
    this.#msgvec = Buffer.alloc(capacity * MMSGHDR_SIZE);
    this.#iov = Buffer.alloc(capacity * IOVEC_SIZE);
    // Not zeroed: only what the kernel wrote into a slot (its length) is ever read.
    this.#data = Buffer.allocUnsafeSlow(capacity * SLOT_SIZE);
    this.#names = Buffer.alloc(capacity * NAME_SIZE);
    this.#control = Buffer.alloc(capacity * CONTROL_SIZE);
    // Addresses fit in 53 bits (see send-many.ts): number arithmetic, BigInt only to write.
    const iov = Number(libc.addressOf(this.#iov));
    const data = Number(libc.addressOf(this.#data));
    const names = Number(libc.addressOf(this.#names));
    const control = Number(libc.addressOf(this.#control));
    for (let i = 0; i < capacity; i++) {
      const m = i * MMSGHDR_SIZE;
      this.#iov.writeBigUInt64LE(BigInt(data + i * SLOT_SIZE), i * IOVEC_SIZE);
      this.#iov.writeBigUInt64LE(BigInt(SLOT_SIZE), i * IOVEC_SIZE + 8);
      this.#msgvec.writeBigUInt64LE(BigInt(names + i * NAME_SIZE), m);
      this.#msgvec.writeBigUInt64LE(BigInt(iov + i * IOVEC_SIZE), m + 16);
      this.#msgvec.writeBigUInt64LE(1n, m + 24);
      this.#msgvec.writeBigUInt64LE(BigInt(control + i * CONTROL_SIZE), m + 32);
    }
  }
}
