/**
 * Link-layer header types shared by pcap and pcapng (the LINKTYPE_* registry,
 * https://www.tcpdump.org/linktypes.html): the ones rawcraft decodes. Any 16-bit value can still
 * be read and written.
 */
export const LinkType = {
  /** BSD loopback, 4-byte address family in the capturing host's byte order (macOS `lo0`). */
  NULL: 0,
  /** IEEE 802.3 Ethernet, 14-byte header. */
  ETHERNET: 1,
  /** PPP (RFC 1661), optionally with address and control bytes. */
  PPP: 9,
  /** PPP in HDLC-like framing (RFC 1662), no FCS; frames starting 0x0f or 0x8f are Cisco HDLC. */
  PPP_HDLC: 50,
  /** Raw IP, version taken from the first nibble (files with DLT_RAW's 12 or 14 are read as this too). */
  RAW: 101,
  /** Cisco HDLC (RFC 1547 section 4.3.1). */
  C_HDLC: 104,
  /** IEEE 802.11 frames without radio header. */
  IEEE802_11: 105,
  /** OpenBSD loopback, 4-byte address family in network byte order. */
  LOOP: 108,
  /** Linux "cooked" capture v1, 16-byte header. */
  LINUX_SLL: 113,
  /** Radiotap header, then an IEEE 802.11 frame. */
  IEEE802_11_RADIOTAP: 127,
  /** Raw IPv4 only. */
  IPV4: 228,
  /** Raw IPv6 only. */
  IPV6: 229,
  /** Linux NFLOG: what `tcpdump -i nflog:GROUP` writes. */
  NFLOG: 239,
  /** Apple PKTAP: interface and process metadata, then a frame of its own DLT (macOS). */
  PKTAP: 258,
  /** Linux "cooked" capture v2, 20-byte header (`tcpdump -i any` on current Linux). */
  LINUX_SLL2: 276,
} as const;

/** The name of a link type rawcraft knows (`RAW`, `ETHERNET`, `LINUX_SLL`...), a key of `LinkType`. */
export type LinkTypeName = keyof typeof LinkType;

const names = new Map<number, LinkTypeName>(
  (Object.keys(LinkType) as LinkTypeName[]).map((name) => [LinkType[name], name]),
);

/**
 * Name of a link type (`101` → `'RAW'`), or undefined when rawcraft has no name for it.
 * @example
 * {@includeCode ../../examples/api-capture.ts#link-types}
 */
export function linkTypeName(linkType: number): LinkTypeName | undefined {
  return names.get(linkType);
}

/**
 * The link type a file needs for packets that start with `layer` (raw IP, 101, for IP and anything else).
 * @example
 * {@includeCode ../../examples/api-capture.ts#link-types}
 */
export function linkTypeForLayer(layer: string | undefined): number {
  return (layer === undefined ? undefined : LINK_TYPE_OF_LAYER.get(layer)) ?? LinkType.RAW;
}

const LINK_TYPE_OF_LAYER = new Map<string, number>([
  ['bsd-null', LinkType.NULL],
  ['ethernet', LinkType.ETHERNET],
  ['ppp', LinkType.PPP],
  ['cisco-hdlc', LinkType.C_HDLC],
  ['ieee80211', LinkType.IEEE802_11],
  ['bsd-loop', LinkType.LOOP],
  ['linux-sll', LinkType.LINUX_SLL],
  ['radiotap', LinkType.IEEE802_11_RADIOTAP],
  ['pktap', LinkType.PKTAP],
  ['nflog', LinkType.NFLOG],
  ['linux-sll2', LinkType.LINUX_SLL2],
]);

/**
 * `0 (NULL)`, or just the number when rawcraft has no name for it: for messages.
 * @example
 * {@includeCode ../../examples/api-capture.ts#link-types}
 */
export function describeLinkType(linkType: number): string {
  const name = names.get(linkType);
  return name === undefined ? String(linkType) : `${linkType} (${name})`;
}
