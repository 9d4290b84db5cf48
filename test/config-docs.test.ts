import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configVariables, loadConfig } from '../server/config.js';

interface Documented {
  name: string;
  default: string;
  description: string | undefined;
}

/** The variables as the config table describes them, in its order. */
const described: Documented[] = Object.entries(configVariables).map(([name, v]) => ({
  name,
  default: String(v.default ?? ''),
  description: v.description,
}));

function readDoc(file: string): string {
  return readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
}

/** Every `NAME=value` line of `.env.example`, with the `# comment` line right above it. */
function envExampleVariables(text: string): Documented[] {
  const lines = text.split('\n');
  return lines.flatMap((line, i) => {
    const assignment = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!assignment) {
      expect(line === '' || line.startsWith('#'), `.env.example has a line that is neither: ${line}`).toBe(true);
      return [];
    }
    const above = lines[i - 1] ?? '';
    return [
      {
        name: assignment[1]!,
        default: assignment[2]!,
        description: above.startsWith('# ') ? above.slice(2) : undefined,
      },
    ];
  });
}

/** The table rows between the "## Configuration" heading and the next heading. */
function readmeConfigurationRows(text: string): Documented[] {
  const lines = text.split('\n');
  const start = lines.indexOf('## Configuration') + 1;
  const after = lines.slice(start);
  const end = after.findIndex((line) => /^#+ /.test(line));
  const section = start === 0 ? [] : after.slice(0, end === -1 ? undefined : end);
  // A default is one code span; an empty cell is an empty default (a variable unset by default).
  const code = (cell: string) => (cell === '' ? '' : (/^`([^`]*)`$/.exec(cell)?.[1] ?? `(not one code span: ${cell})`));
  return section
    .filter((line) => line.startsWith('|'))
    .slice(2) // the header and the |---| line
    .map((line) => {
      const [name = '', value = '', description] = line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim());
      return { name: code(name), default: code(value), description };
    });
}

describe('configuration documentation', () => {
  it('.env.example lists exactly the config variables, in order, with their defaults and descriptions', () => {
    expect(envExampleVariables(readDoc('.env.example'))).toEqual(described);
  });

  it("README's Configuration table lists exactly the config variables, in order, with their defaults and descriptions", () => {
    expect(readmeConfigurationRows(readDoc('README.md'))).toEqual(described);
  });

  it('.env.example, loaded as it is, gives the default configuration', () => {
    const env = Object.fromEntries(envExampleVariables(readDoc('.env.example')).map((v) => [v.name, v.default]));
    expect(loadConfig(env)).toEqual(loadConfig({}));
  });

  it('reads tables the way the checks above rely on', () => {
    // A row missing from the README, or a changed default, must show up as a difference.
    const readme = readDoc('README.md');
    const withoutPort = readme.replace(/^\| `PORT` .*\n/m, '');
    expect(readmeConfigurationRows(withoutPort)).not.toEqual(described);
    const otherDefault = readDoc('.env.example').replace(/^PORT=.*$/m, 'PORT=8080');
    expect(envExampleVariables(otherDefault)).not.toEqual(described);
  });
});
