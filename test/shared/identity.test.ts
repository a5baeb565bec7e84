import { expect } from 'chai';
import { isValidResidentIdNumber, nameProblem } from '../../shared/src';

describe('identity checks (shared)', () => {
  it('居民身份证: 18 characters with the GB 11643 check character and a real birth date', () => {
    for (const good of [
      '35010219850312123X',
      '11010519491231002X',
      '350102199001010374',
      '35010219850312123x',
    ])
      expect(isValidResidentIdNumber(good), good).to.equal(true);
    for (const bad of [
      '350102198503121000', // Excel lost the precision: the last digits became 0
      '3.50102E+17', // Excel's scientific notation
      '35010219850312123', // 17 digits
      '350102199001010375', // wrong check digit
      '350102198502301236', // 30 February
      '3501021985031212301',
      '',
    ])
      expect(isValidResidentIdNumber(bad), bad).to.equal(false);
  });

  it('names: no control characters, lone surrogates, bidi overrides, nor only invisible characters', () => {
    for (const good of ['王小明', '福州市鼓楼区实验小学', 'Anna Müller', '阿卜杜拉·买买提', '𠮷野家'])
      expect(nameProblem(good), good).to.equal(null);
    for (const bad of [
      '王\u0007明',
      '王\u0000',
      '王\u0085明',
      '王\ud800明',
      '\udc00王',
      '王\u202e明',
      '王\u2067明',
      '\u200b\u200b',
      '\u3000 \u200d',
      '\ufeff',
    ])
      expect(nameProblem(bad), JSON.stringify(bad)).to.be.a('string');
  });
});
