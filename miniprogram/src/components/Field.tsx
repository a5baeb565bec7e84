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

export default function Field(p: FieldProps) {
  return (
    <View className={`field${p.error ? ' field-invalid' : ''}`} data-field={p.name}>
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
