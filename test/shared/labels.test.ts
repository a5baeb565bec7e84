// The words users read for periods and deadlines (shared/src/labels.ts), the same in the app and the bot.
import { deadlineLabel, opensAtLabel, periodLabel } from '@eduprogress/shared';
import { expect } from 'chai';
import { deadlineText, periodName } from '../../bot/src/replies';

describe('labels: periods and deadlines as users read them', () => {
  it('a period code reads as a quarter or a month; other text passes through', () => {
    expect(periodLabel('2026Q4')).to.equal('2026年第4季度');
    expect(periodLabel('2026-11')).to.equal('2026年11月');
    expect(periodLabel('2026-01')).to.equal('2026年1月');
    expect(periodLabel('本期')).to.equal('本期');
  });

  it('a midnight deadline is 24:00 of the day before, in Beijing time whatever the offset', () => {
    expect(deadlineLabel('2027-01-06T00:00:00+08:00')).to.equal('2027年1月5日 24:00');
    expect(deadlineLabel('2027-01-05T16:00:00.000Z')).to.equal('2027年1月5日 24:00');
    expect(deadlineLabel('2027-01-01T00:00:00+08:00')).to.equal('2026年12月31日 24:00');
    expect(deadlineLabel('2026-10-05T18:30:00+08:00')).to.equal('2026年10月5日 18:30');
    expect(deadlineLabel('2026-10-06T00:00:00+08:00', { year: false })).to.equal('10月5日 24:00');
    expect(opensAtLabel('2027-01-06T00:00:00+08:00')).to.equal('2027年1月6日 00:00');
    expect(deadlineLabel(undefined)).to.equal('');
    expect(deadlineLabel('nonsense')).to.equal('');
  });

  it('an opening at midnight is 00:00 of its own day; other openings read as deadlines do', () => {
    expect(opensAtLabel('2027-01-01T00:00:00+08:00')).to.equal('2027年1月1日 00:00');
    expect(opensAtLabel('2026-12-31T16:00:00.000Z')).to.equal('2027年1月1日 00:00');
    expect(opensAtLabel('2027-01-01T09:30:00+08:00')).to.equal('2027年1月1日 09:30');
    expect(opensAtLabel('2027-01-01T00:00:00+08:00', { year: false })).to.equal('1月1日 00:00');
    expect(opensAtLabel('nonsense')).to.equal('');
  });

  it('the bot says the same words (one formatter)', () => {
    expect(periodName('2026Q3')).to.equal(periodLabel('2026Q3'));
    expect(deadlineText('2027-01-06T00:00:00+08:00')).to.equal('1月5日 24:00');
  });
});
