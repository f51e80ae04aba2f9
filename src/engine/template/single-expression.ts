/** Recognises a string that is exactly one `{{ expression }}` (whitespace around allowed): it keeps its value's type. */
export function singleExpressionBody(text: string): string | undefined {
  const t = text.trim();
  if (!t.startsWith('{{') || !t.endsWith('}}') || t.startsWith('{{{')) return undefined;
  const inner = t.slice(2, -2);
  if (inner.includes('{{') || inner.includes('}}')) return undefined;
  const body = inner.replace(/^~/, '').replace(/~$/, '').trim();
  if (body === '' || /^[#/!>^&{]/.test(body) || /^else\b/.test(body)) return undefined;
  return body;
}
