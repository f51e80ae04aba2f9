/** A warning as the human output prints it: `[WARNING]: message`, or `[WARNING]: [host]: message`. */
export function warningLine(message: string, host?: string): string {
  return `[WARNING]: ${host ? `[${host}]: ` : ''}${message}`;
}
