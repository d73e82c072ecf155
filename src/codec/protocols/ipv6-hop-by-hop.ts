/** IPv6 Hop-by-Hop Options header: RFC 8200 section 4.3; only ever immediately after the IPv6 header. */
import type { LayerCodec } from '../layer.js';
import type { BindingTypes, LayerBinding } from '../types.js';
import { IP_PROTOCOL } from './ipv6-chain.js';
import { optionsHeaderCodec, type Ipv6OptionsHeaderFields, type Ipv6OptionsHeaderInput } from './ipv6-options-header.js';

/** The fields of a decoded IPv6 Hop-by-Hop Options header (RFC 8200 section 4.3) header, as `decode()` gives them. */
export type Ipv6HopByHopFields = Ipv6OptionsHeaderFields;
/** What the builders and `encodeLayers` take for IPv6 Hop-by-Hop Options header (RFC 8200 section 4.3): any field may be left out (defaults, computed lengths and checksums). */
export type Ipv6HopByHopInput = Ipv6OptionsHeaderInput;

declare module '../types.js' {
  interface LayerTypes {
    'ipv6-hop-by-hop': { fields: Ipv6HopByHopFields; input: Ipv6HopByHopInput } & BindingTypes<typeof binding>;
  }
}

const binding = { follows: ['ipv6'], ipProtocol: IP_PROTOCOL.hopByHop } as const satisfies LayerBinding;

export const ipv6HopByHop: LayerCodec = optionsHeaderCodec({
  name: 'ipv6-hop-by-hop',
  title: 'IPv6 Hop-by-Hop Options',
  rfc: 'RFC 8200 section 4.3',
  binding,
  short: 'HBH',
});
