// The command table and its one pure parser (STYLE.md "Commands are a table"): text as it arrives from any
// WeChat client → { intent, args }. Tolerant of U+2005 after an @mention (mobile clients), full-width
// letters and digits (IME), extra spaces, the mention at either end (bot-cases F1).

/** What a group can ask; `unknown` when no row matches. */
export type Intent =
  | 'help'
  | 'bind'
  | 'unbind'
  | 'progress'
  | 'missing'
  | 'deadline'
  | 'hours'
  | 'notices'
  | 'subscribe'
  | 'unsubscribe'
  | 'unknown';

export interface Parsed {
  intent: Intent;
  /** The command's argument, trimmed ('' when none): a region name, training name, code or topic. */
  arg: string;
  /** The bot was @mentioned (then unknown text gets a hint; without a mention it is ordinary chat). */
  addressed: boolean;
}

/** One row per intent: the patterns of its wording; group 1 (if any) is the argument. */
export const COMMANDS: readonly (readonly [Intent, readonly RegExp[]])[] = [
  ['help', [/^(?:帮助|help|菜单|功能|命令|\?|？)$/i]],
  ['bind', [/^绑定(?:\s+|$)(.*)$/, /^绑定([0-9A-Za-z].*)$/]],
  ['unbind', [/^(?:解绑|解除绑定)(?:\s+|$)(.*)$/, /^解绑([0-9A-Za-z].*)$/]],
  ['progress', [/^(?:进度|进展)\s*(.*)$/]],
  ['missing', [/^(?:未报|未上报|没报)\s*(.*)$/]],
  ['deadline', [/^(?:截止|截止时间|截止日期)$/]],
  ['hours', [/^(?:学时|研修学时|培训学时)\s*(.*)$/]],
  ['notices', [/^(?:公告|通知|通知公告)$/]],
  ['subscribe', [/^订阅\s*(.*)$/]],
  ['unsubscribe', [/^(?:退订|取消订阅)\s*(.*)$/]],
];

/**
 * Folds what clients vary in: NFKC turns full-width letters, digits and spaces (and U+2005) into ASCII;
 * every run of white space becomes one space.
 */
export function normaliseText(text: string): string {
  return text.normalize('NFKC').replace(/\s+/gu, ' ').trim();
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const PLAIN_ARGUMENT = /^[\p{Script=Han}A-Za-z0-9 -]{0,30}$/u;
const TRAILING_PUNCTUATION = /[。．.！!，,；;~～?？]+$/u;

/**
 * Parses one message text for the bot named `botName` (pure). The @mention may stand at the start or the
 * end; other people's mentions are left in place (then the text is not a command).
 */
export function parse(text: string, botName: string): Parsed {
  let body = normaliseText(String(text ?? ''));
  const name = normaliseText(botName);
  const mention = new RegExp(`(^|\\s)@${escapeRegex(name)}(?=\\s|$)`, 'gu');
  const addressed = mention.test(body);
  if (addressed) body = body.replace(mention, ' ').replace(/\s+/g, ' ').trim();
  // A question to the bot may end in punctuation; unaddressed, "进度。" still counts, "进度条?" does not.
  const stripped = body.replace(addressed ? TRAILING_PUNCTUATION : /[。.!！]+$/u, '').trim();
  if (stripped) body = stripped;
  for (const [intent, patterns] of COMMANDS) {
    for (const pattern of patterns) {
      const m = pattern.exec(body);
      if (!m) continue;
      const arg = (m[1] ?? '').trim();
      // Without the mention, only a bare command or one followed by a name counts: "进度条卡住了吗?" is chat.
      if (!addressed && !PLAIN_ARGUMENT.test(arg)) break;
      return { intent, arg, addressed };
    }
  }
  return { intent: 'unknown', arg: body, addressed };
}

/**
 * A binding code as the server spells it: letters and digits only, upper case ("ab23-cd45",
 * "ＡＢ２３ ＣＤ４５" → "AB23CD45"). Undefined when what is left cannot be a code (8–16 letters/digits).
 */
export function normaliseCode(raw: string): string | undefined {
  const code = normaliseText(raw)
    .replace(/[\s\-_－—.·]/gu, '')
    .toUpperCase();
  return /^[0-9A-Z]{8,16}$/.test(code) ? code : undefined;
}
