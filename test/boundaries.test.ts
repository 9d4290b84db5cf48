import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const biome = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome');

/** A module that imports `name` with `importLine` and uses it, so no other rule complains. */
const using = (importLine: string, name: string) => `${importLine}\nexport const used = ${name};\n`;
const usingType = (importLine: string, name: string) => `${importLine}\nexport type Used = ${name};\n`;

/** Sources that cross a boundary, with words the rule's message must contain. */
const forbidden: Record<string, { source: string; message: string }> = {
  'web/api/reads-file.ts': {
    source: using("import { readFileSync } from 'node:fs';", 'readFileSync'),
    message: 'browser',
  },
  'web/lib/bare-builtin.ts': { source: using("import path from 'path';", 'path'), message: 'browser' },
  'web/pages/uses-server.ts': {
    source: using("import { buildApp } from '../../server/app.js';", 'buildApp'),
    message: 'must not import server code',
  },
  'shared/uses-fastify.ts': {
    source: usingType("import type { FastifyRequest } from 'fastify';", 'FastifyRequest'),
    message: 'only typebox',
  },
  'shared/uses-server.ts': {
    source: using("import { AppError } from '../server/errors.js';", 'AppError'),
    message: 'only typebox',
  },
  'shared/uses-node.ts': {
    source: using("import { randomUUID } from 'node:crypto';", 'randomUUID'),
    message: 'only typebox',
  },
  'server/domain/events/uses-fastify.ts': {
    source: usingType("import type { FastifyReply } from 'fastify';", 'FastifyReply'),
    message: 'keep Fastify in routes/',
  },
  'server/domain/uses-plugin.ts': {
    source: using("import fp from 'fastify-plugin';", 'fp'),
    message: 'keep Fastify in routes/',
  },
  'server/domain/uses-cookie.ts': {
    source: using("import cookie from '@fastify/cookie';", 'cookie'),
    message: 'keep Fastify in routes/',
  },
};

/** Imports each boundary allows: the same rules must let them pass. */
const allowed: Record<string, string> = {
  'web/api/uses-shared.ts': using("import { ErrorCode } from '../../shared/error-codes.js';", 'ErrorCode'),
  'web/pages/uses-react-dom-server.ts': using("import { renderToString } from 'react-dom/server';", 'renderToString'),
  'shared/uses-typebox.ts': using("import { Type } from 'typebox';", 'Type'),
  'shared/uses-shared.ts': using("import { ErrorCode } from './error-codes.js';", 'ErrorCode'),
  'server/domain/uses-kysely.ts': using("import { sql } from 'kysely';", 'sql'),
  'server/routes/uses-fastify.ts': usingType("import type { FastifyReply } from 'fastify';", 'FastifyReply'),
};

interface Diagnostic {
  category: string;
  file: string;
  message: string;
}

let dir: string;
let diagnostics: Diagnostic[];

/**
 * Biome with the repository's biome.json over a scratch tree holding the sources above at their
 * paths. (`--stdin-file-path` would be simpler, but Biome prints no diagnostics in that mode.)
 */
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'admit-boundaries-'));
  copyFileSync(join(root, 'biome.json'), join(dir, 'biome.json'));
  const files = { ...Object.fromEntries(Object.entries(forbidden).map(([f, { source }]) => [f, source])), ...allowed };
  for (const [file, source] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), source);
  }
  const result = spawnSync(process.execPath, [biome, 'lint', '--reporter=github', '--max-diagnostics=none', '.'], {
    cwd: dir,
    encoding: 'utf8',
  });
  // One line per diagnostic: ::error title=<category>,file=<path>,line=…::<message>
  diagnostics = [...result.stdout.matchAll(/^::\w+ title=([^,]+),file=([^,]+),[^\n]*?::(.*)$/gm)].map(
    ([, category, file, message]) => ({ category: category!, file: file!, message: message! }),
  );
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Biome prints absolute paths. */
const about = (file: string) => diagnostics.filter((d) => d.file.endsWith(`/${file}`));

describe('import boundaries (biome.json noRestrictedImports)', () => {
  it.each(Object.keys(forbidden))('refuses %s', (file) => {
    const found = about(file).filter((d) => d.category === 'lint/style/noRestrictedImports');
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain(forbidden[file]!.message);
  });

  it.each(Object.keys(allowed))('allows %s', (file) => {
    expect(about(file)).toEqual([]);
  });
});
