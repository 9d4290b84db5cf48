import { CompiledQuery } from 'kysely';

type Slot = { name: string } | { value: unknown };

/**
 * Builds a query once with named placeholders and returns a function that fills in values:
 * the SQL (in the database's own dialect) is compiled a single time, so a hot path pays no
 * query-building cost per call. Use for statements run thousands of times per second.
 */
export function precompile<P extends Record<string, unknown>>(
  names: readonly (keyof P & string)[],
  build: (params: P) => { compile(): CompiledQuery },
): (values: P) => CompiledQuery {
  const marker = '\u0000admit-param:';
  const sentinels = Object.fromEntries(names.map((n) => [n, `${marker}${n}`])) as unknown as P;
  const { sql, parameters } = build(sentinels).compile();
  const slots: Slot[] = parameters.map((p) =>
    typeof p === 'string' && p.startsWith(marker) ? { name: p.slice(marker.length) } : { value: p },
  );
  return (values) =>
    CompiledQuery.raw(
      sql,
      slots.map((s) => ('name' in s ? values[s.name] : s.value)),
    );
}
