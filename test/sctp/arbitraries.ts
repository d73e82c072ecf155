/**
 * fast-check arbitraries for SCTP chunks, parameters and causes, generated in the exact form the
 * decoder returns (canonical addresses, names for known values, zero reserved fields left out),
 * so that decode(encode(x)) deep-equals x.
 */
import fc from 'fast-check';
import { readIpv6 } from '../../src/codec/bytes.js';
import { sctpChunks } from '../../src/codec/protocols/sctp-chunks.js';
import { sctpParams } from '../../src/codec/protocols/sctp-params.js';
import { sctpCauses } from '../../src/codec/protocols/sctp-causes.js';
import { actionOf } from '../../src/codec/protocols/sctp-tlv.js';

type Obj = Record<string, unknown>;

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const bytes = (max = 24): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: 0, maxLength: max });
const ipv4 = fc.tuple(u8, u8, u8, u8).map((a) => a.join('.'));
const ipv6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => readIpv6(b, 0));

/** A number that is not one of the known codes (so it stays a number when decoded). */
const unknownCode = (bits: 8 | 16, known: ReadonlyMap<number, unknown>): fc.Arbitrary<number> =>
  fc.integer({ min: 0, max: 2 ** bits - 1 }).filter((n) => !known.has(n));

const chunkTypeRef = fc.oneof(fc.constantFrom(...sctpChunks.byName.keys()), unknownCode(8, sctpChunks.byCode));
const paramTypeRef = fc.oneof(fc.constantFrom(...sctpParams.byName.keys()), unknownCode(16, sctpParams.byCode));
const hmacId = fc.oneof(fc.constantFrom('sha-1', 'sha-256'), u16.filter((n) => n !== 1 && n !== 3));
const reserved = (bits: number): fc.Arbitrary<number | undefined> => fc.option(fc.integer({ min: 1, max: 2 ** bits - 1 }), { nil: undefined, freq: 4 });

function withOptional(base: Obj, extra: Obj): Obj {
  const out = { ...base };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) out[k] = v;
  return out;
}

const addressParam = fc.oneof(
  ipv4.map((address) => ({ type: 'ipv4-address', address })),
  ipv6.map((address) => ({ type: 'ipv6-address', address })),
);

/** Parameters, nesting up to `depth` levels (unrecognized-parameter, error-cause-indication). */
export function paramArb(depth = 1): fc.Arbitrary<Obj> {
  const nested = depth > 0 ? fc.array(paramArb(depth - 1), { maxLength: 2 }) : fc.constant([]);
  const nestedCauses = depth > 0 ? fc.array(causeArb(depth - 1), { maxLength: 2 }) : fc.constant([]);
  return fc.oneof(
    bytes().map((info) => ({ type: 'heartbeat-info', info })),
    addressParam,
    bytes(40).map((cookie) => ({ type: 'state-cookie', cookie })),
    nested.map((params) => ({ type: 'unrecognized-parameter', params })),
    u32.map((lifespanIncrement) => ({ type: 'cookie-preservative', lifespanIncrement })),
    fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => !s.includes('\0')).map((hostName) => ({ type: 'host-name', hostName })),
    fc.array(paramTypeRef, { maxLength: 4 }).map((addressTypes) => ({ type: 'supported-address-types', addressTypes })),
    fc.record({ requestSeq: u32, responseSeq: u32, lastTsn: u32, streams: fc.array(u16, { maxLength: 5 }) }).map((f) => ({ type: 'outgoing-ssn-reset-request', ...f })),
    fc.record({ requestSeq: u32, streams: fc.array(u16, { maxLength: 5 }) }).map((f) => ({ type: 'incoming-ssn-reset-request', ...f })),
    u32.map((requestSeq) => ({ type: 'ssn-tsn-reset-request', requestSeq })),
    fc
      .record({
        responseSeq: u32,
        result: fc.oneof(fc.constantFrom('success-nothing-to-do', 'success-performed', 'denied', 'error-wrong-ssn', 'error-request-already-in-progress', 'error-bad-sequence-number', 'in-progress'), fc.integer({ min: 7, max: 0xffffffff })),
        next: fc.option(fc.tuple(u32, u32), { nil: undefined }),
      })
      .map(({ next, ...f }) => withOptional({ type: 're-config-response', ...f }, { senderNextTsn: next?.[0], receiverNextTsn: next?.[1] })),
    fc.record({ type: fc.constantFrom('add-outgoing-streams-request', 'add-incoming-streams-request'), requestSeq: u32, newStreams: u16, reserved: reserved(16) }).map((f) => withOptional({}, f)),
    fc.constant({ type: 'ecn-capable' }),
    bytes(40).map((random) => ({ type: 'random', random })),
    fc.array(chunkTypeRef, { maxLength: 6 }).map((chunkTypes) => ({ type: 'chunk-list', chunkTypes })),
    fc.array(hmacId, { maxLength: 3 }).map((hmacIds) => ({ type: 'requested-hmac-algorithm', hmacIds })),
    bytes().map((data) => ({ type: 'padding', data })),
    fc.array(chunkTypeRef, { maxLength: 6 }).map((chunkTypes) => ({ type: 'supported-extensions', chunkTypes })),
    fc.constant({ type: 'forward-tsn-supported' }),
    fc.record({ type: fc.constantFrom('add-ip-address', 'delete-ip-address', 'set-primary-address'), correlationId: u32, address: fc.oneof(ipv4, ipv6) }),
    fc.record({ correlationId: u32, causes: nestedCauses }).map((f) => ({ type: 'error-cause-indication', ...f })),
    u32.map((correlationId) => ({ type: 'success-indication', correlationId })),
    u32.map((adaptationCodePoint) => ({ type: 'adaptation-layer-indication', adaptationCodePoint })),
    fc.record({ type: unknownCode(16, sctpParams.byCode), data: bytes() }).map((p) => ({ ...p, action: actionOf(p.type, 16) })),
  );
}

