/**
 * The kernel's own route lookup on Linux, asked over rtnetlink as `ip route get` does
 * (RTM_GETROUTE, rtnetlink(7)): the answer goes through the policy rules (`ip rule`), every
 * routing table and local addresses, exactly as a datagram sent by this process would.
 * The interface index of the answer is turned into a name with RTM_GETLINK.
 */
import { isIPv4 } from 'node:net';
import { parseIpv4, parseIpv6, readIpv6 } from '../../codec/bytes.js';
import { loadLibc, type Libc } from '../socket/ffi/libc.js';

/** What the kernel answered for one destination. */
export interface KernelRoute {
  readonly interface: string;
  /** The gateway, when the route has one. */
  readonly gateway: string | undefined;
  /** The source address the kernel would use (RTA_PREFSRC). */
  readonly source: string | undefined;
  /** The destination is an address of this host (RTN_LOCAL). */
  readonly local: boolean;
  /** Routing table the answer came from. */
  readonly table: number | undefined;
}

const AF_NETLINK = 16;
const AF_INET = 2;
const AF_INET6 = 10;
const SOCK_RAW_CLOEXEC = 3 | 0x80000;
const NETLINK_ROUTE = 0;
const MSG_DONTWAIT = 0x40;
const NLM_F_REQUEST = 1;
const NLMSG_ERROR = 2;
const RTM_NEWLINK = 16;
const RTM_GETLINK = 18;
const RTM_NEWROUTE = 24;
const RTM_GETROUTE = 26;
const RTM_F_LOOKUP_TABLE = 0x1000;
const RTN_LOCAL = 2;
const RTA = { DST: 1, SRC: 2, OIF: 4, GATEWAY: 5, PREFSRC: 7, TABLE: 15 } as const;
const IFLA_IFNAME = 3;
/** Errors that mean "no route" (ENETUNREACH, EHOSTUNREACH, EACCES from a prohibit rule/route). */
const NO_ROUTE = new Set([101, 113, 13]);

let sequence = 1;

/**
 * The kernel's route to `destination` (from `source` when given, for `from` policy rules);
 * `null` when the kernel has none; undefined when it could not be asked (not Linux, no libc).
 * @example
 * {@includeCode ../../../examples/api-link.ts#routes-link}
 */
export function netlinkRoute(destination: string, source?: string): KernelRoute | null | undefined {
  if (process.platform !== 'linux') return undefined;
  const v4 = isIPv4(destination);
  const dst = address(destination, v4);
  if (!dst) return undefined;
  const src = source === undefined ? undefined : address(source, v4);
  let libc: Libc;
  try {
    libc = loadLibc();
  } catch {
    return undefined;
  }
  const fd = libc.socket(AF_NETLINK, SOCK_RAW_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) return undefined;
  try {
    // struct rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type, flags.
    const rtmsg = Buffer.alloc(12);
    rtmsg[0] = v4 ? AF_INET : AF_INET6;
    rtmsg[1] = dst.length * 8;
    rtmsg[2] = src ? src.length * 8 : 0;
    rtmsg.writeUInt32LE(RTM_F_LOOKUP_TABLE, 8);
    const reply = request(libc, fd, RTM_GETROUTE, rtmsg, [attribute(RTA.DST, dst), ...(src ? [attribute(RTA.SRC, src)] : [])]);
    if (typeof reply === 'number') return NO_ROUTE.has(reply) ? null : undefined;
    if (reply.type !== RTM_NEWROUTE) return undefined;
    const attrs = attributes(reply.body, 12);
    const oif = attrs.get(RTA.OIF);
    if (!oif) return undefined;
    const name = linkName(libc, fd, oif.readInt32LE(0));
    if (name === undefined) return undefined;
    const text = (b: Buffer | undefined) => (b === undefined ? undefined : v4 ? [...b].join('.') : readIpv6(b, 0));
    return { interface: name, gateway: text(attrs.get(RTA.GATEWAY)), source: text(attrs.get(RTA.PREFSRC)), local: reply.body[7] === RTN_LOCAL, table: attrs.get(RTA.TABLE)?.readUInt32LE(0) };
  } finally {
    libc.close(fd);
  }
}

function address(text: string, v4: boolean): Buffer | undefined {
  if (v4) {
    const n = parseIpv4(text);
    if (n === undefined) return undefined;
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n >>> 0);
    return b;
  }
  const bytes = parseIpv6(text.replace(/%.*$/, ''));
  return bytes ? Buffer.from(bytes) : undefined;
}

/** One rtattr: length, type, data padded to 4 bytes. */
function attribute(type: number, data: Buffer): Buffer {
  const a = Buffer.alloc(4 + ((data.length + 3) & ~3));
  a.writeUInt16LE(4 + data.length, 0);
  a.writeUInt16LE(type, 2);
  data.copy(a, 4);
  return a;
}

function attributes(body: Buffer, offset: number): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  for (let at = offset; at + 4 <= body.length; ) {
    const length = body.readUInt16LE(at);
    if (length < 4 || at + length > body.length) break;
    out.set(body.readUInt16LE(at + 2) & 0x3fff, body.subarray(at + 4, at + length));
    at += (length + 3) & ~3;
  }
  return out;
}

/**
 * Send one request and read its answer: the message (type and body after the header), or a
 * positive errno. rtnetlink answers within the send, so the read never waits.
 */
function request(libc: Libc, fd: number, type: number, fixed: Buffer, attrs: Buffer[]): { type: number; body: Buffer } | number {
  const body = Buffer.concat([fixed, ...attrs]);
  const message = Buffer.alloc(16 + body.length);
  const seq = sequence++;
  message.writeUInt32LE(message.length, 0);
  message.writeUInt16LE(type, 4);
  message.writeUInt16LE(NLM_F_REQUEST, 6);
  message.writeUInt32LE(seq, 8);
  body.copy(message, 16);
  const kernel = Buffer.alloc(12); // struct sockaddr_nl: the kernel is pid 0
  kernel.writeUInt16LE(AF_NETLINK, 0);
  if (libc.sendto(fd, message, message.length, 0, kernel, kernel.length) < 0) return 0;
  const buf = Buffer.alloc(16384);
  const from = Buffer.alloc(12);
  for (;;) {
    const n = libc.recvfrom(fd, buf, buf.length, MSG_DONTWAIT, from, Uint32Array.of(from.length));
    if (n < 16) return 0;
    const length = buf.readUInt32LE(0);
    if (buf.readUInt32LE(8) !== seq || length > n) continue;
    const answer = buf.readUInt16LE(4);
    if (answer === NLMSG_ERROR) return -buf.readInt32LE(16);
    return { type: answer, body: Buffer.from(buf.subarray(16, length)) };
  }
}

/** The name of interface `index` (RTM_GETLINK, IFLA_IFNAME). */
function linkName(libc: Libc, fd: number, index: number): string | undefined {
  const ifinfomsg = Buffer.alloc(16); // family, pad, type, index, flags, change
  ifinfomsg.writeInt32LE(index, 4);
  const reply = request(libc, fd, RTM_GETLINK, ifinfomsg, []);
  if (typeof reply === 'number' || reply.type !== RTM_NEWLINK) return undefined;
  const name = attributes(reply.body, 16).get(IFLA_IFNAME);
  return name?.toString('latin1').replace(/\0.*$/s, '');
}
