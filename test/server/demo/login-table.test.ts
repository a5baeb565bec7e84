// The demo account table `npm start` prints lines up in a terminal, where Chinese takes two columns each.
import { expect } from 'chai';
import stringWidth from 'string-width';
import { formatLoginTable, padDisplay } from '../../../server/src/demo/login-table';

describe('demo: the account table npm start prints', () => {
  const logins = [
    { label: '福建省 管理员', loginName: '350000admin', password: 'Demo12345' },
    { label: '鼓楼区 管理员', loginName: '350102admin', password: 'Demo12345' },
    { label: '福州市鼓楼区第一实验小学 管理员', loginName: 's3501020001', password: 'School123' },
    { label: 'demo admin', loginName: 'x', password: 'p' },
  ];

  it('pads by display width: double-width characters count twice', () => {
    expect(padDisplay('福建省', 8)).to.equal('福建省  ');
    expect(stringWidth(padDisplay('福建省 管理员', 20))).to.equal(20);
    expect(padDisplay('太长的标签', 4)).to.equal('太长的标签');
  });

  it('every login name and every "/" start at the same terminal column', () => {
    const lines = formatLoginTable(logins);
    expect(lines).to.have.length(logins.length);
    const columnOf = (line: string, needle: string) => stringWidth(line.slice(0, line.indexOf(needle)));
    const nameColumns = lines.map((line, i) => columnOf(line, logins[i]!.loginName));
    const slashColumns = lines.map((line) => columnOf(line, ' / '));
    expect(new Set(nameColumns).size, lines.join('\n')).to.equal(1);
    expect(new Set(slashColumns).size, lines.join('\n')).to.equal(1);
    expect(lines[0]).to.match(/^ {2}福建省 管理员 +350000admin +\/ {2}Demo12345$/);
  });
});
