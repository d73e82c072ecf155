/**
 * rawcraft: craft, decode and send raw IP datagrams.
 *
 * @packageDocumentation
 */
export * from './codec/errors.js';
export { DeviationError, allDeviationRules, type DeviationRule } from './codec/deviation.js';
export type { LayerTypes, LayerName, Layer, LayerInput, BytesInput, LayerFields, LayerFieldsInput, BindingTypes, LayerBinding, AnswerView, AnswerTypes } from './codec/types.js';
export type { Answer, AnswerLayer, AnswerRule } from './codec/answers.js';
export type { ChecksumVerdict, FastAuto, FastForm, LayerCodec } from './codec/layer.js';
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
export type { ArpFields, ArpInput, ArpOperation } from './codec/protocols/arp.js';
export type { LinuxSll2Fields, LinuxSll2Input } from './codec/protocols/linux-sll2.js';
export type { BsdNullFields, BsdNullInput, BsdLoopFields, BsdLoopInput } from './codec/protocols/bsd-loopback.js';
export type { PppFields, PppInput } from './codec/protocols/ppp.js';
export type { CiscoHdlcFields, CiscoHdlcInput } from './codec/protocols/cisco-hdlc.js';
export type { PktapFields, PktapInput } from './codec/protocols/pktap.js';
export type { NflogFields, NflogInput, NflogTlv } from './codec/protocols/nflog.js';
export type { LlcFields, LlcInput, LlcFormat } from './codec/protocols/llc.js';
export type { Ieee80211Fields, Ieee80211Input, Ieee80211Flag, FrameType } from './codec/protocols/ieee80211.js';
export type { RadiotapFields, RadiotapInput } from './codec/protocols/radiotap.js';
export type { RawOption } from './codec/option-list.js';
export { packetToJson, layersFromJson, toJsonValue, issueToJson, type PacketJson, type IssueJson } from './codec/json.js';
export { show, summary, hexdump } from './codec/print.js';
export * from './capture/index.js';
export * from './transport/index.js';
export { ipv6 } from './builders/packet.js';
export type { Ipv6Fields, Ipv6Input } from './codec/protocols/ipv6.js';
export type { Ipv6HopByHopFields, Ipv6HopByHopInput } from './codec/protocols/ipv6-hop-by-hop.js';
export type { Ipv6DestOptionsFields, Ipv6DestOptionsInput } from './codec/protocols/ipv6-dest-options.js';
export type { Ipv6OptionsHeaderFields, Ipv6OptionsHeaderInput } from './codec/protocols/ipv6-options-header.js';
export type { Ipv6Option, Ipv6OptionInput, Ipv6RawOption, Ipv6OptionAction, RouterAlertName, SrhTlv, SrhTlvInput } from './codec/protocols/ipv6-options.js';
export type { Ipv6RoutingFields, Ipv6RoutingInput, RoutingTypeName } from './codec/protocols/ipv6-routing.js';
export type { Ipv6FragmentFields, Ipv6FragmentInput } from './codec/protocols/ipv6-fragment.js';
export type { AhFields, AhInput } from './codec/protocols/ah.js';
export type { EspFields, EspInput } from './codec/protocols/esp.js';
export type { Icmpv6Fields, Icmpv6Input, Icmpv6TypeName, RouterPreference } from './codec/protocols/icmpv6.js';
export type { NdOption, NdOptionInput, NdRawOption, PrefixFlag } from './codec/protocols/icmpv6-ndp.js';
export type { MldRecord, MldRecordInput, MldRecordTypeName } from './codec/protocols/icmpv6-mld.js';
export type { Ipv6ExtensionLayer } from './codec/protocols/ipv6-chain.js';
export {
  fragment,
  reassemble,
  FragmentError,
  ReassemblyError,
  type FragmentOptions,
  type ReassembleOptions,
  type ReassemblyResult,
  type FragmentFailure,
  type ReassemblyFailure,
} from './codec/fragment.js';
export { crc32c, sctpChecksum } from './codec/crc32c.js';
export type { EncodeOptions } from './codec/encode.js';
export { SCTP_UDP_PORT, type SctpFields, type SctpInput } from './codec/protocols/sctp.js';
export {
  bundlingViolations,
  type SctpChunk,
  type SctpChunkInput,
  type SctpChunkTypeName,
  type SctpDataFlag,
  type SctpTFlag,
  type SctpInitFields,
  type SctpRawChunk,
  type BundlingViolation,
} from './codec/protocols/sctp-chunks.js';
export { SCTP_RECONFIG_RESULTS, type SctpParam, type SctpParamInput, type SctpParamTypeName, type SctpRawParam, type SctpReconfigResult } from './codec/protocols/sctp-params.js';
export type { SctpCause, SctpCauseInput, SctpCauseName, SctpRawCause } from './codec/protocols/sctp-causes.js';
export { SCTP_HMAC_IDS, type SctpHmacName, type SctpAction } from './codec/protocols/sctp-tlv.js';
// Pre-flight checks, the capability probe and the Windows (Winsock) transport.
export {
  preflight,
  preflightSocket,
  hasErrors,
  formatFinding,
  PreflightError,
  PreflightGuard,
  RULES as PREFLIGHT_RULES,
  resolveContext,
  detectContext,
  parsePlatform,
  platformName,
  platformFromOs,
  restrictionStatus,
  WINDOWS_MAX_MESSAGE,
  type Finding,
  type Severity,
  type Basis,
  type FindingSource,
  type PreflightContext,
  type PreflightContextInput,
  type PreflightPacket,
  type SocketSettings,
  type TargetPlatform,
  type WindowsPlatform,
  type WindowsClientRelease,
  type WindowsServerRelease,
  type Privileges,
  type LocalAddress,
  type Rule,
  type RuleInput,
  type RuleHit,
  type RestrictionStatus,
  type OsFacts,
} from './transport/preflight/index.js';
export {
  WindowsRawSocket,
  WinsockError,
  WSA_ERRORS,
  wsaError,
  type WindowsRawSocketOptions,
  type WindowsDatagram,
  type WindowsReceivedDatagram,
  type WindowsReceiveOptions,
  type WsaErrorInfo,
  type WinsockCall,
  type CatalogEntry,
} from './transport/socket/windows/index.js';
export { probe, formatProbe, type ProbeReport, type ProbeSocketResult, type ProbeCatalog, type ProbeFailure } from './transport/socket/probe.js';
// Layer expressions, seeded fuzzing and scenario-driven traffic generation.
export { ExpressionError, parse, parseExpression, expand, MAX_EXPANSION, type ExpandedExpression, build, formatExpression, type ParsedExpression, type ExprLayer, type ExprArg, type ExprValue } from './expr/index.js';
export { fuzz, randomFieldValue, type FuzzOptions, type FuzzBreak, type FuzzedPacket } from './fuzz/fuzz.js';
export {
  ScenarioError,
  parseScenario,
  loadScenario,
  scenarioFromObject,
  generateTraffic,
  writeTraffic,
  PatchableTemplate,
  Rng,
  type Scenario,
  type Flow,
  type FlowTemplate,
  type Variation,
  type BreakKind,
  type TrafficOptions,
  type TrafficPacket,
  type TrafficSummary,
} from './traffic/index.js';
