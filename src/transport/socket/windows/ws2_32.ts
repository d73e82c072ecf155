/**
 * koffi bindings to ws2_32.dll: the Winsock calls the Windows transport and the probe use.
 *
 * Convention (as in ../ffi/libc.ts): each wrapper returns the C result on success and
 * `-code` on failure, with the code read by WSAGetLastError() immediately after the call, on
 * the same thread. Calls are counted per function, so tests can check that pre-flight refused
 * something before any system call. The DLL is loaded lazily, on first use, and WSAStartup(2.2)
 * runs once then.
 */
import { createRequire } from 'node:module';
import { WIN } from './constants.js';
import type { WinsockCall } from './wsa-errors.js';

export interface Ws2 {
  /** WSASocketW(af, type, protocol, NULL, 0, WSA_FLAG_NO_HANDLE_INHERIT): handle, or -code. */
  socket(af: number, type: number, protocol: number): number;
  setsockoptInt(s: number, level: number, name: number, value: number): number;
  getsockoptInt(s: number, level: number, name: number, out: Int32Array): number;
  /** ioctlsocket(FIONBIO). */
  setNonBlocking(s: number, on: boolean): number;
  /** WSAIoctl with a 4-byte input and no output (SIO_RCVALL). */
  ioctlInt(s: number, code: number, value: number): number;
  bind(s: number, addr: Uint8Array, len: number): number;
  connect(s: number, addr: Uint8Array, len: number): number;
  /** `addr` null sends on a connected socket. */
  sendto(s: number, buf: Uint8Array, len: number, addr: Uint8Array | null, addrLen: number): number;
  /** `fromLen[0]` is in/out: capacity before, bytes written after. */
  recvfrom(s: number, buf: Uint8Array, len: number, from: Uint8Array, fromLen: Int32Array): number;
  /** WSAPoll with timeout 0, on the calling thread. */
  pollNow(fds: Uint8Array, n: number): number;
  /**
   * WSAPoll on one of koffi's worker threads, so waiting never blocks the event loop.
   * Resolves with the count of ready entries, or -code (read by a zero-timeout retry on the
   * main thread, since the worker's error code is thread-local).
   */
  pollAsync(fds: Uint8Array, n: number, timeoutMs: number): Promise<number>;
  closesocket(s: number): number;
  /** WSAEnumProtocolsW(NULL, buf, len): count of entries, or -code (WSAENOBUFS sets `len[0]` to the size needed). */
  enumProtocols(buf: Uint8Array | null, len: Uint32Array): number;
  /** Native address of a buffer's data (WSAPOLLFD arrays are passed by pointer). */
  readonly pointerSize: number;
}

/** How many times each Winsock function was called in this process. */
const counts = new Map<WinsockCall, number>();

/** A snapshot of the per-function call counts (for tests: "refused before any system call"). */
export function winsockCallCounts(): Readonly<Record<string, number>> {
  return Object.fromEntries(counts);
}

function count(call: WinsockCall): void {
  counts.set(call, (counts.get(call) ?? 0) + 1);
}

type CFunction = ((...args: unknown[]) => unknown) & { async: (...args: unknown[]) => void };

interface KoffiModule {
  load(path: string): { func(proto: string): unknown };
  sizeof(type: string): number;
}

let cached: Ws2 | undefined;
let loadError: Error | undefined;

/** Load ws2_32.dll and start Winsock; throws (a plain Error, or the WSAStartup code as `-code` in `.wsaCode`) when it cannot. */
export function loadWs2(): Ws2 {
  if (cached) return cached;
  if (loadError) throw loadError;
  try {
    cached = bind();
    return cached;
  } catch (err) {
    loadError = err instanceof Error ? err : new Error(String(err));
    throw loadError;
  }
}

/** Thrown by loadWs2 when WSAStartup itself fails. */
export class WsaStartupFailure extends Error {
  constructor(readonly wsaCode: number) {
    super(`WSAStartup failed with ${wsaCode}`);
  }
}

