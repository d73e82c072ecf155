/** Hand-written pcapng byte vectors shared by the capture tests (not a test file itself). */
import { PACKET_A, PACKET_B, ethernetFrame, hexBytes } from './helpers.js';

// Source of every vector below: pcapng spec draft-ietf-opsawg-pcapng, section 3.1 (block structure),
// 3.5 (options), 4.1 (Section Header Block), 4.2 (Interface Description Block, if_tsresol, if_tsoffset),
// 4.3 (Enhanced Packet Block), 4.4 (Simple Packet Block), appendix A (obsolete Packet Block).

/** What rawcraft writes for one RAW packet with a comment, little endian, nanosecond interface. */
export const PCAPNG_WRITTEN_LITTLE = hexBytes(
  // SHB
  '0a0d0d0a', // Block Type
  '2c000000', // Block Total Length 44
  '4d3c2b1a', // Byte-Order Magic 0x1A2B3C4D, little endian
  '0100 0000', // Major 1, Minor 0
  'ffffffffffffffff', // Section Length -1 (not given)
  '0400 0800 7261776372616674', // shb_userappl (4), length 8, "rawcraft"
  '0000 0000', // opt_endofopt
  '2c000000', // Block Total Length
  // IDB
  '01000000', // Block Type 1
  '20000000', // Block Total Length 32
  '6500 0000', // LinkType 101, Reserved
  '00000000', // SnapLen 0 (no limit)
  '0900 0100 09000000', // if_tsresol (9), length 1, value 9 (10^-9 s), 3 padding bytes
  '0000 0000', // opt_endofopt
  '20000000', // Block Total Length
  // EPB
  '06000000', // Block Type 6
  '50000000', // Block Total Length 80
  '00000000', // Interface ID 0
  'fe9c9717', // Timestamp (Upper) 0x17979cfe
  '15cd853d', // Timestamp (Lower) 0x3d85cd15 -> 1700000000123456789 ns
  '20000000', // Captured Packet Length 32
  '20000000', // Original Packet Length 32
  PACKET_A.toString('hex'), // Packet Data, already 32-bit aligned
  '0100 0500 68656c6c6f 000000', // opt_comment (1), length 5, "hello", 3 padding bytes
  '0000 0000', // opt_endofopt
  '50000000', // Block Total Length
);

/** Two sections: big endian first, then little endian; several interfaces and block kinds. */
export const PCAPNG_MIXED_SECTIONS = hexBytes(
  // --- section 1, big endian ---
  '0a0d0d0a 0000001c', // SHB, length 28
  '1a2b3c4d', // Byte-Order Magic read big endian
  '0001 0000 ffffffffffffffff', // version 1.0, Section Length -1
  '0000001c',
  // IDB 0: Ethernet, if_name "eth0", if_tsresol 0x8a = 2^-10 s
  '00000001 00000028',
  '0001 0000 00000000', // LinkType 1, Reserved, SnapLen 0
  '0002 0004 65746830', // if_name "eth0"
  '0009 0001 8a000000', // if_tsresol, MSB set: 2^-10 s
  '0000 0000',
  '00000028',
  // IDB 1: RAW, no options -> default if_tsresol 6 (microseconds)
  '00000001 00000014',
  '0065 0000 00000000',
  '00000014',
  // EPB on interface 1 at 1700000000.250000 s (microsecond units 0x00060a24_18221090)
  '00000006 00000040',
  '00000001 00060a24 18221090 00000020 00000020',
  PACKET_A.toString('hex'),
  '00000040',
  // EPB on interface 0 at 1700000000.5 s (2^-10 s units 0x00000195_4fc40200), 46-byte frame, comment "be"
  '00000006 0000005c',
  '00000000 00000195 4fc40200 0000002e 0000002e',
  ethernetFrame(PACKET_B).toString('hex'),
  '0000', // padding to 32 bits
  '0001 0002 6265 0000', // opt_comment "be"
  '0000 0000',
  '0000005c',
  // A block type this reader does not know: skipped by its length (section 3.1)
  '00000bad 00000010 deadbeef 00000010',
  // --- section 2, little endian ---
  '0a0d0d0a 1c000000',
  '4d3c2b1a',
  '0100 0000 ffffffffffffffff',
  '1c000000',
  // IDB 0: RAW, SnapLen 20, if_tsoffset 100 s
  '01000000 24000000',
  '6500 0000 14000000',
  '0e00 0800 6400000000000000', // if_tsoffset (14), length 8, 100 seconds
  '0000 0000',
  '24000000',
  // SPB: Original Packet Length 32, data cut to SnapLen 20 (section 4.4)
  '03000000 24000000',
  '20000000',
  PACKET_A.subarray(0, 20).toString('hex'),
  '24000000',
  // obsolete Packet Block (appendix A): interface 0, drops 0, 1700000000.250000 s + if_tsoffset, comment "opb"
  '02000000 40000000',
  '0000 0000 240a0600 90102218 14000000 20000000',
  PACKET_A.subarray(0, 20).toString('hex'),
  '0100 0300 6f706200', // opt_comment "opb"
  '0000 0000',
  '40000000',
);

