import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { parseCapture, readCapture } from '../../src/capture/index.js';
import { collect } from './helpers.js';
import { FIXTURES, OUTSIDE_TOOL_FILES, expectOutsideToolFile } from './outside-tools.js';

// Files written by Wireshark's text2pcap, editcap and mergecap (committed; see generate.sh),
// so these run even where Wireshark is not installed. tshark.test.ts regenerates them live.
describe('files written by Wireshark tools (committed fixtures)', () => {
  for (const name of OUTSIDE_TOOL_FILES) {
    it(name, async () => {
      expectOutsideToolFile(name, parseCapture(readFileSync(FIXTURES + name)));
      expectOutsideToolFile(name, await collect(readCapture(FIXTURES + name)));
    });
  }
});
