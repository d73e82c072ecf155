/**
 * Shared test helpers: the privilege guard, hand-built ICMP / IPv4 bytes (kept local on
 * purpose: the project's codec is developed separately), and a way to run the transport
 * code in a child Node process (unprivileged user, process-exit and GC checks).
 */
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RawSocket, TransportError, type ReceivedDatagram, type RawSocketOptions } from '../../src/transport/index.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const IN_CI = process.env.CI === 'true';

/** Can this process open raw sockets? Probed once. */
export const rawAccess: { ok: true } | { ok: false; reason: string } = probe();

function probe(): { ok: true } | { ok: false; reason: string } {
  try {
    RawSocket.open({ family: 4, protocol: 1 }).close();
    return { ok: true };
  } catch (err) {
    if (err instanceof TransportError && err.syscall === 'socket' && (err.errnoName === 'EPERM' || err.errnoName === 'EACCES')) {
      return { ok: false, reason: err.message };
    }
    throw err;
  }
}

/**
 * Privilege guard for one test: skip without raw-socket rights, except in CI
 * (CI=true), where missing rights are a failure.
 */
export function requireRaw(ctx: { skip: (note?: string) => void }): void {
  if (rawAccess.ok) return;
  if (IN_CI) throw new Error(`CI=true but raw sockets are unavailable: ${rawAccess.reason}`);
  ctx.skip(`no raw-socket privilege: ${rawAccess.reason}`);
}

/** RFC 1071 Internet checksum of `bytes` (one's complement of the one's-complement sum). */
export function internetChecksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i + 1 < bytes.length; i += 2) sum += (bytes[i] << 8) | bytes[i + 1];
  if (bytes.length % 2) sum += bytes[bytes.length - 1] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** ICMP (v4) echo request/reply with a correct checksum. For ICMPv6 pass type 128 and leave the checksum to the kernel. */
export function icmpEcho(opts: { type?: number; id: number; seq: number; payload?: Uint8Array; checksum?: boolean }): Buffer {
  const payload = opts.payload ?? Buffer.from('rawcraft transport test');
  const b = Buffer.alloc(8 + payload.length);
  b[0] = opts.type ?? 8;
  b[1] = 0;
  b.writeUInt16BE(opts.id, 4);
  b.writeUInt16BE(opts.seq, 6);
  b.set(payload, 8);
  if (opts.checksum !== false) b.writeUInt16BE(internetChecksum(b), 2);
  return b;
}

/** A 20-byte IPv4 header (no options) in front of `payload`, every field set and checksummed. */
export function ipv4Packet(opts: { src: number[]; dst: number[]; protocol: number; id: number; ttl?: number; payload: Uint8Array }): Buffer {
  const b = Buffer.alloc(20 + opts.payload.length);
  b[0] = 0x45; // version 4, IHL 5
  b[1] = 0; // DSCP/ECN
  b.writeUInt16BE(b.length, 2);
  b.writeUInt16BE(opts.id, 4);
  b.writeUInt16BE(0x4000, 6); // DF, offset 0
  b[8] = opts.ttl ?? 64;
  b[9] = opts.protocol;
  b.set(opts.src, 12);
  b.set(opts.dst, 16);
  b.writeUInt16BE(internetChecksum(b.subarray(0, 20)), 10);
  b.set(opts.payload, 20);
  return b;
}

/**
 * An IPv6 header (no extension headers) in front of an ICMPv6 message whose checksum is
 * computed here over the pseudo-header (RFC 8200 section 8.1), as nobody else will with IPV6_HDRINCL.
 */
export function ipv6IcmpPacket(opts: { src: Uint8Array; dst: Uint8Array; hopLimit?: number; icmp: Buffer }): Buffer {
  const icmp = Buffer.from(opts.icmp);
  icmp.writeUInt16BE(0, 2);
  const pseudo = Buffer.alloc(40 + icmp.length);
  pseudo.set(opts.src, 0);
  pseudo.set(opts.dst, 16);
  pseudo.writeUInt32BE(icmp.length, 32);
  pseudo[39] = 58; // next header: ICMPv6
  pseudo.set(icmp, 40);
  icmp.writeUInt16BE(internetChecksum(pseudo), 2);
  const b = Buffer.alloc(40 + icmp.length);
  b.writeUInt32BE(6 << 28, 0); // version 6, traffic class 0, flow label 0
  b.writeUInt16BE(icmp.length, 4);
  b[6] = 58;
  b[7] = opts.hopLimit ?? 64;
  b.set(opts.src, 8);
  b.set(opts.dst, 24);
  b.set(icmp, 40);
  return b;
}

