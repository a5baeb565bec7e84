import {
  regionRoleBinding,
  schoolAdminBinding,
  teacherBinding,
} from '../../../server/src/accounts/factories';
// The access rules as a table, no database: every binding role × level × target (region or school).
import { expect } from 'chai';
import { Types } from 'mongoose';
import { REGION_BINDING_ROLES, type Role } from '@eduprogress/shared';
import type { Binding } from '../../../server/src/accounts/model';
import {
  administersSchool,
  governsCode,
  governsRegion,
  governsSchool,
  holdsRole,
  isManager,
  isRegionAdmin,
  isRegionBinding,
  isTrainingAdmin,
  reachesSchool,
} from '../../../server/src/access/rules';
import { roomCaller } from '../../../server/src/bot-api/caller';
import { ANCESTORS } from '../../helpers/access-tree';

const LEVEL: Record<string, string> = {
  '000000': 'national',
  '350000': 'province',
  '350100': 'city',
  '350102': 'county',
  '350103': 'county',
  '440000': 'province',
  '440100': 'city',
};
const CODES = Object.keys(ANCESTORS);

/** What each region governs, written out by hand (not computed by the rule under test). */
const GOVERNED: Record<string, string[]> = {
  '000000': CODES,
  '350000': ['350000', '350100', '350102', '350103'],
  '350100': ['350100', '350102', '350103'],
  '350102': ['350102'],
  '350103': ['350103'],
  '440000': ['440000', '440100'],
  '440100': ['440100'],
};

/** Schools at every level: county schools, a city's and a province's directly managed ones. */
const SCHOOLS = ['350102', '350103', '350100', '350000', '440100'].map((regionCode) => ({
  _id: new Types.ObjectId(),
  regionCode,
  // A school's regionPath includes its own region (DATABASE.md).
  regionPath: [...ANCESTORS[regionCode], regionCode],
}));

const regionBinding = (role: Role, code: string): Binding => ({
  _id: new Types.ObjectId(),
  ...regionRoleBinding(role, code, ANCESTORS[code]),
  active: true,
});
const schoolBinding = (school: (typeof SCHOOLS)[number], kind: 'school' | 'teacher'): Binding => ({
  _id: new Types.ObjectId(),
  ...(kind === 'school' ? schoolAdminBinding(school) : teacherBinding(school)),
  active: true,
});
const region = (code: string) => ({ _id: code, path: ANCESTORS[code] });

describe('access rules (no database)', () => {
  it('the table covers every region role at every level', () => {
    expect(REGION_BINDING_ROLES).to.have.members(['admin', 'auditor', 'inspector', 'super', 'special']);
    expect(new Set(Object.values(LEVEL))).to.have.keys('national', 'province', 'city', 'county');
  });

  for (const role of REGION_BINDING_ROLES) {
    for (const code of CODES) {
      describe(`${role} of ${code} (${LEVEL[code]})`, () => {
        const b = regionBinding(role, code);
        it('is a region binding with the role-given powers', () => {
          expect(isRegionBinding(b)).to.equal(true);
          expect(isManager(b), 'manager').to.equal(['admin', 'super', 'special'].includes(role));
          expect(isRegionAdmin(b), 'region admin').to.equal(role === 'admin');
          expect(isTrainingAdmin(b), 'training admin').to.equal(['admin', 'super', 'special'].includes(role));
        });
        for (const target of CODES) {
          const expected = GOVERNED[code].includes(target);
          it(`${expected ? 'governs' : 'does not govern'} region ${target} (${LEVEL[target]})`, () => {
            expect(governsRegion(b, region(target))).to.equal(expected);
            expect(governsCode(b, target, ANCESTORS[target])).to.equal(expected);
            expect(holdsRole(b, target, [role])).to.equal(target === code);
            const others = REGION_BINDING_ROLES.filter((r) => r !== role);
            expect(holdsRole(b, target, others)).to.equal(false);
          });
        }
        for (const school of SCHOOLS) {
          const expected = GOVERNED[code].includes(school.regionCode);
          it(`${expected ? 'governs' : 'does not govern'} the school of ${school.regionCode}`, () => {
            expect(governsSchool(b, school)).to.equal(expected);
            expect(reachesSchool(b, school)).to.equal(expected);
            expect(administersSchool(b, school._id)).to.equal(false);
          });
        }
      });
    }
  }

  for (const own of SCHOOLS) {
    describe(`school admin of the school of ${own.regionCode}`, () => {
      const b = schoolBinding(own, 'school');
      it('governs no region and holds no region role', () => {
        expect(isRegionBinding(b)).to.equal(false);
        expect(isManager(b) || isRegionAdmin(b) || isTrainingAdmin(b)).to.equal(false);
        for (const code of CODES) {
          expect(governsRegion(b, region(code)), code).to.equal(false);
          expect(holdsRole(b, code, ['admin']), code).to.equal(false);
        }
      });
      for (const school of SCHOOLS) {
        const mine = school === own;
        it(`${mine ? 'administers' : 'does not reach'} the school of ${school.regionCode}`, () => {
          expect(administersSchool(b, school._id)).to.equal(mine);
          expect(administersSchool(b, String(school._id))).to.equal(mine);
          expect(reachesSchool(b, school)).to.equal(mine);
          expect(governsSchool(b, school)).to.equal(false);
        });
      }
    });
  }

  it('a university’s own 审核员 and 视察员 reach (read) their school only, and administer none', () => {
    for (const role of ['auditor', 'inspector'] as const) {
      const b: Binding = { ...schoolBinding(SCHOOLS[0], 'school'), role };
      for (const school of SCHOOLS) {
        expect(reachesSchool(b, school), `${role} ${school.regionCode}`).to.equal(school === SCHOOLS[0]);
        expect(administersSchool(b, school._id)).to.equal(false);
        expect(governsSchool(b, school)).to.equal(false);
      }
    }
  });

  it('a teacher, or a caller without a binding, reaches nothing', () => {
    for (const b of [schoolBinding(SCHOOLS[0], 'teacher'), undefined]) {
      expect(isRegionBinding(b) || isManager(b) || isRegionAdmin(b) || isTrainingAdmin(b)).to.equal(false);
      for (const code of CODES) expect(governsRegion(b, region(code))).to.equal(false);
      for (const school of SCHOOLS) {
        expect(reachesSchool(b, school)).to.equal(false);
        expect(administersSchool(b, school._id)).to.equal(false);
      }
    }
  });

  it('the bot acting for a room is a read-only inspector of the room’s subtree', () => {
    for (const code of CODES) {
      const { binding } = roomCaller({ _id: `room-${code}`, regionCode: code, regionPath: ANCESTORS[code] });
      expect(binding?.role).to.equal('inspector');
      expect(isManager(binding) || isRegionAdmin(binding) || isTrainingAdmin(binding)).to.equal(false);
      for (const target of CODES) {
        expect(governsRegion(binding, region(target)), `${code} → ${target}`).to.equal(
          GOVERNED[code].includes(target),
        );
      }
    }
  });
});
