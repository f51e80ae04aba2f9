/**
 * Recognises a string that is exactly one `{{ expression }}` (spaces inside the
 * braces allowed): it keeps its value's type. Anything outside the braces, even
 * a trailing newline, makes it text: `"{{ x }}\n"` renders to a string ending in a newline.
 */
export function singleExpressionBody(text: string): string | undefined {
  const t = text;
  if (!t.startsWith('{{') || !t.endsWith('}}') || t.startsWith('{{{')) return undefined;
  const inner = t.slice(2, -2);
  if (inner.includes('{{') || inner.includes('}}')) return undefined;
  const body = inner.replace(/^~/, '').replace(/~$/, '').trim();
  if (body === '' || /^[#/!>^&{]/.test(body) || /^else\b/.test(body)) return undefined;
  return body;
}
