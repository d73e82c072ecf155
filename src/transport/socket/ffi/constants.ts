/**
 * The numeric values the raw-socket layer needs from the C headers. They differ per OS
 * (AF_INET6 is 10 on Linux and 30 on macOS, SOL_SOCKET is 1 vs 0xffff...), so each OS has
 * its own table and `posixConstants()` picks the one for the running process.
 */
import { LINUX } from './constants-linux.js';
import { DARWIN } from './constants-darwin.js';

export type { PosixOs, PosixConstants, ErrnoName } from './constants-types.js';
import type { PosixConstants } from './constants-types.js';

/**
 * The table for `platform`, or undefined where there are no raw-socket bindings (Windows...).
 * @example
 * {@includeCode ../../../../examples/api-transport.ts#raw-transport}
 */
export function posixConstants(platform: string = process.platform): PosixConstants | undefined {
  if (platform === 'linux') return LINUX;
  if (platform === 'darwin') return DARWIN;
  return undefined;
}
