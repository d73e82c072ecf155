/**
 * Constants of the classic libpcap format, from draft-ietf-opsawg-pcap
 * ("PCAP Capture File Format"), section 4 (File Header) and section 5 (Packet Record).
 */

/** Magic for microsecond timestamps, as read in the writer's byte order. */
export const PCAP_MAGIC_MICRO = 0xa1b2c3d4;
/** Magic for nanosecond timestamps. */
export const PCAP_MAGIC_NANO = 0xa1b23c4d;
export const PCAP_VERSION_MAJOR = 2;
export const PCAP_VERSION_MINOR = 4;
export const PCAP_FILE_HEADER_LENGTH = 24;
export const PCAP_RECORD_HEADER_LENGTH = 16;
/** libpcap's usual snapshot length. */
export const PCAP_DEFAULT_SNAPLEN = 262144;

/** Timestamp resolution of a pcap file. */
export type PcapResolution = 'us' | 'ns';

/** Recognise a pcap magic number read as little endian. Returns null if it is not pcap. */
export function pcapMagicInfo(magicLE: number): { le: boolean; resolution: PcapResolution } | null {
  switch (magicLE) {
    case PCAP_MAGIC_MICRO:
      return { le: true, resolution: 'us' };
    case PCAP_MAGIC_NANO:
      return { le: true, resolution: 'ns' };
    case 0xd4c3b2a1:
      return { le: false, resolution: 'us' };
    case 0x4d3cb2a1:
      return { le: false, resolution: 'ns' };
    default:
      return null;
  }
}
