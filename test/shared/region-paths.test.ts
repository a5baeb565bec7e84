import { expect } from 'chai';
import { isWithin, regionScope, scopeOf } from '@eduprogress/shared';

describe('region paths: ancestor path vs scope path', () => {
  it('a scope path is the ancestors then the region itself, and leaves the ancestors untouched', () => {
    const ancestors = ['000000', '350000'];
    expect(scopeOf(ancestors, '350100')).to.deep.equal(['000000', '350000', '350100']);
    expect(ancestors).to.deep.equal(['000000', '350000']);
    expect(regionScope({ _id: '350100', path: ancestors })).to.deep.equal(['000000', '350000', '350100']);
    expect(scopeOf([], '000000')).to.deep.equal(['000000']);
  });

  it('a region is within every code of its scope path and no other', () => {
    const region = { _id: '350102', path: ['000000', '350000', '350100'] };
    expect(regionScope(region)).to.have.length(4);
    for (const code of regionScope(region))
      expect(isWithin(region.path, region._id, code), code).to.equal(true);
    for (const code of ['350103', '440000', '350101'])
      expect(isWithin(region.path, region._id, code), code).to.equal(false);
  });
});