/** A fresh ICMP identifier, different for each call and process. */
let idCounter = 0;
export function freshId(): number {
  return (process.pid * 31 + ++idCounter * 7919 + Math.floor(Math.random() * 1000)) & 0xffff || 1;
}

/** First datagram that passes `match` within `timeoutMs`, or undefined. */
export async function first(
  socket: RawSocket,
  match: (d: ReceivedDatagram) => boolean,
  timeoutMs = 2000,
): Promise<ReceivedDatagram | undefined> {
  for await (const d of socket.receive({ timeoutMs, filter: match })) return d;
  return undefined;
}

/** Offset of the ICMP header in a datagram from `socket` (IPv4 delivers the IP header too). */
export function icmpOffset(d: ReceivedDatagram): number {
  return d.includesIpHeader ? (d.bytes[0] & 0x0f) * 4 : 0;
}

/** Is `d` an ICMP(v6) message of `type` with this id/seq? */
export function isEcho(d: ReceivedDatagram, type: number, id: number, seq?: number): boolean {
  const o = icmpOffset(d);
  if (d.bytes.length < o + 8 || d.bytes[o] !== type) return false;
  if (d.bytes.readUInt16BE(o + 4) !== id) return false;
  return seq === undefined || d.bytes.readUInt16BE(o + 6) === seq;
}

/** Open descriptors of this process. */
export function fdCount(): number {
  return readdirSync('/proc/self/fd').length;
}

export type { RawSocketOptions };

/**
 * Transpile all of src (the transport layer now uses the codec, capture and builders) to plain
 * ESM in a temp directory any user can read, so a child `node` can import it without a TS
 * loader. Transpiled files are cached by content in the temp directory, so only changed files
 * cost a compile. Returns the directory; `src/transport/index.js` and `src/index.js` are entry points.
 */
export async function buildTransportForChild(): Promise<{ dir: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'rawcraft-transport-'));
  const cache = join(tmpdir(), 'rawcraft-transpile-cache');
  mkdirSync(cache, { recursive: true });
  let ts: typeof import('typescript') | undefined;
  for (const file of listTs(join(ROOT, 'src'))) {
    const source = readFileSync(file, 'utf8');
    const cached = join(cache, `${createHash('sha256').update(source).digest('hex')}.js`);
    let js: string;
    if (existsSync(cached)) {
      js = readFileSync(cached, 'utf8');
    } else {
      // Loaded only on a cache miss: the compiler is large and slow to load.
      ts ??= (await import('typescript')).default;
      js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
      const tmp = `${cached}.${process.pid}.tmp`;
      writeFileSync(tmp, js);
      renameSync(tmp, cached); // atomic: parallel test files may fill the cache at once
    }
    const out = join(dir, relative(ROOT, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, js);
  }
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  // Copies, not a symlink: the checkout itself may not be readable by the unprivileged child
  // (a clone inside a 0700 directory), but the runtime dependencies must be.
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const name of [...Object.keys(pkg.dependencies), '@koromix']) {
    const from = join(ROOT, 'node_modules', name);
    if (existsSync(from)) cpSync(from, join(dir, 'node_modules', name), { recursive: true, dereference: true });
  }
  // mkdtemp makes the directory 0700; the unprivileged child must be able to read it.
  chmodTree(dir);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function listTs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listTs(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function chmodTree(dir: string): void {
  chmodSync(dir, 0o755);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isSymbolicLink()) continue;
    if (e.isDirectory()) chmodTree(join(dir, e.name));
    else chmodSync(join(dir, e.name), 0o644);
  }
}
