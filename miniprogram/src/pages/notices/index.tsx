// Notices for the caller's unit, unread first marked, with the unread count on the tab.
import Taro from '@tarojs/taro';
import type { NoticeSummary, Page } from '@eduprogress/shared';
import { View, Text } from '@tarojs/components';
import PageState from '../../components/PageState';
import TabBar from '../../components/TabBar';
import { formatTime } from '../../services/periods';
import { request } from '../../services/request';
import { NOTICES_PAGE, NOTICE_PAGE } from '../../services/routes';
import { useResource } from '../../services/use-resource';
import './index.css';

const messages = { empty: '暂无通知', unread: '未读', attachments: (n: number) => `附件 ${n}` };

export default function NoticesPage() {
  const res = useResource(() =>
    request<Page<NoticeSummary>>('/notices', { silent: true, query: { pageSize: 50 } }),
  );
  const items = res.data?.items ?? [];
  const unread = items.filter((n) => !n.read).length;
  return (
    <View className="page with-tabbar notices">
      <PageState
        loading={res.loading}
        error={res.error}
        onRetry={res.reload}
        empty={!items.length}
        emptyText={messages.empty}
      >
        {items.map((n) => (
          <View
            key={n.id}
            className="section notice-item"
            onClick={() => Taro.navigateTo({ url: `${NOTICE_PAGE}?id=${n.id}` })}
          >
            <View className="notice-title-row">
              {!n.read && <Text className="dot">{messages.unread}</Text>}
              <Text className={`notice-title${n.read ? '' : ' notice-unread'}`}>{n.title}</Text>
            </View>
            <Text className="muted">
              {n.regionName} · {formatTime(n.publishedAt)}
              {n.attachmentCount ? ` · ${messages.attachments(n.attachmentCount)}` : ''}
            </Text>
          </View>
        ))}
      </PageState>
      <TabBar current={NOTICES_PAGE} unread={unread} />
    </View>
  );
}
