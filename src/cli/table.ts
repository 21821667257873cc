/** Markdown tables for command and benchmark output: padded columns, one header rule. */

/** `rows` under `head` as a Markdown table with padded columns; `right` columns align right. */
export function markdownTable(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  right: readonly number[] = [],
): string {
  const widths = head.map((h, i) => Math.max(h.length, 3, ...rows.map((r) => (r[i] ?? '').length)));
  const cell = (c: string, i: number) =>
    right.includes(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!);
  const line = (r: readonly string[]) =>
    `| ${head.map((_, i) => cell(r[i] ?? '', i)).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (right.includes(i) ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}
