// The region pages' pure parts: who sees which entry, the notice text sent.
import { expect } from 'chai';
import { menuFor, REGION_MENU } from '../../miniprogram/src/services/region-menu';
import { textToHtml } from '../../miniprogram/src/services/notice-html';
import { BAR_LABEL_ROOM, barValueAxis } from '../../miniprogram/src/components/chart-room';

describe('mini-program region pages', () => {
  it('shows inspectors and auditors only the reading entries; managers get compose, bot and codes too', () => {
    const keys = (role: string) => menuFor(role).map((e) => e.key);
    const reading = ['supervision', 'review', 'region-form', 'schools', 'notices', 'statistics', 'training'];
    expect(keys('inspector')).to.deep.equal(reading);
    expect(keys('auditor')).to.deep.equal(reading);
    expect(keys('admin')).to.deep.equal(REGION_MENU.map((e) => e.key));
    expect(keys('')).to.deep.equal([]);
  });

  it('sends typed text as escaped paragraphs', () => {
    expect(textToHtml('第一行\n\n  <b>第二行</b> & 附件 \n')).to.equal(
      '<p>第一行</p><p>&lt;b&gt;第二行&lt;/b&gt; &amp; 附件</p>',
    );
  });
});

describe('mini-program charts', () => {
  it('the bar value axis runs past the largest figure, leaving room for its label after the bar', () => {
    const axis = barValueAxis(String, { fontSize: 10 });
    expect(axis).to.deep.include({ orient: 'bottom', type: 'linear', zero: true });
    expect(axis.expand.max).to.equal(BAR_LABEL_ROOM).and.to.be.at.least(0.2);
  });
});
