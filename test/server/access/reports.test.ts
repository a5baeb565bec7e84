// Who may do what to a report, as a table, no database: every binding (role × level, the school's and a
// university's own staff, outsiders) × every unit level × every action (access/reports.ts).
import { expect } from 'chai';
import { Types } from 'mongoose';
import type { Binding } from '../../../server/src/accounts/model';
import {
  assertReportAction,
  mayActOnReport,
  REPORT_ACTIONS,
  type ReportAction,
  type ReportUnit,
} from '../../../server/src/access/reports';
import { ForbiddenError } from '../../../server/src/http/errors';
import { ANCESTORS, parentOf } from '../../helpers/access-tree';

const LEVELS: Record<string, string> = {
  nat: '000000',
  prov: '350000',
  city: '350100',
  county: '350102',
  other: '440000',
};

/** A county's school and a province's university (高等学校, reporting through its 审核员). */
const S = { _id: new Types.ObjectId(), regionCode: '350102', regionPath: [...ANCESTORS['350102'], '350102'] };
const U = {
  _id: new Types.ObjectId(),
  regionCode: '350000',
  regionPath: ['000000', '350000'],
  higherEducation: 'provincial',
};

const BINDINGS: Record<string, Binding | undefined> = { none: undefined };
for (const [level, code] of Object.entries(LEVELS)) {
  for (const role of ['admin', 'auditor', 'inspector'] as const) {
    BINDINGS[`${level}.${role}`] = {
      _id: new Types.ObjectId(),
      kind: 'region',
      role,
      regionCode: code,
      regionPath: ANCESTORS[code],
      active: true,
    };
  }
}
const staff = (name: string, school: typeof S, kind: 'school' | 'teacher', role: string) => {
  BINDINGS[name] = {
    _id: new Types.ObjectId(),
    kind,
    role: role as Binding['role'],
    schoolId: school._id,
    regionCode: school.regionCode,
    regionPath: school.regionPath,
    active: true,
  };
};
staff('S.admin', S, 'school', 'admin');
staff('S.teacher', S, 'teacher', 'teacher');
for (const role of ['admin', 'auditor', 'inspector']) staff(`U.${role}`, U, 'school', role);

const regionUnit = (code: string): ReportUnit => ({
  kind: 'region',
  region: { _id: code, path: ANCESTORS[code], parentCode: parentOf(code) },
});
const UNITS: Record<string, ReportUnit> = {
  school: { kind: 'school', school: S },
  university: { kind: 'school', school: U },
  county: regionUnit('350102'),
  city: regionUnit('350100'),
  province: regionUnit('350000'),
};

const all = (...levels: string[]) => levels.flatMap((l) => [`${l}.admin`, `${l}.auditor`, `${l}.inspector`]);

/** Who may, written out by hand from seed 001 §15–§18 and 002 §8 (not computed by the rules under test). */
const ALLOWED: Record<string, Record<ReportAction, string[]>> = {
  school: {
    read: [...all('nat', 'prov', 'city', 'county'), 'S.admin'],
    edit: ['S.admin'],
    submit: ['S.admin'],
    requestWithdrawal: ['S.admin'],
    decideWithdrawal: ['county.admin', 'county.auditor'],
    return: ['county.admin', 'county.auditor'],
    lock: ['county.auditor'],
  },
  university: {
    read: [...all('nat', 'prov'), 'U.admin', 'U.auditor', 'U.inspector'],
    edit: ['U.admin'],
    submit: ['U.auditor'],
    requestWithdrawal: ['U.admin'],
    decideWithdrawal: ['prov.admin', 'prov.auditor'],
    return: ['prov.admin', 'prov.auditor'],
    lock: ['prov.auditor'],
  },
  county: {
    read: all('nat', 'prov', 'city', 'county'),
    edit: ['county.admin'],
    submit: ['county.auditor'],
    requestWithdrawal: ['county.admin', 'county.auditor'],
    decideWithdrawal: ['city.admin', 'city.auditor'],
    return: ['city.admin', 'city.auditor'],
    lock: ['city.auditor'],
  },
  city: {
    read: all('nat', 'prov', 'city'),
    edit: ['city.admin'],
    submit: ['city.auditor'],
    requestWithdrawal: ['city.admin', 'city.auditor'],
    decideWithdrawal: ['prov.admin', 'prov.auditor'],
    return: ['prov.admin', 'prov.auditor'],
    lock: ['prov.auditor'],
  },
  province: {
    read: all('nat', 'prov'),
    edit: ['prov.admin'],
    submit: ['prov.auditor'],
    requestWithdrawal: ['prov.admin', 'prov.auditor'],
    decideWithdrawal: ['nat.admin', 'nat.auditor'],
    return: ['nat.admin', 'nat.auditor'],
    // The nation has no report of its own: nothing locks a province's.
    lock: [],
  },
};

/** The 403 code a refusal carries, by hand. */
function refusalCode(unit: string, action: ReportAction, readable: boolean): string {
  if (!readable) return 'OUTSIDE_JURISDICTION';
  if (action === 'edit') return unit === 'school' || unit === 'university' ? 'NOT_OWN_UNIT' : 'ROLE_REQUIRED';
  if (action === 'submit') return unit === 'school' ? 'NOT_OWN_UNIT' : 'ROLE_REQUIRED';
  if (action === 'requestWithdrawal') return 'NOT_OWN_UNIT';
  return 'UPPER_LEVEL_ONLY';
}

describe('report rules (access/reports.ts, no database)', () => {
  it('the table names every unit level and action, and only bindings that exist', () => {
    expect(Object.keys(ALLOWED)).to.deep.equal(Object.keys(UNITS));
    for (const row of Object.values(ALLOWED)) {
      expect(Object.keys(row)).to.have.members([...REPORT_ACTIONS]);
      // list-checked: a cell of the constant table may name no binding (nobody may)
      for (const names of Object.values(row)) for (const n of names) expect(BINDINGS).to.have.property(n);
    }
    expect(Object.keys(BINDINGS)).to.have.length(1 + 5 * 3 + 2 + 3);
  });

  for (const [unitName, unit] of Object.entries(UNITS)) {
    it(`${unitName} report: every binding × every action`, () => {
      let checked = 0;
      for (const [name, binding] of Object.entries(BINDINGS)) {
        for (const action of REPORT_ACTIONS) {
          const allowed = ALLOWED[unitName][action].includes(name);
          expect(mayActOnReport(binding, unit, action), `${name} ${action}`).to.equal(allowed);
          let refusal: unknown;
          try {
            assertReportAction(binding, unit, action);
          } catch (err) {
            refusal = err;
          }
          if (allowed) expect(refusal, `${name} ${action}`).to.equal(undefined);
          else {
            expect(refusal, `${name} ${action}`).to.be.instanceOf(ForbiddenError);
            const readable = ALLOWED[unitName].read.includes(name);
            expect((refusal as ForbiddenError).code, `${name} ${action}`).to.equal(
              refusalCode(unitName, action, readable),
            );
            expect((refusal as ForbiddenError).message).to.match(/[\u4e00-\u9fff]/);
          }
          checked++;
        }
      }
      expect(checked).to.equal(Object.keys(BINDINGS).length * REPORT_ACTIONS.length);
    });
  }
});
