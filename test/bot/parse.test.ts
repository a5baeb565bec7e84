import { expect } from 'chai';
import { normaliseCode, parse, type Intent } from '../../bot/src/parse';

const NAME = '进展通助手';

// [text as it arrives, intent, argument, addressed]
const CASES: [string, Intent, string, boolean][] = [
  // bot-cases F1: the five client spellings of one binding
  ['@进展通助手\u2005绑定 AB23CD45', 'bind', 'AB23CD45', true],
  ['@进展通助手 绑定 AB23CD45', 'bind', 'AB23CD45', true],
  ['绑定 AB23CD45 @进展通助手', 'bind', 'AB23CD45', true],
  ['@进展通助手\u2005绑定 ＡＢ２３ＣＤ４５', 'bind', 'AB23CD45', true],
  ['@进展通助手\u2005绑定 ab23-cd45', 'bind', 'ab23-cd45', true],
  ['绑定AB23CD45', 'bind', 'AB23CD45', false],
  ['绑定', 'bind', '', false],
  ['@进展通助手 解绑 AB23CD45', 'unbind', 'AB23CD45', true],
  ['解绑', 'unbind', '', false],
  // commands, with and without the mention, with odd spacing and full-width forms
  ['帮助', 'help', '', false],
  ['@进展通助手', 'unknown', '', true],
  ['@进展通助手\u2005帮助', 'help', '', true],
  ['  帮助　', 'help', '', false],
  ['？', 'help', '', false],
  ['进度', 'progress', '', false],
  ['进度。', 'progress', '', false],
  ['@进展通助手\u2005进度\u3000福州', 'progress', '福州', true],
  ['进度   福州市 ', 'progress', '福州市', false],
  ['进度福州', 'progress', '福州', false],
  ['进度 福州 @进展通助手', 'progress', '福州', true],
  ['未报', 'missing', '', false],
  ['@进展通助手 未报 鼓楼区', 'missing', '鼓楼区', true],
  ['截止', 'deadline', '', false],
  ['截止时间', 'deadline', '', false],
  ['学时', 'hours', '', false],
  ['学时 2026 年暑期研修', 'hours', '2026 年暑期研修', false],
  ['公告', 'notices', '', false],
  ['订阅 周报', 'subscribe', '周报', false],
  ['退订\u2005提醒', 'unsubscribe', '提醒', false],
  ['取消订阅 公告', 'unsubscribe', '公告', false],
  // ordinary chat is not a command
  ['大家好，明天开会', 'unknown', '大家好,明天开会', false],
  ['@进展通助手 今天天气怎么样', 'unknown', '今天天气怎么样', true],
  ['@张三 进度怎么样了', 'unknown', '@张三 进度怎么样了', false],
  ['进度条卡住了吗？', 'unknown', '进度条卡住了吗?', false],
  ['@进展通助手 进度 福州？', 'progress', '福州', true],
  ['', 'unknown', '', false],
  ['@进展通助手助理 帮助', 'unknown', '@进展通助手助理 帮助', false],
];

describe('bot command parser (table-driven)', () => {
  for (const [text, intent, arg, addressed] of CASES) {
    it(`${JSON.stringify(text)} → ${intent} ${JSON.stringify(arg)}`, () => {
      expect(parse(text, NAME)).to.deep.equal({ intent, arg, addressed });
    });
  }

  it('folds binding codes as the server spells them, and refuses what cannot be one', () => {
    for (const raw of ['AB23CD45', 'ab23-cd45', 'ＡＢ２３ＣＤ４５', 'AB23 CD45', 'ab23—cd45', 'AB23_CD45']) {
      expect(normaliseCode(raw), raw).to.equal('AB23CD45');
    }
    for (const raw of ['', 'AB23', '绑定码', 'AB23CD45!!', 'A'.repeat(17)]) {
      expect(normaliseCode(raw), raw).to.equal(undefined);
    }
  });

  it('never throws, whatever the text', () => {
    for (const text of [undefined, null, 42, '\u0000', '@', '@进展通助手\u2005\u2005', '🙂'.repeat(500)]) {
      expect(() => parse(text as unknown as string, NAME)).not.to.throw();
    }
  });
});
