/**
 * Link layers of capture files (LINKTYPE_*, https://www.tcpdump.org/linktypes.html) whose
 * payload can be an IP datagram: IPv4, IPv6 and raw data may follow each of them.
 */
export const IP_LINK_LAYERS = ['bsd-null', 'bsd-loop', 'ppp', 'cisco-hdlc', 'pktap', 'nflog', 'linux-sll2', 'llc'] as const;
export type IpLinkLayer = (typeof IP_LINK_LAYERS)[number];

/**
 * The first layer of each capture link type rawcraft decodes (LINKTYPE_* numbers); `auto` picks
 * IPv4 or IPv6 from the version nibble.
 */
export const FIRST_LAYERS: ReadonlyMap<number, string> = new Map([
  [0, 'bsd-null'],
  [1, 'ethernet'],
  [9, 'ppp'],
  // DLT_RAW is 12 on most systems and 14 on some BSDs; LINKTYPE_RAW (101) is what files should use.
  [12, 'auto'],
  [14, 'auto'],
  // Also Cisco HDLC frames, by their first byte: see firstLayerFor in src/capture/decode-record.ts.
  [50, 'ppp'],
  [101, 'auto'],
  [104, 'cisco-hdlc'],
  [105, 'ieee80211'],
  [108, 'bsd-loop'],
  [113, 'linux-sll'],
  [127, 'radiotap'],
  [228, 'ipv4'],
  [229, 'ipv6'],
  [239, 'nflog'],
  [258, 'pktap'],
  [276, 'linux-sll2'],
]);

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
