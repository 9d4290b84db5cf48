import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../shared/error-codes.js';
import { useApp } from './helper.js';

const ctx = useApp();

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];
const doc = fs.readFileSync(path.resolve(import.meta.dirname, '..', 'docs', 'api.md'), 'utf8');

/** The cells of a markdown table row (`\|` inside a cell is a literal pipe), or null for other lines. */
function cells(line: string): string[] | null {
  const trimmed = line.trim();
  if (!trimmed.startsWith('|')) return null;
  return trimmed
    .slice(1, trimmed.endsWith('|') ? -1 : undefined)
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

/** `METHOD /path/{param}` for every table row whose first cell is an HTTP method and second a path. */
function documentedRoutes(markdown: string): string[] {
  const routes: string[] = [];
  for (const line of markdown.split('\n')) {
    const [method, pathCell] = cells(line) ?? [];
    if (!method || !pathCell || !METHODS.includes(method.toLowerCase())) continue;
    const route = /^`([^`?]+)`$/.exec(pathCell)?.[1];
    if (!route) throw new Error(`docs/api.md: the path cell of "${line.trim()}" must be one \`/path\``);
    routes.push(`${method.toUpperCase()} ${route.replace(/:(\w+)/g, '{$1}')}`);
  }
  return routes;
}

/** The codes of the table under "## Error codes". */
function documentedErrorCodes(markdown: string): string[] {
  const section = markdown.split(/^## /m).find((s) => s.startsWith('Error codes'));
  if (!section) throw new Error('docs/api.md has no "## Error codes" section');
  return section
    .split('\n')
    .map((line) => cells(line)?.[0])
    .flatMap((cell) => (cell ? (/^`([a-z_]+)`$/.exec(cell)?.[1] ?? []) : []));
}

describe('docs/api.md', () => {
  it('parses: it has route tables and an error-code table', () => {
    expect(documentedRoutes(doc)).toContain('GET /redeem/{ticketId}');
    expect(documentedRoutes(doc)).toContain('GET /api/events/{eventId}/tickets.csv');
    expect(documentedErrorCodes(doc)).toContain('ticket_already_redeemed');
    // The parsers catch what the tests below rely on them catching.
    expect(documentedRoutes('| GET | `/api/x/:id` | — | 200 |\n| code | `x` |')).toEqual(['GET /api/x/{id}']);
    expect(documentedErrorCodes('## Error codes\n\n| code | status |\n|---|---|\n| `a_b` | 400 |\n')).toEqual(['a_b']);
  });

  it('documents exactly the operations of the OpenAPI document', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const spec = res.json() as { paths: Record<string, Record<string, unknown>> };
    const served = Object.entries(spec.paths).flatMap(([route, item]) =>
      Object.keys(item)
        .filter((key) => METHODS.includes(key))
        .map((method) => `${method.toUpperCase()} ${route}`),
    );
    const documented = documentedRoutes(doc);
    expect(served.length).toBeGreaterThan(10);
    expect(
      documented.filter((route) => !served.includes(route)),
      'in docs/api.md but not served (OpenAPI)',
    ).toEqual([]);
    expect(
      served.filter((route) => !documented.includes(route)),
      'served (OpenAPI) but missing from a table in docs/api.md',
    ).toEqual([]);
    expect(new Set(documented).size, 'a route documented twice').toBe(documented.length);
  });

  it('lists exactly the error codes of shared/error-codes.ts, each once', () => {
    const documented = documentedErrorCodes(doc);
    const codes: string[] = Object.values(ErrorCode);
    expect(
      documented.filter((code) => !codes.includes(code)),
      'in docs/api.md but not in ErrorCode',
    ).toEqual([]);
    expect(
      codes.filter((code) => !documented.includes(code)),
      'in ErrorCode but missing from docs/api.md',
    ).toEqual([]);
    expect(new Set(documented).size, 'a code documented twice').toBe(documented.length);
  });
});
