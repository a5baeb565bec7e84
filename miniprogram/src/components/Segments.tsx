// A row of mutually exclusive tabs (督促管理's 填报管理 / 更新管理 / 逾期 / 自动上报, filters): large touch
// targets, wraps on narrow screens.
import { View, Text } from '@tarojs/components';

export interface SegmentsProps<T extends string> {
  /** `badge`: a count of waiting items shown on the tab (nothing when 0 or absent). */
  items: { key: T; text: string; badge?: number }[];
  value: T;
  onChange: (key: T) => void;
  name?: string;
}

export default function Segments<T extends string>(p: SegmentsProps<T>) {
  return (
    <View className="segments" data-field={p.name}>
      {p.items.map((i) => (
        <View
          key={i.key}
          className={`segment${i.key === p.value ? ' segment-on' : ''}`}
          onClick={() => i.key !== p.value && p.onChange(i.key)}
        >
          <Text>{i.text}</Text>
          {!!i.badge && (
            <Text className="segment-badge" data-badge={i.badge}>
              {i.badge > 99 ? '99+' : i.badge}
            </Text>
          )}
        </View>
      ))}
    </View>
  );
}
