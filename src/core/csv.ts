/**
 * CSV as RFC 4180 writes it: a cell with a comma, a quote or a line break is quoted, quotes
 * doubled. The reader accepts what the writer writes (and CRLF line ends, as spreadsheets save),
 * so tables exported by the CLI or the app read back to the same cells.
 */

/** One cell, quoted only when it must be. */
export function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Lines of cells to CSV text, one record per line, ending with a newline. */
export function toCsv(records: readonly (readonly string[])[]): string {
  return records.map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}

/**
 * CSV text to records of cells. A trailing newline ends the last record (no empty record after
 * it). Throws on a quote left open or text after a closing quote, naming the record.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let i = 0;
  const endRecord = () => {
    record.push(cell);
    records.push(record);
    record = [];
    cell = '';
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"' && cell === '') {
      const start = records.length + 1;
      i++;
      for (;;) {
        if (i >= text.length) throw new Error(`CSV: record ${start} opens a quote it never closes`);
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        cell += text[i];
        i++;
      }
      const next = text[i];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r')
        throw new Error(`CSV: record ${start} has text after a closing quote`);
      continue;
    }
    if (ch === ',') {
      record.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      endRecord();
      if (ch === '\r' && text[i + 1] === '\n') i++;
    } else cell += ch;
    i++;
  }
  if (cell !== '' || record.length > 0) endRecord();
  return records;
}
