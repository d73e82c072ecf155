/**
 * The one "IPPROTO_RAW implies IP_HDRINCL" rule, shared by both raw sockets, the raw
 * transport and pre-flight, so that what pre-flight checks is the socket that gets opened.
 */

/** Protocol 255: a send-only raw socket whose datagrams carry the IP header as built. */
export const IPPROTO_RAW = 255;

/**
 * Does a raw socket include the IP header when nobody sets IP_HDRINCL / IPV6_HDRINCL?
 * Only for IPPROTO_RAW (raw(7)): IPv4 everywhere, IPv6 on Linux only (BSD and Winsock need
 * IPV6_HDRINCL). `os`: `linux`, `darwin`/`macos`, `win32`/`windows`; undefined (not known yet)
 * and an unknown family count as implied, as Linux does.
 */
export function impliesHdrincl(protocol: number | undefined, family: 4 | 6 | undefined, os: string | undefined): boolean {
  return protocol === IPPROTO_RAW && (family !== 6 || os === undefined || os === 'linux');
}
