import {readdirSync, statSync} from 'node:fs'

/** A `cilium sysdump` archive, or a directory it was unzipped into. */
export function isSysdump(path: string): boolean {
  let st
  try {
    st = statSync(path)
  } catch {
    return false
  }
  if (st.isFile()) return /\.zip$/i.test(path)
  if (!st.isDirectory()) return false
  const names = readdirSync(path)
  if (names.length === 1 && /^cilium-sysdump-/.test(names[0])) return true
  return names.some((n) => /^cilium-bugtool-|^bugtool-cilium-|^cilium-configmap-.*\.ya?ml$|^cilium-sysdump-/.test(n))
}
