// Loading, error (with retry) and empty states, one look on every page. The spinner shows only while
// loading: a finished empty load shows the empty message alone (no ring that reads as a spinner).
import { View, Text } from '@tarojs/components';
import { Button, Loading } from '@nutui/nutui-react-taro';
import type { PropsWithChildren } from 'react';

const messages = { loading: '加载中…', retry: '重试', empty: '暂无数据' };

export interface PageStateProps {
  loading: boolean;
  error?: string | null;
  empty?: boolean;
  emptyText?: string;
  onRetry?: () => void;
}

export default function PageState(props: PropsWithChildren<PageStateProps>) {
  if (props.loading)
    return (
      <View className="state state-loading">
        <Loading type="circular">{messages.loading}</Loading>
      </View>
    );
  if (props.error)
    return (
      <View className="state state-error">
        <Text className="state-text">{props.error}</Text>
        {props.onRetry && (
          <Button type="primary" size="large" onClick={props.onRetry}>
            {messages.retry}
          </Button>
        )}
      </View>
    );
  if (props.empty)
    return (
      <View className="state state-empty">
        <Text className="state-empty-text">{props.emptyText ?? messages.empty}</Text>
      </View>
    );
  return <>{props.children}</>;
}
