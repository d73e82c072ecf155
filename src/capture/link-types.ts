/**
 * Link-layer header types shared by pcap and pcapng (the LINKTYPE_* registry,
 * https://www.tcpdump.org/linktypes.html). Only the ones rawcraft writes itself are named here;
 * any 16-bit value can still be read and written.
 */
export const LinkType = {
  /** IEEE 802.3 Ethernet, 14-byte header. */
  ETHERNET: 1,
  /** Raw IP, version taken from the first nibble. */
  RAW: 101,
  /** Linux "cooked" capture v1, 16-byte header. */
  LINUX_SLL: 113,
  /** Raw IPv4 only. */
  IPV4: 228,
  /** Raw IPv6 only. */
  IPV6: 229,
} as const;

export type LinkTypeName = keyof typeof LinkType;

const names = new Map<number, LinkTypeName>(
  (Object.keys(LinkType) as LinkTypeName[]).map((name) => [LinkType[name], name]),
);

/** Name of a link type (`101` → `'RAW'`), or undefined when rawcraft has no name for it. */
export function linkTypeName(linkType: number): LinkTypeName | undefined {
  return names.get(linkType);
}
