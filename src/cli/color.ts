/**
 * Colour when asked (--color/--no-color), else as the environment says: FORCE_COLOR (non-zero) forces it,
 * NO_COLOR (non-empty, no-color.org) or FORCE_COLOR=0 turns it off, and otherwise only a terminal gets it.
 */
export function resolveColor(flag: boolean | undefined, env: NodeJS.ProcessEnv = process.env, isTTY = Boolean(process.stdout.isTTY)): boolean {
  if (flag !== undefined) return flag
  const force = env.FORCE_COLOR
  if (force !== undefined && force !== '') return !['0', 'false'].includes(force)
  if (env.NO_COLOR) return false
  return isTTY && env.TERM !== 'dumb'
}
