/** Errors of the link layer (libpcap): what failed, libpcap's own words, and what to do. */
import { RawcraftError } from '../../codec/errors.js';

/** What went wrong in the link transport: libpcap missing, no such interface, no permission... */
export type LinkErrorCode =
  /** libpcap is not installed (or not loadable). */
  | 'E_LINK_UNAVAILABLE'
  /** No such interface. */
  | 'E_LINK_NO_DEVICE'
  /** Not allowed to capture or inject. */
  | 'E_LINK_PERMISSION'
  /** The interface is down. */
  | 'E_LINK_DOWN'
  /** The pcap filter expression does not compile. */
  | 'E_LINK_FILTER'
  /** The next hop's MAC address could not be found. */
  | 'E_LINK_RESOLVE'
  /** Any other libpcap failure. */
  | 'E_LINK';

/**
 * A failure of the link transport (libpcap): its code, what was being done, and a remedy.
 * @example
 * {@includeCode ../../../examples/api-link.ts#interfaces}
 */
export class LinkError extends RawcraftError {
  constructor(
    readonly code: LinkErrorCode,
    /** What was being done, e.g. `open eth0`, `send`, `compile filter`. */
    readonly operation: string,
    /** What went wrong (libpcap's error text where it has one). */
    readonly detail: string,
    /** What the user can do about it. */
    readonly remedy: string,
    /** Interface name, when there is one. */
    readonly iface?: string,
  ) {
    super(`${operation}: ${detail}. ${remedy}`);
  }

  toJSON(): Record<string, string> {
    const { name, code, operation, detail, remedy, message } = this;
    return { name, code, message, operation, detail, remedy, ...(this.iface !== undefined && { interface: this.iface }) };
  }
}
