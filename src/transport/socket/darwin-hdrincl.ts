/**
 * macOS quirk (inherited from old BSD, untested here): with IP_HDRINCL the kernel expects
 * the IPv4 header's total length (bytes 2-3) and fragment offset/flags (bytes 6-7) in host
 * byte order, not network order. Returns a copy fixed up for a little-endian host, so the
 * caller's bytes stay untouched; other systems never call this.
 */
export function toDarwinHdrincl(packet: Uint8Array): Uint8Array {
  if (packet.length < 20) return packet;
  const out = Uint8Array.from(packet);
  out[2] = packet[3];
  out[3] = packet[2];
  out[6] = packet[7];
  out[7] = packet[6];
  return out;
}
