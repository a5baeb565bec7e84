import mongoose, { Schema } from 'mongoose';
import { REGION_LEVELS, type AncestorPath, type RegionLevel } from '@eduprogress/shared';

export interface RegionDoc {
  /** GB/T 2260 code, also the document id (an `_id` look-up is the fast path on every backend). */
  _id: string;
  name: string;
  level: RegionLevel;
  parentCode: string | null;
  /** Ancestor codes from the national root down to the parent (the region itself excluded). */
  path: AncestorPath;
  /**
   * Always false since the seed leaves the package's grouping rows (市辖区, 省直辖县级行政区划) out; kept
   * in the API view for the clients that read it.
   */
  placeholder: boolean;
  /** Reports at county level: every county, and the 不设区的地级市 that have no counties below them. */
  countyLevel: boolean;
  /**
   * A functional zone of education administration that GB/T 2260 lacks (平潭综合实验区, 湄洲岛 …; seed 003
   * tables), created by the national level with a code of its own (basedata/zones.ts).
   */
  functional?: boolean;
}

const regionSchema = new Schema<RegionDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    level: { type: String, enum: REGION_LEVELS, required: true },
    parentCode: { type: String, default: null },
    path: { type: [String], default: [] },
    placeholder: { type: Boolean, default: false },
    countyLevel: { type: Boolean, default: false },
    functional: { type: Boolean },
  },
  { versionKey: false, timestamps: false },
);
regionSchema.index({ parentCode: 1, _id: 1 });
regionSchema.index({ path: 1 });

export const Region = mongoose.model<RegionDoc>('Region', regionSchema, 'regions');

export function regionView(r: RegionDoc) {
  return {
    code: r._id,
    name: r.name,
    level: r.level,
    parentCode: r.parentCode,
    path: r.path,
    placeholder: r.placeholder,
    countyLevel: r.countyLevel,
    functional: r.functional ?? false,
  };
}
