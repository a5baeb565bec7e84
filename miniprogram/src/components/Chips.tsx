// A wrapping row of selectable chips (category tabs, filters, indicator pickers): one selected, an
// optional "all" chip whose value is ''.
import './kit.css';
import { View, Text } from '@tarojs/components';

export interface ChipsProps {
  options: { value: string; text: string }[];
  value: string;
  onChange: (value: string) => void;
  /** Adds a first chip with value '' (e.g. 全部). */
  all?: string;
  /** Names the row in tests (data-chips). */
  name?: string;
  label?: string;
}

export default function Chips(p: ChipsProps) {
  const options = p.all ? [{ value: '', text: p.all }, ...p.options] : p.options;
  return (
    <View className="chips" data-chips={p.name}>
      {p.label && <Text className="chips-label">{p.label}</Text>}
      {options.map((o) => (
        <Text
          key={o.value}
          className={`chip${o.value === p.value ? ' chip-on' : ''}`}
          onClick={() => o.value !== p.value && p.onChange(o.value)}
        >
          {o.text}
        </Text>
      ))}
    </View>
  );
}
