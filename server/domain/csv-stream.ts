import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { neutraliseFormula } from './tickets/export-tickets.js';

/** The CSV rules of every download: RFC 4180 with CRLF, and no cell a spreadsheet would run as a formula. */
const csvOptions = {
  record_delimiter: 'windows' as const,
  cast: { string: (value: string) => neutraliseFormula(value) },
};

/**
 * A CSV body streamed from keyset pages of rows: the header, then one chunk per page. Few, large
 * strings keep the garbage collector idle and memory flat however many rows there are; the next
 * page is read only when the client has taken the previous one (backpressure).
 */
export function csvStream(header: readonly string[], pages: AsyncIterable<string[][]>): Readable {
  async function* chunks() {
    yield stringify([[...header]], csvOptions);
    for await (const rows of pages) yield stringify(rows, csvOptions);
  }
  return Readable.from(chunks(), { objectMode: false });
}
