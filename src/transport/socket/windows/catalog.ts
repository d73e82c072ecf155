/**
 * The Winsock catalog (WSAEnumProtocolsW), as `netsh winsock show catalog` shows it:
 * one entry per transport provider protocol, with the fields that say whether raw sockets are
 * supported ("Determining if Raw Sockets are Supported" in the Windows document).
 */
import { WIN, xp1Names } from './constants.js';
import type { Ws2 } from './ws2_32.js';

/** sizeof(WSAPROTOCOL_INFOW): 116 bytes of fields, then WCHAR szProtocol[256]. */
export const WSAPROTOCOL_INFOW_SIZE = 628;

/** One entry of the Winsock catalog (`WSAEnumProtocolsW`, like `netsh winsock show catalog`). */
export interface CatalogEntry {
  /** szProtocol, e.g. `MSAFD Tcpip [RAW/IP]`. */
  readonly description: string;
  /** 2 (AF_INET), 23 (AF_INET6)... */
  readonly addressFamily: number;
  /** 1 stream, 2 dgram, 3 raw... */
  readonly socketType: number;
  readonly protocol: number;
  readonly serviceFlags: number;
  /** XP1_* names of `serviceFlags`. */
  readonly serviceFlagNames: readonly string[];
  /** dwMessageSize: 0 stream, 0xFFFFFFFF unlimited, else the maximum message size. */
  readonly maxMessageSize: number;
  readonly catalogEntryId: number;
  /** SOCK_RAW for AF_INET or AF_INET6. */
  readonly raw: boolean;
}

/** Decode `count` WSAPROTOCOL_INFOW structures from `buf`. */
export function parseProtocolInfos(buf: Uint8Array, count: number): CatalogEntry[] {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: CatalogEntry[] = [];
  for (let i = 0; i < count && (i + 1) * WSAPROTOCOL_INFOW_SIZE <= b.length; i++) {
    const o = i * WSAPROTOCOL_INFOW_SIZE;
    const serviceFlags = b.readUInt32LE(o);
    const addressFamily = b.readInt32LE(o + 76);
    const socketType = b.readInt32LE(o + 88);
    const name = b.toString('utf16le', o + 116, o + WSAPROTOCOL_INFOW_SIZE);
    const nul = name.indexOf('\0');
    out.push({
      description: nul >= 0 ? name.slice(0, nul) : name,
      addressFamily,
      socketType,
      protocol: b.readInt32LE(o + 92),
      serviceFlags,
      serviceFlagNames: xp1Names(serviceFlags),
      maxMessageSize: b.readUInt32LE(o + 108),
      catalogEntryId: b.readUInt32LE(o + 36),
      raw: socketType === WIN.SOCK_RAW && (addressFamily === WIN.AF_INET || addressFamily === WIN.AF_INET6),
    });
  }
  return out;
}

/** Read the whole catalog; `-code` on failure. */
export function readCatalog(ws2: Ws2): CatalogEntry[] | number {
  const len = new Uint32Array(1);
  let r = ws2.enumProtocols(null, len);
  for (let attempt = 0; attempt < 3; attempt++) {
    // WSAENOBUFS (10055) with the size needed in len[0] is the expected first answer.
    if (r >= 0 && len[0] === 0) return [];
    if (r < 0 && -r !== 10055) return r;
    const buf = Buffer.alloc(Math.max(len[0], WSAPROTOCOL_INFOW_SIZE));
    len[0] = buf.length;
    r = ws2.enumProtocols(buf, len);
    if (r >= 0) return parseProtocolInfos(buf, r);
  }
  return r;
}