/** Error causes, nesting parameters up to `depth` levels. */
export function causeArb(depth = 1): fc.Arbitrary<Obj> {
  const nested = fc.array(depth > 0 ? paramArb(depth - 1) : addressParam, { maxLength: 2 });
  return fc.oneof(
    fc.record({ streamId: u16, reserved: reserved(16) }).map((f) => withOptional({ code: 'invalid-stream-identifier' }, f)),
    fc.array(paramTypeRef, { maxLength: 4 }).map((parameterTypes) => ({ code: 'missing-mandatory-parameter', parameterTypes })),
    u32.map((staleness) => ({ code: 'stale-cookie', staleness })),
    fc.constantFrom({ code: 'out-of-resource' }, { code: 'invalid-mandatory-parameter' }, { code: 'cookie-received-while-shutting-down' }),
    fc.record({
      code: fc.constantFrom(
        'unresolvable-address',
        'unrecognized-parameters',
        'restart-with-new-addresses',
        'request-to-delete-last-address',
        'operation-refused-resource-shortage',
        'request-to-delete-source-address',
        'illegal-asconf-ack',
        'request-refused-no-authorization',
      ),
      params: nested,
    }),
    bytes().map((chunk) => ({ code: 'unrecognized-chunk-type', chunk })),
    u32.map((tsn) => ({ code: 'no-user-data', tsn })),
    bytes().map((reason) => ({ code: 'user-initiated-abort', reason })),
    bytes().map((info) => ({ code: 'protocol-violation', info })),
    hmacId.map((id) => ({ code: 'unsupported-hmac-identifier', hmacId: id })),
    fc.record({ code: unknownCode(16, sctpCauses.byCode), data: bytes() }),
  );
}

const DATA_FLAG_NAMES = ['immediate', 'unordered', 'beginning', 'ending'] as const;
/** DATA/I-DATA flags: names in bit order, or a number when a reserved bit is set. */
const dataFlags = fc.oneof(
  { weight: 4, arbitrary: fc.subarray([...DATA_FLAG_NAMES]) },
  { weight: 1, arbitrary: fc.integer({ min: 0x10, max: 0xff }) },
);
const tFlags = fc.oneof(fc.constantFrom([], ['tag-reflected']), fc.integer({ min: 2, max: 0xff }));
/** Chunks without flag names: absent (zero) or a non-zero number. */
const noFlags = fc.option(fc.integer({ min: 1, max: 0xff }), { nil: undefined, freq: 5 });
const bFlag = (flags: unknown): boolean => (Array.isArray(flags) ? flags.includes('beginning') : ((flags as number) & 2) !== 0);

