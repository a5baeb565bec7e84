// One notice: its content (sanitized HTML from the server) and attachments; opening it marks it read.
import { useRouter } from '@tarojs/taro';
import { View, Text, RichText } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import PageState from '../../components/PageState';
import Section from '../../components/Section';
import { formatTime } from '../../services/periods';
import { request } from '../../services/request';
import { downloadFile } from '../../services/transfer';
import { useResource } from '../../services/use-resource';

const messages = {
  attachments: '附件',
  download: '下载',
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

/** Saves (H5) or opens (weapp) an attachment; a failure is shown as a toast by downloadFile. */
function openAttachment(a: Attachment) {
  downloadFile(a.path, a.filename).catch(() => undefined);
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
