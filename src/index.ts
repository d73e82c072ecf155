/**
 * rawcraft: craft, decode and send raw IP datagrams.
 *
 * @packageDocumentation
 */
export * from './codec/errors.js';
export type { LayerTypes, LayerName, Layer, LayerInput, BytesInput } from './codec/types.js';
export type { ChecksumVerdict, LayerCodec } from './codec/layer.js';
export { encodeLayers, type EncodableLayer } from './codec/encode.js';
export { decode, layerForLinkType, type DecodeOptions, type DecodedPacket } from './codec/decode.js';
export { codecs, codecByName } from './codec/registry.js';
export { internetChecksum } from './codec/checksum.js';
export { packet, ipv4, ethernet, type Step, type StepBase, type Built, type NextLayers } from './builders/packet.js';
export type { Ipv4Fields, Ipv4Input, Ipv4Flag, EcnName } from './codec/protocols/ipv4.js';
export type { Ipv4Option, Ipv4OptionInput } from './codec/protocols/ipv4-options.js';
export type { IcmpFields, IcmpInput, IcmpTypeName } from './codec/protocols/icmpv4.js';
export type { UdpFields, UdpInput } from './codec/protocols/udp.js';
export type { TcpFields, TcpInput, TcpFlag } from './codec/protocols/tcp.js';
export type { TcpOption, TcpOptionInput } from './codec/protocols/tcp-options.js';
export type { RawFields, RawInput } from './codec/protocols/raw.js';
export type { EthernetFields, EthernetInput, VlanTag } from './codec/protocols/ethernet.js';
export type { LinuxSllFields, LinuxSllInput } from './codec/protocols/linux-sll.js';
export type { RawOption } from './codec/option-list.js';
export { packetToJson, layersFromJson, toJsonValue, issueToJson, type PacketJson, type IssueJson } from './codec/json.js';
export { show, summary, hexdump } from './codec/print.js';
export * from './capture/index.js';
export * from './transport/index.js';
