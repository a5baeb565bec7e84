// The schema-form renderer's logic, apart from its widgets so it can be unit-tested: which fields a
// JSON Schema gives (groups, kinds, units, help, ranges), how typed text becomes a value, and the
// inline errors, produced by the same validator and the same describeErrors as the server's.
import {
  blankRequiredFields,
  describeErrors,
  errorsBeyondBlanks,
  incompleteSentence,
  type BlankField,
  type FieldError,
} from '@eduprogress/shared';
import type { ErrorObject } from 'ajv';

type Schema = Record<string, any>;

/** `multi`: several of a list (an array of enum strings); `list`: free words typed apart by 、 or ，. */
export type FieldKind = 'integer' | 'number' | 'boolean' | 'enum' | 'multi' | 'list' | 'text';

/** One input of the form; nested objects are flattened to dotted paths (`teacherTerminals.tablet`). */
export interface FormField {
  path: string;
  kind: FieldKind;
  /** The field's title, with the parent's for nested fields (教师终端·平板). */
  label: string;
  title: string;
  parentTitle?: string;
  unit?: string;
  help?: string;
  required: boolean;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  options?: string[];
}

export interface FormGroup {
  key: string;
  title: string;
  fields: FormField[];
}

function kindOf(node: Schema): FieldKind {
  if (Array.isArray(node.enum)) return 'enum';
  if (node.type === 'array') return Array.isArray(node.items?.enum) ? 'multi' : 'list';
  if (node.type === 'integer') return 'integer';
  if (node.type === 'number') return 'number';
  if (node.type === 'boolean') return 'boolean';
  return 'text';
}

function shownFor(node: Schema, schoolType?: string, level?: string): boolean {
  const only = node['x-only-types'] as string[] | undefined;
  const levels = node['x-only-levels'] as string[] | undefined;
  return (!only || !schoolType || only.includes(schoolType)) && (!levels || !level || levels.includes(level));
}

/**
 * The fields of `schema` grouped by `x-group` in the order of `groups` (groups without fields are left
 * out; fields of an unknown group go to a last 其他 group). `x-only-types` fields show only for those
 * school types, `x-only-levels` fields only for those reporting levels (the region form's 教材版本: county).
 */
export function formGroups(
  schema: Schema,
  groups: readonly { key: string; title: string }[] = [],
  schoolType?: string,
  level?: string,
): FormGroup[] {
  const out = new Map<string, FormGroup>(groups.map((g) => [g.key, { ...g, fields: [] }]));
  const add = (groupKey: string, field: FormField) => {
    if (!out.has(groupKey)) out.set(groupKey, { key: groupKey, title: '其他', fields: [] });
    out.get(groupKey)!.fields.push(field);
  };
  const required = new Set<string>(schema.required ?? []);
  // Nested objects flatten to dotted paths at any depth (教材版本使用情况·小学·语文教材版本).
  const walk = (group: string, prefix: string, node: Schema, req: boolean, parent?: string) => {
    if (node.type === 'object' && node.properties) {
      const inner = new Set<string>(node.required ?? []);
      const title = node.title ?? parent;
      for (const [k, child] of Object.entries<Schema>(node.properties))
        if (shownFor(child, schoolType, level)) walk(group, `${prefix}.${k}`, child, inner.has(k), title);
    } else add(group, fieldOf(prefix, node, req, parent));
  };
  for (const [key, node] of Object.entries<Schema>(schema.properties ?? {})) {
    if (!shownFor(node, schoolType, level)) continue;
    const group = (node['x-group'] as string) ?? 'other';
    if (node.type === 'object' && node.properties) {
      const inner = new Set<string>(node.required ?? []);
      for (const [k, child] of Object.entries<Schema>(node.properties))
        if (shownFor(child, schoolType, level)) walk(group, `${key}.${k}`, child, inner.has(k), node.title);
    } else add(group, fieldOf(key, node, required.has(key)));
  }
  return [...out.values()].filter((g) => g.fields.length);
}

function fieldOf(path: string, node: Schema, required: boolean, parentTitle?: string): FormField {
  const title = node.title ?? path;
  return {
    path,
    kind: kindOf(node),
    label: parentTitle ? `${parentTitle}·${title}` : title,
    title,
    parentTitle,
    unit: node['x-unit'],
    help: node.description,
    required,
    minimum: node.minimum,
    maximum: node.maximum,
    maxLength: node.maxLength,
    options: Array.isArray(node.enum)
      ? node.enum.map(String)
      : Array.isArray(node.items?.enum)
        ? node.items.enum.map(String)
        : undefined,
  };
}

