// Deterministic randomness for the demo world and the scale generator: a seeded PRNG plus Chinese
// person and school names. No Math.random anywhere, so a seed always yields the same database.

/** FNV-1a over the parts, then a murmur3 finaliser: a 32-bit seed for an independent stream. */
export function hashSeed(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const text = `${typeof part}:${part}|`;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32: tiny, fast, good enough for synthetic data (not for anything secret). */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** An independent stream keyed by labels, so one region's output never depends on another's. */
  static derive(...parts: (string | number)[]): Rng {
    return new Rng(hashSeed(...parts));
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick() from an empty list');
    return items[Math.floor(this.next() * items.length)];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Picks by relative weight: `[['小学', 4], ['初中', 1]]`. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of entries) total += w;
    let r = this.next() * total;
    for (const [value, w] of entries) {
      r -= w;
      if (r < 0) return value;
    }
    return entries[entries.length - 1][0];
  }
}

// Fujian's most common surnames come first and weigh more: the demo world is a Fujian province.
const SURNAMES: readonly (readonly [string, number])[] = [
  ['陈', 12],
  ['林', 10],
  ['黄', 7],
  ['张', 6],
  ['吴', 5],
  ['郑', 5],
  ['王', 5],
  ['李', 5],
  ['刘', 4],
  ['杨', 3],
  ['许', 3],
  ['蔡', 3],
  ['谢', 2],
  ['叶', 2],
  ['江', 2],
  ['苏', 2],
  ['庄', 2],
  ['洪', 2],
  ['周', 2],
  ['游', 1],
  ['曾', 1],
  ['赖', 1],
  ['罗', 1],
  ['邱', 1],
  ['何', 1],
  ['徐', 1],
  ['赵', 1],
  ['朱', 1],
  ['胡', 1],
  ['郭', 1],
  ['高', 1],
  ['方', 1],
  ['卢', 1],
  ['魏', 1],
  ['詹', 1],
  ['施', 1],
  ['欧阳', 0.3],
  ['上官', 0.1],
];

const GIVEN_CHARS = [
  ...'伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国文辉志鹏婷雪琳晨宇浩然欣怡子涵梓萱思远嘉俊鸣雨桐佳琪',
  ...'淑珍丹玲燕红梅晓东海波斌毅翔龙凤春秋冬荣福贵德清源泉水木森林彬瑶瑾瑜瑞祥晶莹慧颖颜琴诗书画乐安宁和顺',
  ...'振兴家玮炜煌耀铭锦鑫晖昊旭阳光芸蓉蕾薇萍蓓楠榕',
];

export function personName(rng: Rng): string {
  const surname = rng.weighted(SURNAMES);
  const given = rng.chance(0.72) ? rng.pick(GIVEN_CHARS) + rng.pick(GIVEN_CHARS) : rng.pick(GIVEN_CHARS);
  return surname + given;
}

const CHINESE_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1 → 一, 12 → 十二, 35 → 三十五, 108 → 一百零八 (ordinals in school names). */
export function chineseNumber(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 999) return String(n);
  if (n < 10) return CHINESE_DIGITS[n];
  if (n < 20) return `十${n === 10 ? '' : CHINESE_DIGITS[n - 10]}`;
  if (n < 100) return `${CHINESE_DIGITS[Math.floor(n / 10)]}十${n % 10 === 0 ? '' : CHINESE_DIGITS[n % 10]}`;
  const rest = n % 100;
  const head = `${CHINESE_DIGITS[Math.floor(n / 100)]}百`;
  if (rest === 0) return head;
  return (
    head +
    (rest < 10 ? `零${CHINESE_DIGITS[rest]}` : rest < 20 ? `一${chineseNumber(rest)}` : chineseNumber(rest))
  );
}

/** "闽侯县" → "闽侯", "福州市" → "福州", "沙县区" → "沙县"; one-character stems keep their suffix. */
export function regionStem(name: string): string {
  const m = /^(.+?)(省|市|自治州|自治县|自治旗|地区|盟|特别行政区|新区|林区|区|县|旗)$/.exec(name);
  return m && m[1].length >= 2 ? m[1] : name;
}

