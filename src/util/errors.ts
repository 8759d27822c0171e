/** Bad usage or unreadable input: printed as one line naming the source, exit code 2, never a stack trace. */
export class InputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'InputError'
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0]
  return String(error).split('\n')[0]
}
