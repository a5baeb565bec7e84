// 群机器人 (issue 11, server/src/bot-api/): a region manager creates a one-time binding code for a group
// chat (sent to the bot in the group, it binds the group to the region) and sees the bound groups of
// the region and below with their last delivery and last error.
import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { useState } from 'react';
import PageState from '../../components/PageState';
import Section from '../../components/Section';
import { activeBinding, requireSession } from '../../services/account';
import { formatTime } from '../../services/periods';
import { request } from '../../services/request';
import { useResource } from '../../services/use-resource';
import '../../components/kit.css';
import './index.css';

const messages = {
  bindTitle: '绑定群聊',
  bindHelp:
    '生成绑定码后，在要绑定的微信群里 @机器人 并发送绑定码，该群即绑定到本地区，接收上报提醒与通知推送。',
  create: '生成绑定码',
  codeFor: (region: string) => `${region} 的绑定码`,
  expires: (t: string) => `有效期至 ${t}，只能使用一次`,
  copy: '复制',
  copied: '已复制',
  rooms: (n: number) => `已绑定的群聊（${n}）`,
  none: '还没有绑定的群聊',
  unnamed: '（未命名群聊）',
  boundAt: (t: string) => `绑定于 ${t}`,
  lastDelivery: (t: string | null) => (t ? `最近推送 ${t}` : '尚未推送'),
  lastError: (t: string, e: string) => `推送失败（${t}）：${e}`,
  muted: (n: number) => `已退订 ${n} 类推送`,
};

interface BindingCode {
  code: string;
  regionName: string;
  expiresAt: string;
  instruction: string;
}

interface Room {
  roomId: string;
  roomTopic: string;
  regionName: string;
  boundAt: string;
  muted: string[];
  lastDeliveryAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
}

export default function BotGroupsPage() {
  const code = activeBinding(requireSession())?.regionCode ?? '';
  const [issued, setIssued] = useState<BindingCode>();
  const [busy, setBusy] = useState(false);
  const rooms = useResource(() =>
    request<{ items: Room[]; total: number }>('/bot/rooms', { silent: true, query: { pageSize: 100 } }),
  );
  const create = async () => {
    if (busy) return;
    setBusy(true);
    try {
      setIssued(
        await request<BindingCode>('/bot/binding-codes', { method: 'POST', data: { regionCode: code } }),
      );
    } catch {
      /* shown by the request module */
    } finally {
      setBusy(false);
    }
  };
  return (
    <View className="page bot-groups">
      <Section title={messages.bindTitle}>
        <Text className="muted pad block">{messages.bindHelp}</Text>
        {issued && (
          <View className="pad" data-binding-code={issued.code}>
            <Text className="block">{messages.codeFor(issued.regionName)}</Text>
            <Text className="binding-code block">{issued.code}</Text>
            <Text className="muted block">{messages.expires(formatTime(issued.expiresAt))}</Text>
            <Text className="muted block">{issued.instruction}</Text>
            <Button
              size="small"
              onClick={() =>
                Taro.setClipboardData({ data: issued.code }).then(
                  () => Taro.showToast({ title: messages.copied, icon: 'none' }),
                  () => undefined,
                )
              }
            >
              {messages.copy}
            </Button>
          </View>
        )}
        <View className="pad">
          <Button type="primary" block onClick={create} disabled={busy}>
            {messages.create}
          </Button>
        </View>
      </Section>
      <PageState loading={rooms.loading} error={rooms.error} onRetry={rooms.reload}>
        {rooms.data && (
          <Section title={messages.rooms(rooms.data.total)}>
            {rooms.data.items.length === 0 && <Text className="muted pad block">{messages.none}</Text>}
            {rooms.data.items.map((r) => (
              <View key={r.roomId} className="list-item" data-room={r.roomId}>
                <Text className="list-item-title">{r.roomTopic || messages.unnamed}</Text>
                <Text className="list-item-meta">
                  {r.regionName} · {messages.boundAt(formatTime(r.boundAt))}
                </Text>
                <Text className="list-item-meta">
                  {messages.lastDelivery(r.lastDeliveryAt && formatTime(r.lastDeliveryAt))}
                  {r.muted.length > 0 && ` · ${messages.muted(r.muted.length)}`}
                </Text>
                {r.lastError && (
                  <Text className="list-item-meta room-error">
                    {messages.lastError(formatTime(r.lastErrorAt), r.lastError)}
                  </Text>
                )}
              </View>
            ))}
          </Section>
        )}
      </PageState>
    </View>
  );
}
