import { expect } from 'chai';
import {
  formatPercent,
  formatStudyTime,
  parseStudyTime,
  percent,
  recordFacts,
  toCentiHours,
  trainingRates,
  trainingStatus,
} from '../../shared/src/training-stats';

// The by-region table of seed 003 part 3 §2.3 and §2.5: name, participants, learners, learn rate,
// completers, completion share, non-completers, non-completion share, as printed.
const SEED_ROWS: [string, number, number, number, number, number, number, number][] = [
  ['福建省', 146999, 145792, 99.18, 80496, 54.76, 66503, 45.24],
  ['福州市', 20859, 20650, 99.0, 11527, 55.26, 9332, 44.74],
  ['泉州市', 20025, 19769, 98.72, 7539, 37.65, 12486, 62.35],
  ['宁德市', 19197, 19088, 99.43, 11413, 59.45, 7784, 40.55],
  ['漳州市', 17110, 17019, 99.47, 10313, 60.27, 6797, 39.73],
  ['三明市', 13041, 12968, 99.44, 6826, 52.34, 6215, 47.66],
  ['龙岩市', 11646, 11561, 99.27, 5340, 45.85, 6306, 54.15],
  ['厦门市', 8687, 8622, 99.25, 4927, 56.72, 3760, 43.28],
  ['南平市', 7003, 6894, 98.44, 3120, 44.55, 3883, 55.45],
  ['平潭综合实验区', 3117, 3106, 99.65, 2313, 74.21, 804, 25.79],
  ['莆田市', 24605, 24475, 99.47, 16754, 68.09, 7851, 31.91],
  ['仙游县', 7821, 7780, 99.48, 5915, 75.63, 1906, 24.37],
  // The seed prints 4277 participants, but every other figure of the row (and the sum of 莆田市's
  // rows, 24,605) says 4267: 4231 ÷ 4267 = 99.16%, 3223 ÷ 4267 = 75.53%, 4267 − 3223 = 1044.
  ['秀屿区', 4267, 4231, 99.16, 3223, 75.53, 1044, 24.47],
  ['城厢区', 3674, 3660, 99.62, 2504, 68.15, 1170, 31.85],
  ['涵江区', 3078, 3060, 99.42, 2144, 69.66, 934, 30.34],
  ['荔城区', 2836, 2809, 99.05, 1083, 38.19, 1753, 61.81],
  ['湄洲岛', 1075, 1072, 99.72, 655, 60.93, 420, 39.07],
  ['直属学校', 1068, 1062, 99.44, 606, 56.74, 462, 43.26],
  ['北岸经济开发区', 786, 783, 99.62, 624, 79.39, 162, 20.61],
];

