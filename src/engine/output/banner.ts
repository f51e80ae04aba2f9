/** Ansible's section headers: `PLAY [name] ****...` padded with asterisks to the width. */

const MIN_STARS = 3;

export function banner(title: string, width: number): string {
  const text = title.trim();
  const stars = Math.max(MIN_STARS, width - text.length - 1);
  return `${text} ${'*'.repeat(stars)}`;
}
