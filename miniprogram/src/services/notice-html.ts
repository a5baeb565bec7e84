// A notice's content as the server takes it (sanitised HTML) from the plain text typed on a phone.

/** Plain text → `<p>` paragraphs, one per non-empty line, with &, < and > escaped. */
export function textToHtml(text: string): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return text
    .split(/\n+/)
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => `<p>${esc(l)}</p>`)
    .join('');
}