describe('training statistics formulas (seed 003 part 3 §2)', () => {
  it('reproduces every rate of the seed tables, 福建省 80,496 ÷ 146,999 = 54.76% first', () => {
    const fujian = trainingRates({
      participants: 146999,
      learners: 145792,
      completers: 80496,
      centiHours: 0,
    });
    expect(fujian.completionRate).to.equal(54.76);
    expect(fujian.nonCompleters).to.equal(66503);
    expect(fujian.nonCompletionRate).to.equal(45.24);
    for (const [name, participants, learners, learnRate, completers, share, non, nonShare] of SEED_ROWS) {
      const r = trainingRates({ participants, learners, completers, centiHours: 0 });
      expect([r.learnRate, r.completionRate, r.nonCompleters, r.nonCompletionRate], name).to.deep.equal([
        learnRate,
        share,
        non,
        nonShare,
      ]);
    }
  });

  it('divides participants by the full-time teachers, and has no rate without them (Q6)', () => {
    // 福建省 33.03% ⇒ about 445,000 full-time teachers.
    expect(
      trainingRates({ participants: 146999, learners: 0, completers: 0, centiHours: 0 }, 445_040)
        .participationRate,
    ).to.equal(33.03);
    const none = trainingRates({ participants: 1075, learners: 1072, completers: 655, centiHours: 0 }, null);
    expect(none.participationRate).to.equal(null);
    expect(none.fullTimeTeachers).to.equal(null);
    expect(
      trainingRates({ participants: 3, learners: 3, completers: 3, centiHours: 0 }, 0).participationRate,
    ).to.equal(null);
    expect(formatPercent(null)).to.equal('—');
    expect(formatPercent(54.76)).to.equal('54.76%');
    expect(formatPercent(99)).to.equal('99.00%');
  });

  it('averages hours over learners only, to one decimal, half up', () => {
    // 10 + 5 + 0 + 10 + 7.5 + 10 + 2.25 hours, 6 of the 7 learned anything: 44.75 ÷ 6 = 7.458…
    const r = trainingRates({ participants: 7, learners: 6, completers: 3, centiHours: 4475 });
    expect(r.avgHours).to.equal(7.5);
    expect(r.totalHours).to.equal(44.75);
    expect(r.learnRate).to.equal(85.71);
    expect(r.completionRate).to.equal(42.86);
    expect(r.nonCompletionRate).to.equal(57.14);
    // 37.25 ÷ 5 = 7.45 exactly: half up to 7.5; 2.25 ÷ 1 = 2.25 → 2.3.
    expect(
      trainingRates({ participants: 5, learners: 5, completers: 3, centiHours: 3725 }).avgHours,
    ).to.equal(7.5);
    expect(trainingRates({ participants: 1, learners: 1, completers: 0, centiHours: 225 }).avgHours).to.equal(
      2.3,
    );
    const empty = trainingRates({ participants: 0, learners: 0, completers: 0, centiHours: 0 }, 10);
    expect([empty.learnRate, empty.avgHours, empty.completionRate, empty.participationRate]).to.deep.equal([
      null,
      null,
      null,
      0,
    ]);
  });

  it('rounds percentages half up at the second decimal', () => {
    expect(percent(1, 8)).to.equal(12.5);
    expect(percent(1, 3)).to.equal(33.33);
    expect(percent(2, 3)).to.equal(66.67);
    expect(percent(1, 800)).to.equal(0.13); // 0.125% → half up
    expect(percent(1, 80000)).to.equal(0); // 0.00125% → 0.00
    expect(percent(5, 0)).to.equal(null);
  });

  it('stores learned/completed as 0/1 facts against the hour cap', () => {
    expect(recordFacts(0, 1000)).to.deep.equal({ learned: 0, completed: 0 });
    expect(recordFacts(1, 1000)).to.deep.equal({ learned: 1, completed: 0 });
    expect(recordFacts(1000, 1000)).to.deep.equal({ learned: 1, completed: 1 });
    expect(toCentiHours(7.5)).to.equal(750);
    expect(toCentiHours(0.29)).to.equal(29); // 0.29 · 100 = 28.999…
  });

  it('formats and reads study durations as the platform exports them', () => {
    expect(formatStudyTime(7 * 3600 + 52 * 60)).to.equal('07:52:00');
    expect(formatStudyTime(30 * 3600 + 5)).to.equal('30:00:05');
    expect(parseStudyTime('07:52:00')).to.equal(28320);
    expect(parseStudyTime('4:58:29')).to.equal(4 * 3600 + 58 * 60 + 29);
    expect(parseStudyTime('7:52')).to.equal(7 * 3600 + 52 * 60);
    expect(parseStudyTime('90')).to.equal(5400);
    expect(parseStudyTime('')).to.equal(0);
    expect(parseStudyTime('七小时')).to.equal(null);
    expect(parseStudyTime('07:75:00')).to.equal(null);
  });

  it('derives the status from the clock, both ends of the period included', () => {
    const start = new Date('2022-12-02T00:00:00+08:00');
    const end = new Date('2023-02-28T23:59:59.999+08:00');
    expect(trainingStatus(start, end, new Date('2022-12-01T23:59:59+08:00'))).to.equal('upcoming');
    expect(trainingStatus(start, end, start)).to.equal('running');
    expect(trainingStatus(start, end, end)).to.equal('running');
    expect(trainingStatus(start, end, new Date('2023-03-01T00:00:00+08:00'))).to.equal('ended');
  });
});
