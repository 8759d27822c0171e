/**
 * Evidence comes from the cluster: a log line could carry escape sequences that move the cursor or retitle
 * the terminal. Control characters are shown as visible \xNN, so evidence is inert on screen.
 */
export function inertLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x08\x0a-\x1f\x7f-\x9f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`).replace(/\t/g, ' ')
}
