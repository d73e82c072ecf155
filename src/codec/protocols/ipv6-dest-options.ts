/** IPv6 Destination Options header: RFC 8200 section 4.6 (may appear before a Routing header and before the upper layer). */
import type { LayerCodec } from '../layer.js';
import type { BindingTypes, LayerBinding } from '../types.js';
import { IP_PROTOCOL, IPV6_EXTENSION_LAYERS } from './ipv6-chain.js';
import { optionsHeaderCodec, type Ipv6OptionsHeaderFields, type Ipv6OptionsHeaderInput } from './ipv6-options-header.js';

/** The fields of a decoded IPv6 Destination Options header (RFC 8200 section 4.6) header, as `decode()` gives them. */
export type Ipv6DestOptionsFields = Ipv6OptionsHeaderFields;
/** What the builders and `encodeLayers` take for IPv6 Destination Options header (RFC 8200 section 4.6): any field may be left out (defaults, computed lengths and checksums). */
export type Ipv6DestOptionsInput = Ipv6OptionsHeaderInput;

declare module '../types.js' {
  interface LayerTypes {
    'ipv6-dest-options': { fields: Ipv6DestOptionsFields; input: Ipv6DestOptionsInput } & BindingTypes<typeof binding>;
  }
}

const binding = { follows: ['ipv6', ...IPV6_EXTENSION_LAYERS], ipProtocol: IP_PROTOCOL.destOptions } as const satisfies LayerBinding;

export const ipv6DestOptions: LayerCodec = optionsHeaderCodec({
  name: 'ipv6-dest-options',
  title: 'IPv6 Destination Options',
  rfc: 'RFC 8200 section 4.6',
  binding,
  short: 'DSTOPT',
});
