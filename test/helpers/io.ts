import type {Io} from '../../src/actions/doctor-options.js'

/** An Io that keeps what a command wrote, for in-process runs of the actions. */
export function captureIo(): Io & {out: string, err: string} {
  const io = {
    out: '',
    err: '',
    isTTY: false,
    stdout(t: string) {
      io.out += t
    },
    stderr(t: string) {
      io.err += t
    },
  }
  return io
}
