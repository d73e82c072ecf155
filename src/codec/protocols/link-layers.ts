/**
 * Link layers of capture files (LINKTYPE_*, https://www.tcpdump.org/linktypes.html) whose
 * payload can be an IP datagram: IPv4, IPv6 and raw data may follow each of them.
 */
export const IP_LINK_LAYERS = ['bsd-null', 'bsd-loop', 'ppp', 'cisco-hdlc', 'linux-sll2', 'llc'] as const;
export type IpLinkLayer = (typeof IP_LINK_LAYERS)[number];

/** Little-endian reads and writes (802.11 and radiotap are little-endian, unlike the IP suite). */
export const le16 = (b: Uint8Array, o: number): number => b[o] | (b[o + 1] << 8);
export const le32 = (b: Uint8Array, o: number): number => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 0x1000000;
export function putLe16(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 255;
  b[o + 1] = v >>> 8;
}
export function putLe32(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 255;
  b[o + 1] = (v >>> 8) & 255;
  b[o + 2] = (v >>> 16) & 255;
  b[o + 3] = v >>> 24;
}