function bind(): Ws2 {
  if (process.platform !== 'win32') throw new Error(`ws2_32.dll exists only on Windows (this is ${process.platform})`);
  const koffi = createRequire(import.meta.url)('koffi') as KoffiModule;
  const lib = koffi.load('ws2_32.dll');
  const f = (proto: string): CFunction => lib.func(proto) as CFunction;

  // SOCKET is UINT_PTR; declared as intptr_t so INVALID_SOCKET (~0) reads as -1.
  const WSAStartup = f('int __stdcall WSAStartup(uint16_t version, void *data)');
  const WSASocketW = f('intptr_t __stdcall WSASocketW(int af, int type, int protocol, void *info, uint32_t group, uint32_t flags)');
  const WSAGetLastError = f('int __stdcall WSAGetLastError()');
  const setsockopt = f('int __stdcall setsockopt(intptr_t s, int level, int name, const void *value, int len)');
  const getsockopt = f('int __stdcall getsockopt(intptr_t s, int level, int name, void *value, void *len)');
  const ioctlsocket = f('int __stdcall ioctlsocket(intptr_t s, int32_t cmd, void *arg)');
  const WSAIoctl = f(
    'int __stdcall WSAIoctl(intptr_t s, uint32_t code, const void *inBuf, uint32_t inLen, void *outBuf, uint32_t outLen, void *returned, void *overlapped, void *completion)',
  );
  const bindFn = f('int __stdcall bind(intptr_t s, const void *addr, int len)');
  const connect = f('int __stdcall connect(intptr_t s, const void *addr, int len)');
  const sendto = f('int __stdcall sendto(intptr_t s, const void *buf, int len, int flags, const void *to, int tolen)');
  const recvfrom = f('int __stdcall recvfrom(intptr_t s, void *buf, int len, int flags, void *from, void *fromlen)');
  const WSAPoll = f('int __stdcall WSAPoll(void *fds, uint32_t n, int timeout)');
  const closesocket = f('int __stdcall closesocket(intptr_t s)');
  const WSAEnumProtocolsW = f('int __stdcall WSAEnumProtocolsW(void *protocols, void *buf, void *len)');

  count('WSAStartup');
  const rc = Number(WSAStartup(WIN.WINSOCK_VERSION, Buffer.alloc(512)));
  // WSAStartup returns the error code itself (WSAGetLastError is not usable before it succeeds).
  if (rc !== 0) throw new WsaStartupFailure(rc);

  /** -code for SOCKET_ERROR (-1), the result otherwise. */
  const check = (r: unknown): number => {
    const n = Number(r);
    return n === -1 ? -Number(WSAGetLastError()) : n;
  };

  const intBuf = new Int32Array(1); // setsockopt copies the value in
  const lenBuf = new Int32Array(1);
  const u32 = new Uint32Array(1);
  const returned = new Uint32Array(1);

  return {
    socket: (af, type, protocol) => {
      count('WSASocketW');
      return check(WSASocketW(af, type, protocol, null, 0, WIN.WSA_FLAG_NO_HANDLE_INHERIT));
    },
    setsockoptInt: (s, level, name, value) => {
      count('setsockopt');
      intBuf[0] = value;
      return check(setsockopt(s, level, name, intBuf, 4));
    },
    getsockoptInt: (s, level, name, out) => {
      count('getsockopt');
      lenBuf[0] = 4;
      return check(getsockopt(s, level, name, out, lenBuf));
    },
    setNonBlocking: (s, on) => {
      count('ioctlsocket');
      u32[0] = on ? 1 : 0;
      return check(ioctlsocket(s, WIN.FIONBIO, u32));
    },
    ioctlInt: (s, code, value) => {
      count('WSAIoctl');
      u32[0] = value;
      return check(WSAIoctl(s, code, u32, 4, null, 0, returned, null, null));
    },
    bind: (s, addr, len) => {
      count('bind');
      return check(bindFn(s, addr, len));
    },
    connect: (s, addr, len) => {
      count('connect');
      return check(connect(s, addr, len));
    },
    sendto: (s, buf, len, addr, addrLen) => {
      count('sendto');
      return check(sendto(s, buf, len, 0, addr, addrLen));
    },
    recvfrom: (s, buf, len, from, fromLen) => {
      count('recvfrom');
      return check(recvfrom(s, buf, len, 0, from, fromLen));
    },
    pollNow: (fds, n) => {
      count('WSAPoll');
      return check(WSAPoll(fds, n, 0));
    },
    pollAsync: (fds, n, timeoutMs) =>
      new Promise<number>((resolve, reject) => {
        count('WSAPoll');
        WSAPoll.async(fds, n, timeoutMs, (err: unknown, r: unknown) => {
          if (err) return reject(err instanceof Error ? err : new Error(String(err)));
          const v = Number(r);
          if (v !== -1) return resolve(v);
          // The worker thread's error code is not visible here: ask again, at once, on this thread.
          count('WSAPoll');
          const again = Number(WSAPoll(fds, n, 0));
          resolve(again === -1 ? -Number(WSAGetLastError()) : again);
        });
      }),
    closesocket: (s) => {
      count('closesocket');
      return check(closesocket(s));
    },
    enumProtocols: (buf, len) => {
      count('WSAEnumProtocolsW');
      return check(WSAEnumProtocolsW(null, buf, len));
    },
    pointerSize: koffi.sizeof('void *'),
  };
}