/**
 * Typed text → the value sent: numbers for well-formed numerals, `undefined` for empty, and the text
 * itself otherwise, so the validator (like the server) names the bad value instead of dropping it.
 */
export function parseInput(field: FormField, text: string): unknown {
  const t = text.trim();
  if (field.kind === 'integer' || field.kind === 'number') {
    if (t === '') return undefined;
    return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : t;
  }
  if (field.kind === 'boolean') return t === 'true' ? true : t === 'false' ? false : undefined;
  if (field.kind === 'multi' || field.kind === 'list') {
    const items = t.split(/[、，,;；\s]+/).filter(Boolean);
    return items.length ? items : undefined;
  }
  return t === '' ? undefined : t;
}

/** The value shown in an input. */
export function displayValue(value: unknown): string {
  if (Array.isArray(value)) return value.join('、');
  return value === undefined || value === null ? '' : String(value);
}

export function getPath(data: Record<string, any>, path: string): unknown {
  return path.split('.').reduce<any>((node, k) => (node == null ? undefined : node[k]), data);
}

/** A copy of `data` with `path` set (or removed when `value` is undefined); parents created as needed. */
export function setPath(data: Record<string, any>, path: string, value: unknown): Record<string, any> {
  const [head, ...rest] = path.split('.');
  const copy: Record<string, any> = { ...data };
  if (!rest.length) {
    if (value === undefined) delete copy[head];
    else copy[head] = value;
    return copy;
  }
  const child = typeof copy[head] === 'object' && copy[head] !== null ? copy[head] : {};
  copy[head] = setPath(child, rest.join('.'), value);
  return copy;
}

/** A validator as ajv (or its standalone code) makes it. */
export type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

export interface FormCheck {
  valid: boolean;
  /**
   * The server's sentence for the same data (`填报内容不合法：班级数（classes）：不应大于 1000`; for 上报 with
   * blank required fields `还有 2 项必填内容未填写，不能上报：班级数、教职工数`).
   */
  message?: string;
  /** The first error per field path (blank required fields included), as the server lists them. */
  fieldErrors: Record<string, string>;
  errors: FieldError[];
  /** Required fields left blank (per the form version), each with its title. */
  blanks: BlankField[];
}

const messages = { formInvalid: '填报内容不合法' };

/**
 * Validates `data` as the server does (same validator, same message building). `complete: false` checks
 * a draft, which may leave required fields blank (the server's PUT); `complete: true` (default) checks
 * for 上报, which refuses blanks with the server's FORM_INCOMPLETE sentence.
 */
export function checkForm(
  schema: Schema,
  validate: Validator,
  data: unknown,
  { complete = true }: { complete?: boolean } = {},
): FormCheck {
  if (validate(data)) return { valid: true, fieldErrors: {}, errors: [], blanks: [] };
  // describeErrors localizes in place: hand it copies so the validator's own array stays untouched.
  const all = (validate.errors ?? []).map((e) => ({ ...e }));
  const faults = errorsBeyondBlanks(all);
  const blanks = blankRequiredFields(schema, all);
  const fieldErrors: Record<string, string> = {};
  for (const e of describeErrors(schema, all, messages.formInvalid).errors)
    if (!(e.property in fieldErrors)) fieldErrors[e.property] = e.message ?? '';
  // A group left out whole is marked on each of its blank fields, where the form shows errors.
  const required = all.find((e) => e.keyword === 'required')?.message ?? '';
  for (const b of blanks) if (!(b.property in fieldErrors)) fieldErrors[b.property] = required;
  if (faults.length) {
    const { sentence, errors } = describeErrors(schema, faults, messages.formInvalid);
    return { valid: false, message: sentence, fieldErrors, errors, blanks };
  }
  if (!complete) return { valid: true, fieldErrors, errors: [], blanks };
  const { errors } = describeErrors(schema, all, messages.formInvalid);
  return { valid: false, message: incompleteSentence(blanks), fieldErrors, errors, blanks };
}

/** Field paths whose values differ between two reports (for "无变化" and conflicts). */
export function changedPaths(groups: FormGroup[], a: Record<string, any>, b: Record<string, any>): string[] {
  return groups
    .flatMap((g) => g.fields)
    .filter((f) => JSON.stringify(getPath(a, f.path)) !== JSON.stringify(getPath(b, f.path)))
    .map((f) => f.path);
}

/** A value as a person reads it: 是/否 for booleans, the unit after numbers, — for nothing. */
export function readableValue(field: FormField, value: unknown): string {
  if (value === undefined || value === null || value === '') return '—';
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (Array.isArray(value)) return value.length ? value.join('、') : '—';
  return field.unit && typeof value === 'number' ? `${value} ${field.unit}` : String(value);
}
