// Functional zones (seed 003's tables: 平潭综合实验区 beside the cities of 福建省; 湄洲岛 and 北岸经济开发区
// beside the counties of 莆田市): units of education administration that GB/T 2260 lacks. The national
// level creates one with a code of its own under a province or city, and moves schools into it; from
// then on it is an ordinary region document (level, path, countyLevel), so every rule, statistic,
// drill-down and jurisdiction check treats it as any region.
import { NATIONAL_CODE } from '@eduprogress/shared';
import { recordAudit } from '../audit/service';
import { isDuplicateKey } from '../db/duplicate-key';
import { ConflictError, ValidationError } from '../http/errors';
import { Region, regionView, type RegionDoc } from '../regions/model';
import { invalidateRegionTree } from '../regions/tree';
import { School, type SchoolDoc } from '../schools/model';
import { transferSchool, type Caller } from '../schools/service';
import { Types } from 'mongoose';
import { requireNational, type BaseDataDeps } from './service';

const messages = {
  codeTaken: (code: string, name: string) => `地区代码 ${code} 已被「${name}」使用`,
  parentUnknown: (code: string) => `上级地区 ${code} 不存在`,
  parentLevel: '功能区只能设在省级或市级地区之下',
  reportsAt: '市级之下的功能区只能按县级上报',
  nameTaken: (name: string) => `上级地区下已有名为「${name}」的地区`,
  schoolsUnknown: (n: number) => `有 ${n} 所学校不存在`,
};

export interface CreateZoneInput {
  code: string;
  name: string;
  parentCode: string;
  /** The level the zone reports at: `county` (its schools report to it like a county's) or `city`. */
  reportsAt: 'city' | 'county';
}

/**
 * Creates a functional zone (national administrator only). Under a province it is a city-level region
 * (reporting at county level when `reportsAt` is county, as a 不设区的地级市); under a city it is a
 * county. 400 for an unknown or county-level parent or a county-level parent asked to report at city
 * level; 409 ZONE_CODE_TAKEN / ZONE_NAME_TAKEN.
 */
export async function createZone(deps: BaseDataDeps, caller: Caller, input: CreateZoneInput) {
  requireNational(caller);
  const parent = await Region.findById(input.parentCode).lean<RegionDoc>();
  if (!parent)
    throw new ValidationError(
      messages.parentUnknown(input.parentCode),
      { property: 'parentCode' },
      'REGION_NOT_FOUND',
    );
  if (parent.level !== 'province' && parent.level !== 'city')
    throw new ValidationError(messages.parentLevel, { property: 'parentCode' }, 'ZONE_PARENT_LEVEL');
  if (parent.level === 'city' && input.reportsAt !== 'county')
    throw new ValidationError(messages.reportsAt, { property: 'reportsAt' }, 'ZONE_PARENT_LEVEL');
  const name = input.name.replace(/\s+/g, ' ').trim();
  if (await Region.exists({ parentCode: parent._id, name }))
    throw new ConflictError(messages.nameTaken(name), 'ZONE_NAME_TAKEN', { property: 'name' });
  const level = parent.level === 'province' ? 'city' : 'county';
  const doc: RegionDoc = {
    _id: input.code,
    name,
    level,
    parentCode: parent._id,
    path: [...parent.path, parent._id],
    placeholder: false,
    countyLevel: input.reportsAt === 'county',
    functional: true,
  };
  try {
    await Region.create(doc);
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const taken = await Region.findById(input.code).lean<RegionDoc>();
    throw new ConflictError(messages.codeTaken(input.code, taken?.name ?? ''), 'ZONE_CODE_TAKEN', {
      property: 'code',
    });
  }
  invalidateRegionTree();
  await recordAudit(deps.clock, caller.actor, {
    action: 'region.createZone',
    targetType: 'region',
    targetId: doc._id,
    regionPath: [...doc.path, doc._id],
    before: null,
    after: { name, level, parentCode: parent._id, countyLevel: doc.countyLevel, functional: true },
  });
  return regionView(doc);
}

/** Every functional zone, by code (national administrator only). */
export async function listZones(caller: Caller) {
  requireNational(caller);
  const zones = await Region.find({ functional: true }).sort({ _id: 1 }).lean<RegionDoc[]>();
  return { items: zones.map(regionView), total: zones.length, nationalCode: NATIONAL_CODE };
}

/**
 * Moves schools into a zone through the ordinary transfer (users, teachers, reports, list rows and
 * progress follow; each move audited). Every id is checked first: 400 SCHOOL_NOT_FOUND naming how many
 * are unknown, nothing moved.
 */
export async function moveSchoolsIntoZone(
  deps: BaseDataDeps,
  caller: Caller,
  code: string,
  schoolIds: string[],
) {
  requireNational(caller);
  const zone = await Region.findOne({ _id: code, functional: true }).lean<RegionDoc>();
  if (!zone) throw new ValidationError(messages.parentUnknown(code), { property: 'code' }, 'ZONE_NOT_FOUND');
  const ids = [...new Set(schoolIds)];
  const found = await School.find({ _id: { $in: ids.map((i) => new Types.ObjectId(i)) } }, { _id: 1 }).lean<
    SchoolDoc[]
  >();
  if (found.length !== ids.length)
    throw new ValidationError(
      messages.schoolsUnknown(ids.length - found.length),
      { property: 'schoolIds' },
      'SCHOOL_NOT_FOUND',
    );
  const moved = [];
  for (const id of ids) moved.push(await transferSchool(deps, caller, id, code));
  return {
    moved: moved.length,
    schools: moved.map((s) => ({ id: s.id, name: s.name, regionCode: s.regionCode })),
  };
}
