// Rich-text content of notices: reduced to a safe subset of HTML before it is stored, so every reader
// (mini-program rich-text, H5, bot summaries) can render it as is. An allow-list, never a block-list:
// scripts, event handlers, styles, iframes, forms and unknown tags are dropped.
import sanitizeHtml from 'sanitize-html';

const ALLOWED_TAGS = [
  'p',
  'br',
  'div',
  'span',
  'strong',
  'b',
  'em',
  'i',
  'u',
  's',
  'del',
  'sub',
  'sup',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'pre',
  'code',
  'hr',
  'ul',
  'ol',
  'li',
  'a',
  'img',
  'table',
  'caption',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'th',
  'td',
];

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ALLOWED_TAGS,
  allowedAttributes: {
    a: ['href', 'title', 'target', 'rel'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    td: ['colspan', 'rowspan'],
    th: ['colspan', 'rowspan'],
    ol: ['start'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  // Images only from the web: no data: URLs (size, and a vector for odd payloads).
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // Their text is code or UI, not notice text: dropped together with the tag.
  nonTextTags: [
    'script',
    'style',
    'textarea',
    'option',
    'noscript',
    'iframe',
    'object',
    'embed',
    'template',
    'title',
  ],
  transformTags: {
    // Links leave the app without handing it the opener.
    a: (tagName, attribs) => ({
      tagName,
      attribs: {
        ...attribs,
        ...(attribs.target ? { target: '_blank' } : {}),
        rel: 'noopener noreferrer',
      },
    }),
  },
};

/** The safe HTML to store. */
export function sanitizeNoticeContent(html: string): string {
  return sanitizeHtml(html, OPTIONS).trim();
}

/** Whether sanitised content still says anything: visible text or an image. */
export function hasVisibleContent(safeHtml: string): boolean {
  if (/<img\s/i.test(safeHtml)) return true;
  const text = sanitizeHtml(safeHtml, { allowedTags: [], allowedAttributes: {} });
  return text.replace(/&nbsp;|&#160;|\s/g, '').length > 0;
}
