// Several of a list (the region form's 接入运营商): each option toggles; same look as Choice.
import { View, Text } from '@tarojs/components';
import { longLabelClass } from './Field';

export interface MultiChoiceProps {
  label: string;
  options: string[];
  value: string[];
  onChange: (value: string[]) => void;
  error?: string;
  help?: string;
  name?: string;
  /** Read-only: the options show the value, look inert (grey, no tap effect) and ignore taps. */
  disabled?: boolean;
}

export default function MultiChoice(p: MultiChoiceProps) {
  const toggle = (o: string) =>
    p.onChange(p.value.includes(o) ? p.value.filter((v) => v !== o) : [...p.value, o]);
  return (
    <View className={`field${longLabelClass(p.label)}${p.error ? ' field-invalid' : ''}`} data-field={p.name}>
      <View className="field-row field-row-wrap">
        <Text className="field-label">{p.label}</Text>
        <View className={`choice${p.disabled ? ' choice-disabled' : ''}`} aria-disabled={p.disabled}>
          {p.options.map((o) => (
            <View
              key={o}
              className={`choice-item${p.value.includes(o) ? ' choice-item-on' : ''}`}
              onClick={() => !p.disabled && toggle(o)}
            >
              <Text>{o}</Text>
            </View>
          ))}
        </View>
      </View>
      {p.help && <Text className="field-help">{p.help}</Text>}
      {p.error && <Text className="field-error">{p.error}</Text>}
    </View>
  );
}
