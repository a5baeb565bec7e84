// The statistics pages' cache of decoded rollups (server/src/statistics/rollup-cache.ts): keyed by the
// stored encoding itself, so a rollup changed by any writer (a delta, a recount, another instance, a
// corruption) is decoded afresh at the next read, and a filter's sums are computed once per encoding.
import { expect } from 'chai';
import { decodedRollup, ROLLUP_CACHE_CHARS } from '../../../server/src/statistics/rollup-cache';
import { encodeRows } from '../../../server/src/statistics/model';

const rows = (rooms: number) =>
  encodeRows({
    '~total': {
      '小学|城区': { crTotal: rooms, '~units': 2 },
      '小学|乡村': { crTotal: 1, '~units': 1 },
      '初中|乡村': { crTotal: 4, '~units': 1 },
      '*': { metroRegions: 1 },
    },
    '350102': { '小学|城区': { crTotal: rooms, '~units': 2 } },
  });

describe('statistics rollup cache (decoded rows and filtered sums)', () => {
  it('sums a row for a filter; region-report parts pass every filter', () => {
    const r = decodedRollup('test:a:schoolNet', rows(3));
    expect(r.sum('~total', {})).to.deep.equal({ crTotal: 8, '~units': 4, metroRegions: 1 });
    expect(r.sum('~total', { schoolType: '小学' })).to.deep.equal({
      crTotal: 4,
      '~units': 3,
      metroRegions: 1,
    });
    expect(r.sum('~total', { urbanRural: '乡村' })).to.deep.equal({
      crTotal: 5,
      '~units': 2,
      metroRegions: 1,
    });
    expect(r.sum('~total', { schoolType: '小学', urbanRural: '乡村' })).to.deep.equal({
      crTotal: 1,
      '~units': 1,
      metroRegions: 1,
    });
    expect(r.sum('350103', {})).to.deep.equal({});
  });

  it('the same encoding is decoded once; a changed one (any writer) is decoded afresh', () => {
    const first = decodedRollup('test:b:schoolNet', rows(3));
    expect(decodedRollup('test:b:schoolNet', rows(3))).to.equal(first);
    expect(first.sum('350102', {})).to.equal(first.sum('350102', {}));
    const changed = decodedRollup('test:b:schoolNet', rows(103));
    expect(changed).to.not.equal(first);
    expect(changed.sum('~total', {}).crTotal).to.equal(108);
    // An emptied or deleted rollup has no rows.
    expect(decodedRollup('test:b:schoolNet', '').sum('~total', {})).to.deep.equal({});
  });

  it('keeps at most its budget: the least recently read rollup is decoded again', () => {
    const big = (n: number) =>
      encodeRows({ '~total': { [`小学|${'城'.repeat(ROLLUP_CACHE_CHARS / 2)}`]: { crTotal: n } } });
    const a = decodedRollup('test:c:1', big(1));
    decodedRollup('test:c:2', big(2));
    decodedRollup('test:c:3', big(3));
    expect(decodedRollup('test:c:1', big(1))).to.not.equal(a);
  });
});
