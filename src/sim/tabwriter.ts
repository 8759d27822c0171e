/*
 * Go's text/tabwriter as Cilium's printers use it, for the simple case they produce: every cell is
 * terminated by a tab, so every column (the last one too) is padded to its widest cell plus
 * `padding`, and never narrower than `minwidth`. A row with fewer cells stops early.
 */
export function tabwrite(rows: readonly string[][], minwidth: number, padding: number): string {
  const widths: number[] = []
  for (const r of rows) {
    r.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, Math.max(minwidth, cell.length + padding))
    })
  }
  let out = ''
  for (const r of rows) {
    for (let i = 0; i < r.length; i++) out += r[i].padEnd(widths[i])
    out += '\n'
  }
  return out
}
