/** Byte order of a capture file's multi-byte fields. */
export type ByteOrder = 'little' | 'big';

// Small endian-switching accessors: capture files are in the writer's byte order, not network order.

export function readU16(buf: Buffer, offset: number, le: boolean): number {
  return le ? buf.readUInt16LE(offset) : buf.readUInt16BE(offset);
}

export function readU32(buf: Buffer, offset: number, le: boolean): number {
  return le ? buf.readUInt32LE(offset) : buf.readUInt32BE(offset);
}

export function readI64(buf: Buffer, offset: number, le: boolean): bigint {
  return le ? buf.readBigInt64LE(offset) : buf.readBigInt64BE(offset);
}

export function writeU16(buf: Buffer, offset: number, value: number, le: boolean): void {
  if (le) buf.writeUInt16LE(value, offset);
  else buf.writeUInt16BE(value, offset);
}

export function writeU32(buf: Buffer, offset: number, value: number, le: boolean): void {
  if (le) buf.writeUInt32LE(value, offset);
  else buf.writeUInt32BE(value, offset);
}

export function writeI64(buf: Buffer, offset: number, value: bigint, le: boolean): void {
  if (le) buf.writeBigInt64LE(value, offset);
  else buf.writeBigInt64BE(value, offset);
}

/** Round up to the next multiple of 4 (pcapng pads every field to 32 bits). */
export function pad4(n: number): number {
  return n + ((4 - (n % 4)) % 4);
}

export function hex32(n: number): string {
  return n.toString(16).padStart(8, '0');
}