// Place-name parts with a southern-Fujian flavour (厝, 坂, 埔, 洋 are everywhere there).
const PLACE_HEADS = [
  ...'东西南北上下大小新高白青石金龙凤桃梅竹洋岭霞瑞兴安福永长平江洪黄官后前中半双三五七芦柳溪灵',
];
const PLACE_TAILS = [...'坑坂厝埔岭溪山塘田岩口头湖林桥坪亭港湾洋墩洲尾里阳城峰源洞坝美厦岐'];
const TRADES = [
  '工贸',
  '商贸',
  '农业',
  '旅游',
  '电子',
  '建筑',
  '卫生',
  '交通',
  '海洋',
  '艺术',
  '信息',
  '机电',
];
const KINDER_NAMES = [
  '阳光',
  '蓝天',
  '童心',
  '小太阳',
  '启明星',
  '七彩',
  '育苗',
  '贝贝',
  '金色童年',
  '小天使',
];
const INSTITUTIONS = [
  '教师进修学校',
  '电化教育站',
  '青少年校外活动中心',
  '教育科学研究所',
  '少年宫',
  '教育考试中心',
];
const PROVINCE_INSTITUTIONS = [
  '电化教育馆',
  '教育科学研究院',
  '教育考试院',
  '教育技术装备中心',
  '教育评估研究中心',
];

/** Where a school sits, which also tells its 城乡类型. */
export type SchoolLocale = 'city' | 'town' | 'village';

export interface SchoolName {
  name: string;
  locale: SchoolLocale;
}

type Pattern = (n: SchoolNamer) => SchoolName;

const city = (name: string): SchoolName => ({ name, locale: 'city' });
const town = (name: string): SchoolName => ({ name, locale: 'town' });
const village = (name: string): SchoolName => ({ name, locale: 'village' });

// Several patterns per type; the namer tries them and retries on a clash (names are unique per region).
const PATTERNS: Record<string, readonly Pattern[]> = {
  教学点: [(n) => village(`${n.village()}教学点`), (n) => village(`${n.town()}${n.village()}教学点`)],
  小学: [
    (n) => city(`${n.stem}第${n.ordinal('小学')}实验小学`),
    (n) => city(`${n.full}实验小学`),
    (n) => town(`${n.town()}中心小学`),
    (n) => village(`${n.town()}${n.village()}小学`),
    (n) => city(`${n.stem}${n.place()}小学`),
    (n) => city(`${n.stem}第${n.ordinal('小学')}中心小学`),
  ],
  初中: [
    (n) => city(`${n.stem}第${n.ordinal('中学')}中学`),
    (n) => town(`${n.town()}中学`),
    (n) => city(`${n.stem}${n.place()}初级中学`),
  ],
  九年一贯制: [(n) => town(`${n.town()}九年一贯制学校`), (n) => city(`${n.stem}${n.place()}学校`)],
  高中: [(n) => city(`${n.full}第${n.ordinal('中学')}中学`), (n) => city(`${n.stem}${n.place()}高级中学`)],
  完全中学: [
    (n) => city(`${n.stem}第${n.ordinal('中学')}中学`),
    (n) => city(`${n.full}实验中学`),
    (n) => town(`${n.town()}中学`),
  ],
  十二年一贯制: [
    (n) => city(`${n.stem}${n.place()}外国语学校`),
    (n) => city(`${n.stem}${n.place()}实验学校`),
  ],
  中职: [
    (n) => city(`${n.full}职业中专学校`),
    (n) => city(`${n.stem}${n.trade()}职业技术学校`),
    (n) => city(`${n.stem}${n.trade()}职业中专学校`),
  ],
  高职: [(n) => city(`${n.stem}${n.trade()}职业技术学院`), (n) => city(`${n.stem}${n.trade()}职业学院`)],
  特教: [(n) => city(`${n.full}特殊教育学校`), (n) => city(`${n.stem}${n.place()}特殊教育学校`)],
  幼儿园: [
    (n) => city(`${n.full}实验幼儿园`),
    (n) => city(`${n.full}机关幼儿园`),
    (n) => city(`${n.stem}第${n.ordinal('幼儿园')}实验幼儿园`),
    (n) => town(`${n.town()}中心幼儿园`),
    (n) => city(`${n.stem}${n.kinder()}幼儿园`),
    (n) => village(`${n.town()}${n.village()}幼儿园`),
  ],
  机构: [(n) => city(`${n.full}${n.institution()}`)],
};

