import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Builds dist/web (only when stale) with the same script `npm start` runs, before any journey. */
export default function setup(): void {
  const script = fileURLToPath(new URL('../scripts/ensure-web-build.mjs', import.meta.url));
  execFileSync(process.execPath, [script], { stdio: 'inherit' });
}
