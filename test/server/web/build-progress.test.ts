// The first `npm start` builds H5 for minutes: the build's own progress bar is turned into a line per
// 10 % (server/src/web/build.ts: buildProgress), so a newcomer sees it working.
import { expect } from 'chai';
import { buildProgress } from '../../../server/src/web/build';

describe('web: H5 build progress lines', () => {
  it('prints a line each time the progress passes another 10 %, once each, from split chunks', () => {
    const lines: string[] = [];
    const feed = buildProgress((l) => lines.push(l));
    // Taro's webpack bar as it reaches stderr: redraws with ANSI codes, percentages split across chunks.
    feed('- 即将开始启动编译，请稍等~\n\x1b[2K\x1b[1A\x1b[G● Webpack ████ building (3%) 0/1 entries');
    feed('\x1b[2K● Webpack ████ building (11%) 0/1 entries 3318/3322 dependencies\n');
    feed('\x1b[2K● Webpack ████ building (12%) …\x1b[2K● Webpack ████ building (4');
    feed('5%) 171/1153 modules\n\x1b[2K● Webpack ████ building (45%)');
    feed('\x1b[2K● Webpack ████ sealing (92%) asset processing\n');
    expect(lines).to.deep.equal(['H5 构建进度 10%', 'H5 构建进度 40%', 'H5 构建进度 90%']);
  });

  it('prints nothing for output without a percentage', () => {
    const lines: string[] = [];
    buildProgress((l) => lines.push(l))('Generated an empty chunk: "app"\n');
    expect(lines).to.deep.equal([]);
  });
});
