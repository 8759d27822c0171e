// Not in validate.ts: a rule reaches this through the chart catalog, and must not load the JSON-schema validator (ajv) with it.

/**
 * Keys a values.yaml documents but comments out, as dotted paths: `  # kubeProxyReplacement: "false"`
 * at the indentation of its live siblings. Prose comments ("# -- Enable …") are not keys.
 */
export function commentedKeys(text: string): string[] {
  const out: string[] = []
  const stack: Array<{indent: number, key: string}> = []
  for (const line of text.split(/\r?\n/)) {
    const live = /^( *)([A-Za-z_][\w-]*):(\s|$)/.exec(line)
    const dead = /^( *)#\s?([A-Za-z_][\w-]*):(\s+\S.*)?$/.exec(line)
    const m = live ?? dead
    if (!m) continue
    const indent = m[1].length
    while (stack.length > 0 && stack[stack.length - 1].indent >= indent) stack.pop()
    const path = [...stack.map((s) => s.key), m[2]].join('.')
    if (live) stack.push({indent, key: m[2]})
    else out.push(path)
  }
  return out
}
