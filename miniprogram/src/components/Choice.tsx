// A row of options (是/否, 城乡类型, 性别): large touch targets, one selected.
import { View, Text } from '@tarojs/components';
import { longLabelClass } from './Field';

export interface ChoiceProps {
  label: string;
  options: { value: string; text: string }[];
  value: string | undefined;
  onChange: (value: string) => void;
  error?: string;
  help?: string;
  name?: string;
  /** Read-only: the options show the value, look inert (grey, no tap effect) and ignore taps. */
  disabled?: boolean;
}

export default function Choice(p: ChoiceProps) {
  return (
    <View className={`field${longLabelClass(p.label)}${p.error ? ' field-invalid' : ''}`} data-field={p.name}>
      <View className="field-row field-row-wrap">
        <Text className="field-label">{p.label}</Text>
        <View className={`choice${p.disabled ? ' choice-disabled' : ''}`} aria-disabled={p.disabled}>
          {p.options.map((o) => (
            <View
              key={o.value}
              className={`choice-item${o.value === p.value ? ' choice-item-on' : ''}`}
              onClick={() => !p.disabled && p.onChange(o.value)}
            >
              <Text>{o.text}</Text>
            </View>
          ))}
        </View>
      </View>
      {p.help && <Text className="field-help">{p.help}</Text>}
      {p.error && <Text className="field-error">{p.error}</Text>}
    </View>
  );
}
