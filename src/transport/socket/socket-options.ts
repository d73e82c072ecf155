/** Checks of the raw-socket options the POSIX and Windows sockets share. */
import { TransportArgumentError } from '../errors.js';

/** The options both raw sockets take and check alike. */
export interface CommonSocketOptions {
  family: 4 | 6;
  protocol: number;
  ttl?: number;
  tos?: number;
  hopLimit?: number;
  trafficClass?: number;
  checksumOffset?: number;
  sendBufferSize?: number;
  receiveBufferSize?: number;
}

/**
 * Throws TransportArgumentError unless `opts` is an object with family 4 or 6, a protocol
 * 0..255, and the numeric options in range and for the socket's family.
 */
export function validateCommonOptions(opts: CommonSocketOptions): void {
  if (typeof opts !== 'object' || opts === null) throw new TransportArgumentError('options', opts, 'an object');
  if (opts.family !== 4 && opts.family !== 6) throw new TransportArgumentError('family', opts.family, '4 or 6');
  const int = (name: keyof CommonSocketOptions, min = 0, max = 255) => {
    const v = opts[name];
    if (v === undefined) return;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw new TransportArgumentError(name, v, `an integer ${min}..${max}`);
    }
  };
  const onlyFor = (name: keyof CommonSocketOptions, family: 4 | 6) => {
    if (opts[name] !== undefined && opts.family !== family) {
      throw new TransportArgumentError(name, opts[name], `nothing: ${name} applies to IPv${family} sockets only`);
    }
  };
  int('protocol');
  if (opts.protocol === undefined) throw new TransportArgumentError('protocol', undefined, 'an integer 0..255');
  int('ttl', 1, 255);
  int('tos');
  int('hopLimit');
  int('trafficClass');
  int('checksumOffset', 0, 65534);
  int('sendBufferSize', 1, 0x7fffffff);
  int('receiveBufferSize', 1, 0x7fffffff);
  onlyFor('ttl', 4);
  onlyFor('tos', 4);
  onlyFor('hopLimit', 6);
  onlyFor('trafficClass', 6);
  onlyFor('checksumOffset', 6);
}
