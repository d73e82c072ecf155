/**
 * koffi bindings to libpcap, the one link-layer API of every platform: Debian's libpcap0.8
 * (`libpcap.so.0.8`), macOS's system libpcap, Npcap's `wpcap.dll` on Windows. Loaded on first
 * use, so nothing else in rawcraft needs libpcap; a missing library becomes a LinkError that
 * names the package to install.
 */
import koffi from 'koffi';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LinkError } from './errors.js';

/** An open pcap_t, as koffi hands it over (a pointer). */
export type PcapPointer = bigint;

/** The calls rawcraft makes, typed; each returns libpcap's own result. */
export interface Libpcap {
  readonly version: string;
  create(device: string, errbuf: Buffer): PcapPointer | null;
  setSnaplen(p: PcapPointer, snaplen: number): number;
  setPromisc(p: PcapPointer, on: number): number;
  setTimeout(p: PcapPointer, ms: number): number;
  setImmediateMode(p: PcapPointer, on: number): number;
  setBufferSize(p: PcapPointer, bytes: number): number;
  activate(p: PcapPointer): number;
  datalink(p: PcapPointer): number;
  setNonblock(p: PcapPointer, on: number, errbuf: Buffer): number;
  /** -1 where there is none (Windows). */
  selectableFd(p: PcapPointer): number;
  compile(p: PcapPointer, program: Buffer, filter: string, optimize: number, netmask: number): number;
  setFilter(p: PcapPointer, program: Buffer): number;
  freeCode(program: Buffer): void;
  inject(p: PcapPointer, bytes: Uint8Array, length: number): number;
  /** 1 a packet (header and data pointers in the out arrays), 0 none yet, -1 error, -2 end of file. */
  nextEx(p: PcapPointer, header: [bigint | null], data: [bigint | null]): number;
  /** Reads `struct pcap_pkthdr` at `header`. */
  readHeader(header: bigint): { readonly seconds: number; readonly micros: number; readonly caplen: number; readonly len: number };
  /** Copies `length` bytes at `data` (valid only until the next nextEx). */
  copy(data: bigint, length: number): Buffer;
  stats(p: PcapPointer, out: Buffer): number;
  geterr(p: PcapPointer): string;
  close(p: PcapPointer): void;
  /** Device names and flags (PCAP_IF_*), in libpcap's order. */
  devices(errbuf: Buffer): { readonly name: string; readonly description: string | null; readonly flags: number }[] | string;
}

/** PCAP_ERRBUF_SIZE. */
export const ERRBUF_SIZE = 256;
/** sizeof(struct bpf_program) on 64-bit systems (u_int + pointer). */
export const BPF_PROGRAM_SIZE = 16;
/** PCAP_NETMASK_UNKNOWN. */
export const NETMASK_UNKNOWN = 0xffffffff;
/** PCAP_IF_* flags. */
export const PCAP_IF = { LOOPBACK: 1, UP: 2, RUNNING: 4 } as const;
/** PCAP_ERROR_* results of pcap_activate that have a remedy. */
export const PCAP_ERROR = { GENERIC: -1, NO_SUCH_DEVICE: -5, PERM_DENIED: -8, IFACE_NOT_UP: -9, PROMISC_PERM_DENIED: -11 } as const;

/** Where each OS keeps libpcap, most specific first. */
function candidates(platform: string): string[] {
  if (platform === 'win32') {
    const system = process.env.SystemRoot ?? 'C:\\Windows';
    // Npcap installs into System32\Npcap; only its WinPcap-compatible mode puts wpcap.dll in System32.
    return [join(system, 'System32', 'Npcap', 'wpcap.dll'), 'wpcap.dll'];
  }
  if (platform === 'darwin') return ['/usr/lib/libpcap.A.dylib', 'libpcap.dylib'];
  return ['libpcap.so.0.8', 'libpcap.so.1', 'libpcap.so'];
}

/** What to install when libpcap cannot be loaded. */
export function installRemedy(platform: string): string {
  if (platform === 'win32') return 'install Npcap (https://npcap.com) with "Install Npcap in WinPcap API-compatible Mode" ticked';
  if (platform === 'darwin') return 'macOS ships libpcap in /usr/lib; check that /usr/lib/libpcap.A.dylib exists';
  return 'install libpcap: apt-get install libpcap0.8 (Debian, Ubuntu), dnf install libpcap (Fedora), apk add libpcap (Alpine)';
}

const loaded = new Map<string, Libpcap>();

/**
 * Load libpcap on first call; throws LinkError (code E_LINK_UNAVAILABLE) naming what to install.
 * @throws {@link LinkError} `E_LINK_UNAVAILABLE`: libpcap (Npcap on Windows) cannot be loaded; the remedy names what to install.
 * @example
 * {@includeCode ../../../examples/api-link.ts#interfaces}
 */
export function loadLibpcap(platform: string = process.platform): Libpcap {
  const known = loaded.get(platform);
  if (known) return known;
  const tried: string[] = [];
  for (const path of candidates(platform)) {
    if (path.includes('/') || path.includes('\\')) {
      if (!existsSync(path)) {
        tried.push(`${path} (absent)`);
        continue;
      }
    }
    try {
      if (platform === 'win32') allowNpcapDependencies(path);
      const lib = bind(koffi.load(path), platform);
      loaded.set(platform, lib);
      return lib;
    } catch (error) {
      tried.push(`${path} (${(error as Error).message.split('\n')[0]})`);
    }
  }
  throw new LinkError('E_LINK_UNAVAILABLE', 'load libpcap', `libpcap could not be loaded: tried ${tried.join(', ')}`, installRemedy(platform));
}

