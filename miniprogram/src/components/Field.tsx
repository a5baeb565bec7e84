// A labelled input row with help text and an inline error; ≥ 44 px touch height.
import { View, Text, Input } from '@tarojs/components';

export interface FieldProps {
  label: string;
  value: string;
  onInput: (text: string) => void;
  type?: 'text' | 'number' | 'digit' | 'idcard';
  password?: boolean;
  placeholder?: string;
  unit?: string;
  help?: string;
  error?: string;
  name?: string;
  disabled?: boolean;
  maxlength?: number;
}

/** Labels longer than this many characters sit on a line of their own above the input (a 375 px screen). */
export const LONG_LABEL = 7;

/** `' field-long'` for a label too long to share its row, else `''` (Field, Choice, MultiChoice). */
export function longLabelClass(label: string): string {
  return [...label].length > LONG_LABEL ? ' field-long' : '';
}

export default function Field(p: FieldProps) {
  return (
    <View className={`field${longLabelClass(p.label)}${p.error ? ' field-invalid' : ''}`} data-field={p.name}>
      <View className="field-row">
        <Text className="field-label">{p.label}</Text>
        <Input
          className="field-input"
          name={p.name}
          value={p.value}
          type={p.type ?? 'text'}
          password={p.password}
          placeholder={p.placeholder}
          disabled={p.disabled}
          maxlength={p.maxlength ?? 140}
          onInput={(e) => p.onInput(e.detail.value)}
        />
        {p.unit && <Text className="field-unit">{p.unit}</Text>}
      </View>
      {p.help && <Text className="field-help">{p.help}</Text>}
      {p.error && <Text className="field-error">{p.error}</Text>}
    </View>
  );
}