export const chunkArb: fc.Arbitrary<Obj> = fc.oneof(
  fc.record({ flags: dataFlags, tsn: u32, streamId: u16, streamSeq: u16, ppid: u32, data: bytes(40) }).map((f) => ({ type: 'data', ...f })),
  fc
    .record({
      type: fc.constantFrom('init', 'init-ack'),
      flags: noFlags,
      initiateTag: u32,
      arwnd: u32,
      outboundStreams: u16,
      inboundStreams: u16,
      initialTsn: u32,
      params: fc.array(paramArb(), { maxLength: 5 }),
    })
    .map((f) => withOptional({}, f)),
  fc
    .record({ flags: noFlags, cumulativeTsnAck: u32, arwnd: u32, gapBlocks: fc.array(fc.record({ start: u16, end: u16 }), { maxLength: 4 }), duplicateTsns: fc.array(u32, { maxLength: 3 }) })
    .map((f) => withOptional({ type: 'sack' }, f)),
  fc.record({ type: fc.constantFrom('heartbeat', 'heartbeat-ack', 're-config'), flags: noFlags, params: fc.array(paramArb(), { maxLength: 3 }) }).map((f) => withOptional({}, f)),
  fc.record({ flags: tFlags, causes: fc.array(causeArb(), { maxLength: 3 }) }).map((f) => ({ type: 'abort', ...f })),
  fc.record({ flags: noFlags, causes: fc.array(causeArb(), { maxLength: 3 }) }).map((f) => withOptional({ type: 'error' }, f)),
  fc.record({ flags: noFlags, cumulativeTsnAck: u32 }).map((f) => withOptional({ type: 'shutdown' }, f)),
  fc.record({ type: fc.constantFrom('shutdown-ack', 'cookie-ack'), flags: noFlags }).map((f) => withOptional({}, f)),
  fc.record({ flags: noFlags, cookie: bytes(60) }).map((f) => withOptional({ type: 'cookie-echo' }, f)),
  fc.record({ type: fc.constantFrom('ecne', 'cwr'), flags: noFlags, lowestTsn: u32 }).map((f) => withOptional({}, f)),
  tFlags.map((flags) => ({ type: 'shutdown-complete', flags })),
  fc.record({ flags: noFlags, sharedKeyId: u16, hmacId, hmac: bytes(32) }).map((f) => withOptional({ type: 'auth' }, f)),
  fc
    .record({ flags: dataFlags, tsn: u32, streamId: u16, reserved: reserved(16), mid: u32, value: u32, data: bytes(40) })
    .map(({ value, ...f }) => withOptional({ type: 'i-data', ...f }, bFlag(f.flags) ? { ppid: value } : { fsn: value })),
  fc.record({ type: fc.constantFrom('asconf', 'asconf-ack'), flags: noFlags, serial: u32, params: fc.array(paramArb(), { maxLength: 3 }) }).map((f) => withOptional({}, f)),
  fc.record({ flags: noFlags, data: bytes(40) }).map((f) => withOptional({ type: 'pad' }, f)),
  fc
    .record({ flags: noFlags, newCumulativeTsn: u32, streams: fc.array(fc.record({ streamId: u16, streamSeq: u16 }), { maxLength: 4 }) })
    .map((f) => withOptional({ type: 'forward-tsn' }, f)),
  fc
    .record({
      flags: noFlags,
      newCumulativeTsn: u32,
      streams: fc.array(
        fc.record({ streamId: u16, unordered: fc.boolean(), mid: u32, reserved: reserved(15) }).map((s) => withOptional({}, s)),
        { maxLength: 3 },
      ),
    })
    .map((f) => withOptional({ type: 'i-forward-tsn' }, f)),
  fc.record({ type: unknownCode(8, sctpChunks.byCode), flags: u8, data: bytes() }).map((c) => ({ ...c, action: actionOf(c.type, 8) })),
);

/** A bundle of 1 to 4 chunks, any types in any order. */
export const bundleArb = fc.array(chunkArb, { minLength: 1, maxLength: 4 });

