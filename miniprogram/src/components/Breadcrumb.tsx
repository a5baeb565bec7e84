// 福建省 › 福州市 › 鼓楼区: tap an earlier step to go back up a drill-down.
import './kit.css';
import { View, Text } from '@tarojs/components';

export interface Crumb {
  code: string;
  name: string;
}

export default function Breadcrumb(p: { items: Crumb[]; onPick: (code: string) => void }) {
  return (
    <View className="crumbs">
      {p.items.map((c, i) => {
        const last = i === p.items.length - 1;
        return (
          <Text
            key={c.code}
            className={last ? 'crumb crumb-here' : 'crumb'}
            onClick={() => !last && p.onPick(c.code)}
          >
            {c.name}
            {!last && <Text className="crumb-sep"> › </Text>}
          </Text>
        );
      })}
    </View>
  );
}
