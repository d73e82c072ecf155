/**
 * UDP ports that select the layer decoding a UDP payload (RFC 6951: 9899 selects SCTP). The
 * registry fills this from the codecs' `udpPort`; UDP reads it without importing the registry
 * (which imports UDP), and without allocating per packet.
 */
export const udpPortBindings = new Map<number, string>();
/** 1 at each port bound in `udpPortBindings` (kept in step by the registry): most packets need no Map lookup. */
export const udpPortBound = new Uint8Array(65536);
