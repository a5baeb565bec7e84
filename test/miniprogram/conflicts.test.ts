import { expect } from 'chai';
import { reconcile } from '../../miniprogram/src/services/conflicts';

describe('mini-program offline drafts: saving over the server only when it has not moved on', () => {
  const mine = { classes: 12, students: 480 };

  it('saves when the server still holds the version the draft started from', () => {
    expect(
      reconcile('2026-11-20T10:00:00+08:00', mine, { updatedAt: '2026-11-20T10:00:00+08:00', data: {} }),
    ).to.equal('save');
    // Nothing was saved on the server before, and still nothing is.
    expect(reconcile(null, mine, { data: {} })).to.equal('save');
  });

  it('shows a conflict when someone saved different data since', () => {
    expect(
      reconcile('2026-11-20T10:00:00+08:00', mine, {
        updatedAt: '2026-11-20T11:30:00+08:00',
        data: { classes: 12, students: 500 },
      }),
    ).to.equal('conflict');
    expect(reconcile(null, mine, { updatedAt: '2026-11-20T11:30:00+08:00', data: { classes: 3 } })).to.equal(
      'conflict',
    );
  });

  it('saves when the newer server version already holds the draft (an earlier send that did arrive)', () => {
    expect(reconcile(null, mine, { updatedAt: '2026-11-20T11:30:00+08:00', data: { ...mine } })).to.equal(
      'save',
    );
  });
});
