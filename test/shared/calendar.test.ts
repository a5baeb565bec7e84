import { expect } from 'chai';
import {
  CALENDAR_2016,
  DEFAULT_CALENDAR,
  checkCalendar,
  deadlineFor,
  deadlinesBetween,
  nextPeriod,
  parsePeriod,
  periodContaining,
  previousPeriod,
  reportingStateAt,
  toShanghaiIso,
  windowsFor,
} from '../../shared/src/calendar';

const at = (iso: string) => new Date(iso);

describe('reporting calendar (Asia/Shanghai)', () => {
  it('names periods quarterly (2026Q4) and monthly (2026-11)', () => {
    expect(periodContaining(at('2026-11-24T10:00:00+08:00'), 'quarterly').name).to.equal('2026Q4');
    expect(periodContaining(at('2026-11-24T10:00:00+08:00'), 'monthly').name).to.equal('2026-11');
  });

  it('judges the period by Shanghai time, not UTC, at the year boundary', () => {
    // 2026-12-31T16:30Z is already 2027-01-01 00:30 in Shanghai.
    expect(periodContaining(at('2026-12-31T16:30:00Z'), 'quarterly').name).to.equal('2027Q1');
    expect(periodContaining(at('2026-12-31T15:59:59Z'), 'quarterly').name).to.equal('2026Q4');
    expect(periodContaining(at('2026-12-31T16:00:00Z'), 'monthly').name).to.equal('2027-01');
  });

  it('steps across year boundaries', () => {
    expect(previousPeriod(parsePeriod('2027Q1')).name).to.equal('2026Q4');
    expect(nextPeriod(parsePeriod('2026Q4')).name).to.equal('2027Q1');
    expect(previousPeriod(parsePeriod('2027-01')).name).to.equal('2026-12');
    expect(nextPeriod(parsePeriod('2026-12')).name).to.equal('2027-01');
  });

  it('gives a quarter its Shanghai start and end instants', () => {
    const q = parsePeriod('2026Q4');
    expect(toShanghaiIso(q.start)).to.equal('2026-10-01T00:00:00+08:00');
    expect(toShanghaiIso(q.end)).to.equal('2027-01-01T00:00:00+08:00');
    expect(q.start.toISOString()).to.equal('2026-09-30T16:00:00.000Z');
  });

  it('rejects malformed period names', () => {
    for (const bad of ['2026Q5', '2026-13', '2026-1', '26Q1', '2026q1', '']) {
      expect(() => parsePeriod(bad), bad).to.throw(/期次格式不正确/);
    }
  });

  it('opens county 1–5, city 6–10, province 11–15 of the next quarter’s first month', () => {
    const w = windowsFor(parsePeriod('2026Q4'));
    expect(w.map((x) => [x.level, toShanghaiIso(x.opensAt), toShanghaiIso(x.closesAt)])).to.deep.equal([
      ['county', '2027-01-01T00:00:00+08:00', '2027-01-06T00:00:00+08:00'],
      ['city', '2027-01-06T00:00:00+08:00', '2027-01-11T00:00:00+08:00'],
      ['province', '2027-01-11T00:00:00+08:00', '2027-01-16T00:00:00+08:00'],
    ]);
  });

  it('uses the configured windows (2016: monthly, city 5–10)', () => {
    const w = windowsFor(parsePeriod('2016-02'), CALENDAR_2016);
    expect(toShanghaiIso(w[1].opensAt)).to.equal('2016-03-05T00:00:00+08:00');
    expect(toShanghaiIso(deadlineFor(parsePeriod('2016-02'), 'city', CALENDAR_2016))).to.equal(
      '2016-03-11T00:00:00+08:00',
    );
  });

  it('knows which windows are open at an instant, to the second', () => {
    const lastSecond = reportingStateAt(at('2027-01-05T23:59:59+08:00'));
    expect(lastSecond.period.name).to.equal('2026Q4');
    expect(lastSecond.openLevels).to.deep.equal(['county']);
    expect(reportingStateAt(at('2027-01-06T00:00:00+08:00')).openLevels).to.deep.equal(['city']);
    expect(reportingStateAt(at('2027-01-20T12:00:00+08:00')).openLevels).to.deep.equal([]);
    // Mid-quarter the period being reported is still the previous quarter.
    expect(reportingStateAt(at('2026-11-24T12:00:00+08:00')).period.name).to.equal('2026Q3');
    // Monthly with 2016 windows: day 5 is both the county's last day and the city's first.
    expect(reportingStateAt(at('2016-03-05T09:00:00+08:00'), CALENDAR_2016).openLevels).to.deep.equal([
      'county',
      'city',
    ]);
  });

  it('lists the deadlines missed during downtime, in order', () => {
    const missed = deadlinesBetween(at('2027-01-04T00:00:00+08:00'), at('2027-04-07T00:00:00+08:00'));
    expect(missed.map((d) => `${d.period.name}:${d.level}`)).to.deep.equal([
      '2026Q4:county',
      '2026Q4:city',
      '2026Q4:province',
      '2027Q1:county',
    ]);
    expect(deadlinesBetween(at('2027-01-06T00:00:00+08:00'), at('2027-01-06T00:00:00+08:00'))).to.deep.equal(
      [],
    );
  });

  it('validates a calendar configuration', () => {
    expect(checkCalendar(DEFAULT_CALENDAR)).to.deep.equal([]);
    expect(checkCalendar(CALENDAR_2016)).to.deep.equal([]);
    const bad = {
      ...DEFAULT_CALENDAR,
      windows: { ...DEFAULT_CALENDAR.windows, city: { startDay: 9, endDay: 3 } },
    };
    expect(checkCalendar(bad).length).to.be.greaterThan(0);
  });
});