// ---------------------------------------------------------------------------------------------
// Semantically valid chunks: what a real stack would send (Wireshark dissects chunk contents by
// their meaning: HEARTBEAT carries one Heartbeat Info, an Unrecognized Chunk Type cause carries a
// chunk, gap blocks are ordered...), for the tshark interop test.

const nonEmpty = (max = 40): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: 1, maxLength: max });
const asconfAddressParam = fc.record({ type: fc.constantFrom('add-ip-address', 'delete-ip-address', 'set-primary-address'), correlationId: u32, address: fc.oneof(ipv4, ipv6) });

/** Parameters an INIT (or INIT ACK) carries. */
const initParam = fc.oneof(
  addressParam,
  u32.map((lifespanIncrement) => ({ type: 'cookie-preservative', lifespanIncrement })),
  fc.stringMatching(/^[a-z][a-z0-9.-]{0,14}$/).map((hostName) => ({ type: 'host-name', hostName })),
  fc.subarray(['ipv4-address', 'ipv6-address', 'host-name'], { minLength: 1 }).map((addressTypes) => ({ type: 'supported-address-types', addressTypes })),
  fc.constant({ type: 'ecn-capable' }),
  fc.constant({ type: 'forward-tsn-supported' }),
  fc.subarray(['asconf', 'asconf-ack', 're-config', 'forward-tsn', 'i-data', 'i-forward-tsn', 'auth', 'pad'], { minLength: 1 }).map((chunkTypes) => ({ type: 'supported-extensions', chunkTypes })),
  fc.uint8Array({ minLength: 32, maxLength: 36 }).map((random) => ({ type: 'random', random })),
  fc.subarray(['data', 'sack', 'asconf', 'asconf-ack', 'i-data', 're-config'], { minLength: 1 }).map((chunkTypes) => ({ type: 'chunk-list', chunkTypes })),
  fc.subarray(['sha-256', 'sha-1'], { minLength: 1 }).map((hmacIds) => ({ type: 'requested-hmac-algorithm', hmacIds })),
  u32.map((adaptationCodePoint) => ({ type: 'adaptation-layer-indication', adaptationCodePoint })),
  bytes(12).map((data) => ({ type: 'padding', data })),
  fc.record({ type: fc.constantFrom(0x8001 + 0x30, 0xc0a0, 0x4123), data: bytes(12) }).map((p) => ({ ...p, action: actionOf(p.type, 16) })),
);

const reconfigParam = fc.oneof(
  fc.record({ requestSeq: u32, responseSeq: u32, lastTsn: u32, streams: fc.array(u16, { maxLength: 5 }) }).map((f) => ({ type: 'outgoing-ssn-reset-request', ...f })),
  fc.record({ requestSeq: u32, streams: fc.array(u16, { maxLength: 5 }) }).map((f) => ({ type: 'incoming-ssn-reset-request', ...f })),
  u32.map((requestSeq) => ({ type: 'ssn-tsn-reset-request', requestSeq })),
  fc
    .record({ responseSeq: u32, result: fc.constantFrom('success-nothing-to-do', 'success-performed', 'denied', 'error-wrong-ssn', 'in-progress'), next: fc.option(fc.tuple(u32, u32), { nil: undefined }) })
    .map(({ next, ...f }) => withOptional({ type: 're-config-response', ...f }, { senderNextTsn: next?.[0], receiverNextTsn: next?.[1] })),
  fc.record({ type: fc.constantFrom('add-outgoing-streams-request', 'add-incoming-streams-request'), requestSeq: u32, newStreams: u16 }),
);

/** A small chunk, as bytes, for an Unrecognized Chunk Type cause. */
const embeddedChunk = fc.record({ type: fc.integer({ min: 0x45, max: 0x7f }), flags: u8, body: bytes(8) }).map(({ type, flags, body }) => {
  const out = new Uint8Array(4 + body.length);
  out.set([type, flags, 0, 4 + body.length]);
  out.set(body, 4);
  return out;
});

