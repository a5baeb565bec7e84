// A cell's text as the person who typed it means it: what Excel or WPS shows, without the marks those
// programs (or the exports behind them) add to keep a value as text, without invisible characters, and
// with full-width forms folded to their ordinary ones (（）→ (), １３８ → 138), so that two cells that
// look the same compare equal in validation and duplicate checks.

/** Characters that show nothing: zero-width space/joiners, word joiner, BOM, soft hyphen, Mongolian vowel separator. */
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u00AD\u180E]/g;
/** C0 controls other than tab and line breaks, and DEL (an export's U+001F "keep as text" mark among them). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
/** Printable ASCII and CJK ideographs only: NFKC leaves such text as it is (the common case, checked first). */
const PLAIN = /^[\u0020-\u007E\u3400-\u4DBF\u4E00-\u9FFF]*$/;
/** Excel's formula-as-text wrapper `="…"` (CSV exports use it to keep leading zeros and long numbers). */
const FORMULA_TEXT = /^="((?:[^"]|"")*)"$/s;

/**
 * Normalizes one cell's text: NFKC (width folding), invisible characters and control characters removed,
 * Excel's keep-as-text wrappers taken off (`'…`, `="…"`, a leading U+001F, a trailing tab), trimmed.
 * Inner line breaks and spaces are kept; callers that need a one-line value collapse them.
 */
export function cleanCellText(raw: string): string {
  let text = PLAIN.test(raw)
    ? raw.trim()
    : raw.normalize('NFKC').replace(INVISIBLE, '').replace(CONTROLS, '').trim();
  const first = text.charCodeAt(0);
  if (first !== 0x3d && first !== 0x27) return text; // neither `=` nor `'`: no wrapper
  const wrapped = FORMULA_TEXT.exec(text);
  if (wrapped) text = wrapped[1].replace(/""/g, '"').trim();
  if (text.startsWith("'")) text = text.slice(1).trim();
  return text;
}
