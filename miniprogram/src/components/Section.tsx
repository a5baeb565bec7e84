// A titled white card, the building block of every page.
import { View, Text } from '@tarojs/components';
import type { PropsWithChildren, ReactNode } from 'react';

export default function Section(
  props: PropsWithChildren<{ title?: ReactNode; extra?: ReactNode; className?: string }>,
) {
  return (
    <View className={`section ${props.className ?? ''}`}>
      {(props.title || props.extra) && (
        <View className="section-head">
          <Text className="section-title">{props.title}</Text>
          {props.extra}
        </View>
      )}
      {props.children}
    </View>
  );
}
