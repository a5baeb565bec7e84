// One notice: its content (sanitized HTML from the server) and attachments; opening it marks it read.
import Taro, { useRouter } from '@tarojs/taro';
import { View, Text, RichText } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import PageState from '../../components/PageState';
import Section from '../../components/Section';
import { formatTime } from '../../services/periods';
import { API_BASE, request } from '../../services/request';
import { loadSession } from '../../services/session';
import { useResource } from '../../services/use-resource';

const messages = {
  attachments: '附件',
  download: '下载',
  failed: '下载失败，请稍后再试',
  kb: (n: number) => `${Math.max(1, Math.round(n / 1024))} KB`,
};

interface Attachment {
  id: string;
  filename: string;
  size: number;
  path: string;
}

interface NoticeDetail {
  id: string;
  title: string;
  regionName: string;
  authorName?: string;
  publishedAt?: string;
  content: string;
  attachments: Attachment[];
  read: boolean;
}

async function openAttachment(a: Attachment) {
  const token = loadSession()?.accessToken;
  try {
    const res = await Taro.downloadFile({
      url: `${API_BASE}${a.path}`,
      header: { Authorization: `Bearer ${token}` },
    });
    if (res.statusCode !== 200) throw new Error(String(res.statusCode));
    if (process.env.TARO_ENV === 'h5') {
      const link = document.createElement('a');
      link.href = res.tempFilePath;
      link.download = a.filename;
      link.click();
    } else await Taro.openDocument({ filePath: res.tempFilePath, showMenu: true });
  } catch {
    Taro.showToast({ title: messages.failed, icon: 'none' });
  }
}

export default function NoticePage() {
  const id = useRouter().params.id;
  const res = useResource(async () => {
    const n = await request<NoticeDetail>(`/notices/${id}`, { silent: true });
    if (!n.read)
      await request(`/notices/${id}/read`, { method: 'POST', silent: true }).catch(() => undefined);
    return n;
  });
  const n = res.data;
  return (
    <View className="page notice">
      <PageState loading={res.loading} error={res.error} onRetry={res.reload}>
        {n && (
          <>
            <Section title={<Text className="wrap">{n.title}</Text>}>
              <Text className="muted pad block">
                {n.regionName}
                {n.authorName ? ` · ${n.authorName}` : ''} · {formatTime(n.publishedAt)}
              </Text>
              <View className="pad rich">
                <RichText nodes={n.content} />
              </View>
            </Section>
            {!!n.attachments.length && (
              <Section title={messages.attachments}>
                {n.attachments.map((a) => (
                  <View key={a.id} className="kv">
                    <Text className="kv-key wrap">
                      {a.filename}（{messages.kb(a.size)}）
                    </Text>
                    <Button size="small" onClick={() => openAttachment(a)}>
                      {messages.download}
                    </Button>
                  </View>
                ))}
              </Section>
            )}
          </>
        )}
      </PageState>
    </View>
  );
}