const validCause = fc.oneof(
  u16.map((streamId) => ({ code: 'invalid-stream-identifier', streamId })),
  fc.subarray(['state-cookie', 'ipv4-address', 'cookie-preservative'], { minLength: 1 }).map((parameterTypes) => ({ code: 'missing-mandatory-parameter', parameterTypes })),
  u32.map((staleness) => ({ code: 'stale-cookie', staleness })),
  fc.constantFrom({ code: 'out-of-resource' }, { code: 'invalid-mandatory-parameter' }, { code: 'cookie-received-while-shutting-down' }),
  addressParam.map((p) => ({ code: 'unresolvable-address', params: [p] })),
  embeddedChunk.map((chunk) => ({ code: 'unrecognized-chunk-type', chunk })),
  fc.array(initParam, { minLength: 1, maxLength: 2 }).map((params) => ({ code: 'unrecognized-parameters', params })),
  u32.map((tsn) => ({ code: 'no-user-data', tsn })),
  fc.array(addressParam, { minLength: 1, maxLength: 2 }).map((params) => ({ code: 'restart-with-new-addresses', params })),
  bytes().map((reason) => ({ code: 'user-initiated-abort', reason })),
  bytes().map((info) => ({ code: 'protocol-violation', info })),
  fc
    .record({
      code: fc.constantFrom('request-to-delete-last-address', 'operation-refused-resource-shortage', 'request-to-delete-source-address', 'request-refused-no-authorization'),
      param: asconfAddressParam,
    })
    .map(({ code, param }) => ({ code, params: [param] })),
  // Sent in an ABORT after an unexpected ASCONF ACK: nothing to copy.
  fc.constant({ code: 'illegal-asconf-ack', params: [] }),
  fc.constantFrom('sha-1', 'sha-256').map((hmacId) => ({ code: 'unsupported-hmac-identifier', hmacId })),
);

/** Ordered, non-overlapping gap blocks acknowledging at most 100 TSNs. */
const gapBlocks = fc.array(fc.tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 20 })), { maxLength: 4 }).map((steps) => {
  const blocks: { start: number; end: number }[] = [];
  let at = 1;
  for (const [skip, len] of steps) {
    const start = at + skip;
    blocks.push({ start, end: start + len });
    at = start + len + 1;
  }
  return blocks;
});

