#!/usr/bin/env node
// Makes sure dist/web holds a build of the current web app sources, rebuilding only when
// something it is built from is newer than the last build's stamp. Run by `npm start`
// (and by the e2e global setup), so a fresh clone serves an up-to-date app without extra steps.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const distDir = join(root, 'dist', 'web');
const stampFile = join(distDir, '.build-stamp');
const inputs = ['web', 'shared', 'vite.config.ts', 'postcss.config.cjs', 'package-lock.json'];
const ignoredDirs = new Set(['node_modules', '.git']);

/** Newest modification time (ms) of a file or of any file below a directory. */
export function newestMtime(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs; // a deleted file shows up as a newer directory
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.isDirectory() && ignoredDirs.has(entry.name)) continue;
    newest = Math.max(newest, newestMtime(join(path, entry.name)));
  }
  return newest;
}

/** Why a build is needed, or null when dist/web is up to date. */
export function staleReason() {
  if (!existsSync(join(distDir, 'index.html')) || !existsSync(stampFile)) return 'no build yet';
  const built = statSync(stampFile).mtimeMs;
  for (const input of inputs) {
    if (newestMtime(join(root, input)) > built) return `${input} changed`;
  }
  return null;
}

/** Builds into a temporary folder and swaps it in, so a running server never sees half a build. */
export async function buildWeb() {
  const startedAt = new Date();
  const tmpDir = join(root, 'dist', `.web-build-${process.pid}`);
  const oldDir = join(root, 'dist', `.web-old-${process.pid}`);
  rmSync(tmpDir, { recursive: true, force: true });
  const { build } = await import('vite');
  await build({
    configFile: join(root, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: tmpDir, emptyOutDir: true },
  });
  // The stamp carries the build's start time: a file edited during the build triggers the next one.
  writeFileSync(join(tmpDir, '.build-stamp'), `${startedAt.toISOString()}\n`);
  utimesSync(join(tmpDir, '.build-stamp'), startedAt, startedAt);
  mkdirSync(dirname(distDir), { recursive: true });
  if (existsSync(distDir)) renameSync(distDir, oldDir);
  renameSync(tmpDir, distDir);
  rmSync(oldDir, { recursive: true, force: true });
}

/** Rebuilds dist/web when stale; quiet and fast when it is up to date. */
export async function ensureWebBuild() {
  const reason = staleReason();
  if (!reason) return false;
  const began = Date.now();
  console.log(`[web] building dist/web (${reason})…`);
  await buildWeb();
  console.log(`[web] built in ${((Date.now() - began) / 1000).toFixed(1)} s`);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  ensureWebBuild().catch((error) => {
    console.error('[web] build failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
