/** Running the built CLI (`npm run build` first; `npm test` does it): `decode --json --lax | encode --hex`. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const BUILT_SCTP = fileURLToPath(new URL('../../dist/src/codec/protocols/sctp.js', import.meta.url));

/** Why the CLI cannot run, or undefined. */
export function cliUnavailable(): string | undefined {
  if (!existsSync(CLI) || !existsSync(BUILT_SCTP)) return 'dist/ has no SCTP build: run npm run build';
  return undefined;
}

function run(args: string[], input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** `rawcraft decode --json --lax FILE | rawcraft encode --hex`: the hex lines that come out. */
export async function cliRoundTrip(file: string): Promise<string[]> {
  const decoded = await run(['decode', '--json', '--lax', file]);
  if (decoded.code !== 0) throw new Error(`decode failed (${decoded.code}): ${decoded.stderr}`);
  const encoded = await run(['encode', '--hex'], decoded.stdout);
  if (encoded.code !== 0) throw new Error(`encode failed (${encoded.code}): ${encoded.stderr}`);
  return encoded.stdout.split('\n').filter((l) => l !== '');
}

export { run as runCli };
