/**
 * Orders texts the same way on every backend: by UTF-16 code units, as JavaScript's `<`
 * (a database's collation may differ), so that ties and lists sort alike everywhere.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
