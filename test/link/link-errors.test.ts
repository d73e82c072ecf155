/**
 * The link transport's failures say what to do: libpcap missing (here: Npcap's wpcap.dll asked
 * for on Linux, which has none), no such interface, a filter libpcap cannot compile, a frame
 * with no interface to go out on. The last three need capture rights (root): skipped without,
 * failing with CI=true.
 */
import { describe, expect, it } from 'vitest';
import { LinkError, loadLibpcap, openLinkTransport, openTransport, PcapHandle, TransportArgumentError } from '../../src/index.js';
import { ethernet } from '../../src/index.js';
import { requireRaw } from '../transport/helpers.js';

describe('link transport errors', () => {
  it('a missing libpcap names what to install', () => {
    let error: unknown;
    try {
      loadLibpcap('win32');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LinkError);
    expect((error as LinkError).code).toBe('E_LINK_UNAVAILABLE');
    expect((error as LinkError).message).toMatch(/wpcap\.dll/);
    expect((error as LinkError).remedy).toMatch(/Npcap.*WinPcap API-compatible Mode/);
  });

  it('loads the system libpcap on Linux', (ctx) => {
    if (process.platform !== 'linux') ctx.skip('Linux only');
    expect(loadLibpcap().version).toMatch(/libpcap version \d+\.\d+/);
  });

  it('no such interface, and a filter that does not compile', (ctx) => {
    requireRaw(ctx);
    expect(() => PcapHandle.open('rc-no-such0')).toThrow(expect.objectContaining({ code: 'E_LINK_NO_DEVICE', remedy: expect.stringMatching(/rawcraft interfaces/) }));
    expect(() => PcapHandle.open('lo', { filter: 'icmp and and' })).toThrow(expect.objectContaining({ code: 'E_LINK_FILTER', message: expect.stringMatching(/syntax error/) }));
  });

  it('a frame needs an interface; the kind is accepted by openTransport', async () => {
    const t = openTransport({ kind: 'link' });
    expect(t.kind).toBe('link');
    await expect(t.send(ethernet().arp())).rejects.toThrow(TransportArgumentError);
    await t.close();
    expect(() => openLinkTransport({ nextHopMac: 'not-a-mac' })).toThrow(/nextHopMac/);
  });
});
