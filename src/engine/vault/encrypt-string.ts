/** `NAME: !vault |` followed by the envelope indented by 10 spaces, as `ansible-vault encrypt_string` prints it. */
const INDENT = ' '.repeat(10);

export function formatEncryptedString(envelope: string, name?: string): string {
  const head = `${name ? `${name}: ` : ''}!vault |`;
  const body = envelope.split(/\r?\n/).filter((l) => l !== '').map((l) => INDENT + l);
  return [head, ...body].join('\n');
}
