// Renders a report form from its JSON Schema (groups, units, help, inline errors); the values and
// errors are the caller's, so drafts and validation stay in one place (the report page).
import { View, Text } from '@tarojs/components';
import Field from '../Field';
import Choice from '../Choice';
import MultiChoice from '../MultiChoice';
import Section from '../Section';
import { displayValue, getPath, parseInput, type FormGroup } from './model';

const messages = { listHint: '多个用“、”分隔', empty: '表单为空' };

const yesNo = [
  { value: 'true', text: '是' },
  { value: 'false', text: '否' },
];

export interface SchemaFormProps {
  groups: FormGroup[];
  data: Record<string, any>;
  /** Raw text typed into numeric inputs, kept so "12a" stays on screen while it is wrong. */
  texts: Record<string, string>;
  errors: Record<string, string>;
  disabled?: boolean;
  onChange: (path: string, value: unknown, text: string) => void;
}

export default function SchemaForm(p: SchemaFormProps) {
  return (
    <View className={`schema-form${p.disabled ? ' schema-form-readonly' : ''}`}>
      {p.groups.map((g) => (
        <Section key={g.key} title={g.title}>
          {g.fields.map((f) =>
            f.kind === 'multi' ? (
              <MultiChoice
                key={f.path}
                name={f.path}
                label={f.label}
                help={f.help}
                options={f.options ?? []}
                value={(getPath(p.data, f.path) as string[] | undefined) ?? []}
                error={p.errors[f.path]}
                disabled={p.disabled}
                onChange={(v) => !p.disabled && p.onChange(f.path, v.length ? v : undefined, v.join('、'))}
              />
            ) : f.kind === 'boolean' || f.kind === 'enum' ? (
              <Choice
                key={f.path}
                name={f.path}
                label={f.label}
                help={f.help}
                options={f.kind === 'boolean' ? yesNo : f.options!.map((o) => ({ value: o, text: o }))}
                value={displayValue(getPath(p.data, f.path)) || undefined}
                error={p.errors[f.path]}
                disabled={p.disabled}
                onChange={(v) => !p.disabled && p.onChange(f.path, parseInput(f, v), v)}
              />
            ) : (
              <Field
                key={f.path}
                name={f.path}
                label={f.label}
                unit={f.unit}
                help={f.help}
                type={f.kind === 'integer' ? 'number' : f.kind === 'number' ? 'digit' : 'text'}
                placeholder={f.kind === 'list' ? messages.listHint : undefined}
                value={p.texts[f.path] ?? displayValue(getPath(p.data, f.path))}
                error={p.errors[f.path]}
                disabled={p.disabled}
                onInput={(t) => p.onChange(f.path, parseInput(f, t), t)}
              />
            ),
          )}
        </Section>
      ))}
      {!p.groups.length && <Text className="muted">{messages.empty}</Text>}
    </View>
  );
}
