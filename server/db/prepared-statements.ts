/**
 * Hot PostgreSQL statements, prepared once per connection. Kysely sends every statement as an
 * unnamed one, which PostgreSQL parses, analyses and plans on each execution; for the door
 * rush's group statements (a WITH of several data-modifying parts) that costs more server CPU
 * than running them. A statement registered here is sent under a name instead: the connection
 * parses it once and reuses the plan (pg keeps the names it has prepared per connection).
 * Only fixed SQL texts belong here: every name stays prepared for the connection's lifetime.
 */
const names = new Map<string, string>();

/** Registers `sql` as a statement to prepare once per connection, and returns it unchanged. */
export function preparedOnPostgres(sql: string): string {
  if (!names.has(sql)) names.set(sql, `admit_${names.size + 1}`);
  return sql;
}

/** The prepared statement name of `sql`, if it was registered. */
export function preparedName(sql: string): string | undefined {
  return names.get(sql);
}

/** Registers every statement of `statements` (preparedOnPostgres), and returns them unchanged. */
export function allPreparedOnPostgres<T extends Record<string, string>>(statements: T): T {
  for (const text of Object.values(statements)) preparedOnPostgres(text);
  return statements;
}