/** Npcap's wpcap.dll loads Packet.dll from its own folder: add that folder to the DLL search path first. */
function allowNpcapDependencies(path: string): void {
  const folder = path.replace(/[\\/][^\\/]*$/, '');
  if (folder === path) return;
  const kernel32 = koffi.load('kernel32.dll');
  kernel32.func('int __stdcall SetDllDirectoryW(const char16_t *path)')(folder);
}

function bind(lib: ReturnType<typeof koffi.load>, platform: string): Libpcap {
  const f = (proto: string) => lib.func(proto);
  // struct timeval: two longs on Linux and Windows (32-bit long there); macOS has a 32-bit tv_usec.
  const timeval = koffi.struct({ sec: 'long', usec: platform === 'darwin' ? 'int32_t' : 'long' });
  const pkthdr = koffi.struct({ ts: timeval, caplen: 'uint32_t', len: 'uint32_t' });
  const pcapIf = koffi.struct({ next: 'void *', name: 'const char *', description: 'const char *', addresses: 'void *', flags: 'uint32_t' });

  const version = f('const char *pcap_lib_version(void)');
  const create = f('void *pcap_create(const char *source, char *errbuf)');
  const setSnaplen = f('int pcap_set_snaplen(void *p, int snaplen)');
  const setPromisc = f('int pcap_set_promisc(void *p, int promisc)');
  const setTimeout = f('int pcap_set_timeout(void *p, int ms)');
  const setImmediateMode = f('int pcap_set_immediate_mode(void *p, int on)');
  const setBufferSize = f('int pcap_set_buffer_size(void *p, int size)');
  const activate = f('int pcap_activate(void *p)');
  const datalink = f('int pcap_datalink(void *p)');
  const setNonblock = f('int pcap_setnonblock(void *p, int nonblock, char *errbuf)');
  const selectableFd = platform === 'win32' ? undefined : f('int pcap_get_selectable_fd(void *p)');
  const compile = f('int pcap_compile(void *p, void *program, const char *filter, int optimize, uint32_t netmask)');
  const setFilter = f('int pcap_setfilter(void *p, void *program)');
  const freeCode = f('void pcap_freecode(void *program)');
  // pcap_sendpacket is in every libpcap and in Npcap (pcap_inject is not in WinPcap-era DLLs).
  const sendPacket = f('int pcap_sendpacket(void *p, const uint8_t *buf, int size)');
  const nextEx = f('int pcap_next_ex(void *p, _Out_ void **header, _Out_ void **data)');
  const stats = f('int pcap_stats(void *p, void *stats)');
  const geterr = f('const char *pcap_geterr(void *p)');
  const close = f('void pcap_close(void *p)');
  const findAllDevs = f('int pcap_findalldevs(_Out_ void **list, char *errbuf)');
  const freeAllDevs = f('void pcap_freealldevs(void *list)');

  return {
    version: String(version()),
    create: (device, errbuf) => (create(device, errbuf) as PcapPointer | null) ?? null,
    setSnaplen: (p, n) => setSnaplen(p, n) as number,
    setPromisc: (p, on) => setPromisc(p, on) as number,
    setTimeout: (p, ms) => setTimeout(p, ms) as number,
    setImmediateMode: (p, on) => setImmediateMode(p, on) as number,
    setBufferSize: (p, n) => setBufferSize(p, n) as number,
    activate: (p) => activate(p) as number,
    datalink: (p) => datalink(p) as number,
    setNonblock: (p, on, errbuf) => setNonblock(p, on, errbuf) as number,
    selectableFd: (p) => (selectableFd ? (selectableFd(p) as number) : -1),
    compile: (p, program, filter, optimize, netmask) => compile(p, program, filter, optimize, netmask) as number,
    setFilter: (p, program) => setFilter(p, program) as number,
    freeCode: (program) => void freeCode(program),
    // 0 on success with pcap_sendpacket: report the length, as pcap_inject would.
    inject: (p, bytes, length) => ((sendPacket(p, bytes, length) as number) === 0 ? length : -1),
    nextEx: (p, header, data) => nextEx(p, header, data) as number,
    readHeader(header) {
      const h = koffi.decode(header, pkthdr) as { ts: { sec: number; usec: number }; caplen: number; len: number };
      return { seconds: h.ts.sec, micros: h.ts.usec, caplen: h.caplen, len: h.len };
    },
    copy: (data, length) => Buffer.from(new Uint8Array(koffi.view(data, length))), // Buffer.from copies
    stats: (p, out) => stats(p, out) as number,
    geterr: (p) => String(geterr(p)),
    close: (p) => void close(p),
    devices(errbuf) {
      const list: [bigint | null] = [null];
      if ((findAllDevs(list, errbuf) as number) !== 0) return errbuf.toString('latin1').replace(/\0.*$/s, '');
      const out: { name: string; description: string | null; flags: number }[] = [];
      try {
        for (let at = list[0]; at; ) {
          const d = koffi.decode(at, pcapIf) as { next: bigint | null; name: string; description: string | null; flags: number };
          out.push({ name: d.name, description: d.description, flags: d.flags });
          at = d.next;
        }
      } finally {
        if (list[0]) freeAllDevs(list[0]);
      }
      return out;
    },
  };
}
