// The words the 数据统计 pages use to say what they count, and the trend axis's short period labels
// (shared/src/statistics-labels.ts).
import { expect } from 'chai';
import {
  SCHOOL_TYPES,
  formVersionLabel,
  schoolListFileName,
  periodShortLabel,
  schoolListNote,
  schoolListTitle,
  statisticsUnitsLabel,
  statisticsUnitsNote,
} from '../../shared/src';

describe('statistics labels', () => {
  it('统计单位 reads as schools and region reports, and the note says what is left out', () => {
    expect(statisticsUnitsLabel({ schools: 128, regionReports: 14 }, true)).to.equal(
      '统计学校 128 所 · 地区报表 14 份',
    );
    expect(statisticsUnitsLabel({ schools: 128, regionReports: 14 }, false)).to.equal('统计学校 128 所');
    const all = SCHOOL_TYPES.filter((t) => t !== '机构');
    const note = statisticsUnitsNote('校校通', all, true);
    expect(note).to.include('只计本期已上报、且填报了校校通指标所需数据的学校（适用：除机构外的各类学校）');
    expect(note).to.include('地区报表');
    expect(note).to.include(
      '首页的“应报/已报”按学校计（应报是全部学校，已报含机构和未填这些数据的学校），不含地区报表',
    );
    expect(note).to.include('“学校明细”列出的正是这里统计的学校');
    expect(statisticsUnitsNote('教学点', ['教学点'], false)).to.include('（适用：教学点）。');
  });

  it('the list mode names the period and category in words, not codes', () => {
    expect(schoolListTitle('福州市', '2026Q3', '校校通', 128)).to.equal(
      '福州市 · 2026年第3季度 · 校校通 · 共 128 所',
    );
    expect(schoolListFileName('福州市', '2026Q3', '校校通')).to.equal(
      '福州市-2026年第3季度-校校通-学校明细.xlsx',
    );
    expect(formVersionLabel(1)).to.equal('第1版');
    expect(schoolListNote('宽带接入率', true)).to.equal('计入“宽带接入率”分子的学校');
    expect(schoolListNote(null, false)).to.include('与统计页的“统计学校”数一致');
  });

  it('periods read short on a chart axis', () => {
    expect(['2025Q4', '2026Q1', '2026Q3', '2026-11', 'x'].map(periodShortLabel)).to.deep.equal([
      '25年4季',
      '26年1季',
      '26年3季',
      '26年11月',
      'x',
    ]);
  });
});
