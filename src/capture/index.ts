/** Capture files: pcap and pcapng, read (streaming or in memory) and written (streaming or in memory). */
export { LinkType, linkTypeName, describeLinkType, linkTypeForLayer, type LinkTypeName } from './link-types.js';
export { decodeLinkType, firstLayerFor, supportedLinkTypes, UnsupportedLinkTypeError, type DecodeRecordOptions } from './decode-record.js';
export type { CaptureRecord, CaptureRecordInput } from './record.js';
export { CaptureFormatError, CaptureWriteError, SnapLengthError } from './errors.js';
export type { ByteOrder } from './bytes.js';
export type { PcapResolution } from './pcap-format.js';
export type { ReadCaptureOptions } from './decoder.js';
export { CaptureDecoder, parseCapture, readCapture, type CaptureSource } from './reader.js';
export { encodePcap, type PcapWriteOptions } from './pcap-encoder.js';
export {
  encodePcapng,
  PCAPNG_DEFAULT_TSRESOL,
  type PcapngInterface,
  type PcapngInterfaceOptions,
  type PcapngWriteOptions,
} from './pcapng-encoder.js';
export {
  PcapWriter,
  PcapngWriter,
  createCaptureWriter,
  type CaptureFormat,
  type CreateCaptureWriterOptions,
} from './writers.js';
export { AtomicFile } from './atomic-file.js';
