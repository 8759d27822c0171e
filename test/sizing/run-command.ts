/** Run the oclif command in-process, capturing stdout/stderr and the exit code it sets. */
export async function runCommand(cmd: {run(argv: string[], opts: string): Promise<unknown>}, argv: string[]): Promise<{out: string, err: string, code: number | undefined}> {
  const out: string[] = []
  const err: string[] = []
  const ow = process.stdout.write.bind(process.stdout)
  const ew = process.stderr.write.bind(process.stderr)
  const before = process.exitCode
  process.exitCode = undefined
  process.stdout.write = ((c: string | Uint8Array) => (out.push(String(c)), true))
  process.stderr.write = ((c: string | Uint8Array) => (err.push(String(c)), true))
  let code: number | undefined
  try {
    await cmd.run(argv, import.meta.url)
  } finally {
    process.stdout.write = ow
    process.stderr.write = ew
    code = process.exitCode
    process.exitCode = before
  }
  return {out: out.join(''), err: err.join(''), code}
}

