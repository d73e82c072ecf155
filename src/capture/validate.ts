import { InputError, formatValue } from '../codec/errors.js';
import type { CaptureRecordInput } from './record.js';

/** Throw InputError unless `value` is an integer in [min, max]. */
export function checkInteger(context: string, name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InputError(`${context}: ${name} ${formatValue(value)} is not an integer ${min}..${max}`);
  }
  return value;
}

/** The checks every writer makes on a record; returns the wire length to store. */
export function checkRecord(context: string, record: CaptureRecordInput, index: number): number {
  const where = `${context} record ${index}`;
  if (!(record.data instanceof Uint8Array)) {
    throw new InputError(`${where}: data must be a Buffer or Uint8Array`, index);
  }
  if (typeof record.timestampNs !== 'bigint' || record.timestampNs < 0n) {
    throw new InputError(`${where}: timestampNs ${formatValue(record.timestampNs)} must be a bigint >= 0n`, index);
  }
  const originalLength = record.originalLength ?? record.data.length;
  if (!Number.isInteger(originalLength) || originalLength < record.data.length || originalLength > 0xffffffff) {
    throw new InputError(
      `${where}: originalLength ${formatValue(originalLength)} must be an integer from data.length (${record.data.length}) to 4294967295`,
      index,
    );
  }
  return originalLength;
}
