/**
 * One CSV field (RFC 4180). A field a spreadsheet would run as a formula (= + - @, tab, CR) is
 * prefixed with ' so an exported audit trail cannot execute anything when opened.
 */
export function csvField(value: unknown): string {
  let s = value === null || value === undefined ? "" : typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function csvLine(values: unknown[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}