export const validChunkArb: fc.Arbitrary<Obj> = fc.oneof(
  fc.record({ flags: fc.subarray([...DATA_FLAG_NAMES]), tsn: u32, streamId: u16, streamSeq: u16, ppid: u32, data: nonEmpty() }).map((f) => ({ type: 'data', ...f })),
  fc
    .record({ initiateTag: fc.integer({ min: 1, max: 0xffffffff }), arwnd: fc.integer({ min: 1500, max: 0xffffffff }), outboundStreams: fc.integer({ min: 1, max: 0xffff }), inboundStreams: fc.integer({ min: 1, max: 0xffff }), initialTsn: u32, params: fc.array(initParam, { maxLength: 5 }) })
    .map((f) => ({ type: 'init', ...f })),
  fc
    .record({
      initiateTag: fc.integer({ min: 1, max: 0xffffffff }),
      arwnd: fc.integer({ min: 1500, max: 0xffffffff }),
      outboundStreams: fc.integer({ min: 1, max: 0xffff }),
      inboundStreams: fc.integer({ min: 1, max: 0xffff }),
      initialTsn: u32,
      cookie: nonEmpty(60),
      params: fc.array(initParam, { maxLength: 4 }),
      unrecognized: fc.option(initParam, { nil: undefined }),
    })
    .map(({ cookie, params, unrecognized, ...f }) => ({
      type: 'init-ack',
      ...f,
      // The State Cookie last, as usrsctp sends it. (Wireshark 4.0 misreads an Unrecognized
      // Parameter in the last position: it looks for the inner parameter's padding inside.)
      params: [...params, ...(unrecognized ? [{ type: 'unrecognized-parameter', params: [unrecognized] }] : []), { type: 'state-cookie', cookie }],
    })),
  fc.record({ cumulativeTsnAck: u32, arwnd: u32, gapBlocks, duplicateTsns: fc.array(u32, { maxLength: 3 }) }).map((f) => ({ type: 'sack', ...f })),
  fc.record({ type: fc.constantFrom('heartbeat', 'heartbeat-ack'), info: nonEmpty() }).map(({ type, info }) => ({ type, params: [{ type: 'heartbeat-info', info }] })),
  fc.record({ flags: fc.constantFrom([], ['tag-reflected']), causes: fc.array(validCause, { maxLength: 3 }) }).map((f) => ({ type: 'abort', ...f })),
  fc.array(validCause, { minLength: 1, maxLength: 3 }).map((causes) => ({ type: 'error', causes })),
  u32.map((cumulativeTsnAck) => ({ type: 'shutdown', cumulativeTsnAck })),
  fc.constantFrom({ type: 'shutdown-ack' }, { type: 'cookie-ack' }),
  nonEmpty(60).map((cookie) => ({ type: 'cookie-echo', cookie })),
  fc.record({ type: fc.constantFrom('ecne', 'cwr'), lowestTsn: u32 }),
  fc.constantFrom([], ['tag-reflected']).map((flags) => ({ type: 'shutdown-complete', flags })),
  fc
    .record({ sharedKeyId: u16, hmacId: fc.constantFrom('sha-1', 'sha-256') })
    .chain((f) => fc.uint8Array({ minLength: f.hmacId === 'sha-1' ? 20 : 32, maxLength: f.hmacId === 'sha-1' ? 20 : 32 }).map((hmac) => ({ type: 'auth', ...f, hmac }))),
  fc
    .record({ flags: fc.subarray([...DATA_FLAG_NAMES]), tsn: u32, streamId: u16, mid: u32, value: u32, data: nonEmpty() })
    .map(({ value, ...f }) => ({ type: 'i-data', ...f, ...(f.flags.includes('beginning') ? { ppid: value } : { fsn: value }) })),
  fc
    .record({ serial: u32, address: addressParam, params: fc.array(fc.oneof(asconfAddressParam, u32.map((adaptationCodePoint) => ({ type: 'adaptation-layer-indication', adaptationCodePoint }))), { minLength: 1, maxLength: 3 }) })
    .map(({ serial, address, params }) => ({ type: 'asconf', serial, params: [address, ...params] })),
  fc
    .record({
      serial: u32,
      params: fc.array(
        fc.oneof(
          u32.map((correlationId) => ({ type: 'success-indication', correlationId })),
          fc.record({ correlationId: u32, cause: validCause }).map(({ correlationId, cause }) => ({ type: 'error-cause-indication', correlationId, causes: [cause] })),
        ),
        { maxLength: 3 },
      ),
    })
    .map((f) => ({ type: 'asconf-ack', ...f })),
  fc.array(reconfigParam, { minLength: 1, maxLength: 2 }).map((params) => ({ type: 're-config', params })),
  nonEmpty().map((data) => ({ type: 'pad', data })),
  fc.record({ newCumulativeTsn: u32, streams: fc.array(fc.record({ streamId: u16, streamSeq: u16 }), { maxLength: 4 }) }).map((f) => ({ type: 'forward-tsn', ...f })),
  fc
    .record({ newCumulativeTsn: u32, streams: fc.array(fc.record({ streamId: u16, unordered: fc.boolean(), mid: u32 }), { maxLength: 3 }) })
    .map((f) => ({ type: 'i-forward-tsn', ...f })),
  fc.record({ type: fc.constantFrom(0x41, 0x7e, 0x90, 0xfe), flags: u8, data: bytes() }).map((c) => ({ ...c, action: actionOf(c.type, 8) })),
);

const FIRST = ['cookie-echo', 'cookie-ack'];
const DATA = ['data', 'i-data'];
const rank = (c: Obj): number => (FIRST.includes(String(c.type)) ? 0 : DATA.includes(String(c.type)) ? 2 : 1);

/**
 * Valid bundles (RFC 9260 sections 5.1 and 6.10): INIT, INIT ACK and SHUTDOWN COMPLETE alone;
 * otherwise 2 to 4 chunks, COOKIE ECHO or COOKIE ACK (one at most) first, control chunks before
 * DATA and I-DATA.
 */
export const validBundleArb = fc.oneof(
  validChunkArb.map((c) => [c]),
  fc
    .array(validChunkArb.filter((c) => !['init', 'init-ack', 'shutdown-complete'].includes(String(c.type))), { minLength: 2, maxLength: 4 })
    .filter((list) => list.filter((c) => rank(c) === 0).length <= 1)
    .map((list) => [...list].sort((a, b) => rank(a) - rank(b))),
);
