/**
 * Best-effort MTU of the route to an address, to put a number in EMSGSIZE errors.
 * Linux only: a UDP socket connected to the address has IP_MTU / IPV6_MTU. connect() on UDP
 * just does a route lookup; nothing is sent.
 */
import type { Libc } from './ffi/libc.js';

/** The route MTU towards `sockaddr`, or undefined when the OS cannot say. */
export function routeMtu(libc: Libc, family: 4 | 6, sockaddr: Uint8Array): number | undefined {
  const c = libc.constants;
  const option = family === 4 ? c.IP_MTU : c.IPV6_MTU;
  if (option === undefined) return undefined;
  const fd = libc.socket(family === 4 ? c.AF_INET : c.AF_INET6, c.SOCK_DGRAM | c.SOCK_CLOEXEC, 0);
  if (fd < 0) return undefined;
  try {
    if (libc.connect(fd, sockaddr, sockaddr.length) < 0) return undefined;
    const out = new Int32Array(1);
    if (libc.getsockoptInt(fd, family === 4 ? c.IPPROTO_IP : c.IPPROTO_IPV6, option, out) < 0) return undefined;
    return out[0];
  } finally {
    libc.close(fd);
  }
}
