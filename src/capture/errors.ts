import { PacketError, RawcraftError } from '../codec/errors.js';

/**
 * A capture file is corrupt or truncated. The message is one line:
 * `record 3 at byte 1044: block length 12 is smaller than the 28-byte minimum`.
 * @example
 * {@includeCode ../../examples/api-capture.ts#capture-errors}
 */
export class CaptureFormatError extends RawcraftError {
  readonly code = 'E_CAPTURE';
  constructor(
    /** What is wrong, without the position prefix. */
    readonly problem: string,
    /** Byte offset in the file where the bad record (or the file header) starts. */
    readonly offset: number,
    /**
     * 0-based index of the bad record: the packet record in pcap, the block in pcapng
     * (the first Section Header Block is record 0). -1 for the pcap file header or an unknown magic.
     */
    readonly recordIndex: number,
  ) {
    super(`${recordIndex < 0 ? 'file header' : `record ${recordIndex}`} at byte ${offset}: ${problem}`);
  }
}

/**
 * The destination of a capture writer failed, or the writer was used after `close()`.
 * @example
 * {@includeCode ../../examples/api-capture.ts#writers}
 */
export class CaptureWriteError extends RawcraftError {
  readonly code = 'E_CAPTURE_WRITE';
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

/**
 * A record holds more bytes than the file's snap length allows (pcap file header, pcapng
 * interface): the file contradicts itself. Readers keep the bytes and attach this to the
 * record's `issues`; a strict consumer refuses the record. The offset is where, in the packet,
 * the bytes beyond the snap length start.
 * @example
 * {@includeCode ../../examples/api-capture.ts#capture-errors}
 */
export class SnapLengthError extends PacketError {
  readonly code = 'E_SNAPLEN';
  constructor(
    /** `pcap` or `pcapng`. */
    format: 'pcap' | 'pcapng',
    readonly recordIndex: number,
    readonly capturedLength: number,
    readonly snapLength: number,
  ) {
    super(
      `${format} record ${recordIndex}: captured length ${capturedLength} is longer than the ${format === 'pcap' ? "file's" : "interface's"} snap length ${snapLength}`,
      format,
      snapLength,
    );
  }
}
