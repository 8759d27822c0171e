// Apart from derive.ts, which reads chart files with the yaml library: rules compare minors without loading it.

/** "1.17" against "1.18": negative, zero or positive, as for a sort. */
export function compareMinor(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number)
  const [bm, bn] = b.split('.').map(Number)
  return am - bm || an - bn
}