/** The suffix an ordinal fallback uses when every pattern clashed. */
const FALLBACK_SUFFIX: Record<string, string> = {
  教学点: '教学点',
  小学: '小学',
  初中: '初级中学',
  九年一贯制: '九年一贯制学校',
  高中: '高级中学',
  完全中学: '完全中学',
  十二年一贯制: '十二年一贯制学校',
  中职: '职业学校',
  高职: '职业技术学院',
  特教: '特殊教育学校',
  幼儿园: '幼儿园',
  机构: '教育服务中心',
};

/**
 * Names the schools of one managing region, unique within it (the School model has a unique
 * {regionCode, name} index). Holds only that region's names, so memory stays bounded at any scale.
 */
export class SchoolNamer {
  readonly full: string;
  readonly stem: string;
  private readonly used = new Set<string>();
  private readonly towns: string[] = [];
  private readonly ordinals = new Map<string, number>();

  constructor(
    private readonly rng: Rng,
    regionName: string,
    private readonly level: 'province' | 'city' | 'county' = 'county',
    expectedSchools = 12,
  ) {
    this.full = regionName;
    // 「福建省第一中学」, but 「闽侯第一中学」: a province keeps its suffix in school names.
    this.stem = level === 'province' ? regionName : regionStem(regionName);
    // A county has a dozen or so towns; bigger synthetic counties get more, so names stay varied.
    const townCount = Math.max(4, Math.ceil(expectedSchools / 6));
    const seen = new Set<string>();
    while (this.towns.length < townCount) {
      const t = this.place() + (this.rng.chance(0.8) ? '镇' : '乡');
      if (!seen.has(t)) {
        seen.add(t);
        this.towns.push(t);
      }
    }
  }

  place(): string {
    return this.rng.pick(PLACE_HEADS) + this.rng.pick(PLACE_TAILS);
  }

  town(): string {
    return this.rng.pick(this.towns);
  }

  village(): string {
    return `${this.place()}村`;
  }

  trade(): string {
    return this.rng.pick(TRADES);
  }

  kinder(): string {
    return this.rng.pick(KINDER_NAMES);
  }

  institution(): string {
    return this.rng.pick(this.level === 'province' ? PROVINCE_INSTITUTIONS : INSTITUTIONS);
  }

  /** 第一, 第二, … in order per family, like real county schools are numbered. */
  ordinal(family: string): string {
    const next = (this.ordinals.get(family) ?? 0) + 1;
    this.ordinals.set(family, next);
    return chineseNumber(next);
  }

  name(type: string): SchoolName {
    const patterns = PATTERNS[type] ?? PATTERNS['小学'];
    for (let attempt = 0; attempt < 12; attempt++) {
      const candidate = this.rng.pick(patterns)(this);
      // Province- and city-run schools sit in the city, not in some town of it.
      if (this.level !== 'county' && candidate.locale !== 'city' && attempt < 8) continue;
      if (!this.used.has(candidate.name)) {
        this.used.add(candidate.name);
        return candidate;
      }
    }
    // Always terminates: the ordinal grows until the name is free.
    const suffix = FALLBACK_SUFFIX[type] ?? '学校';
    for (;;) {
      const name = `${this.stem}第${this.ordinal(`fallback:${type}`)}${suffix}`;
      if (!this.used.has(name)) {
        this.used.add(name);
        return { name, locale: 'city' };
      }
    }
  }
}
