// 基础数据同步 (seed 002 §9, §10, §12): the national admin uploads a share of the ministry's 教育基础信息数据库
// (schools or GB/T 2260 regions, XLSX or CSV), reviews the preview the server makes of it (counts of what it
// would create, link, rename, move, close or leave alone; the changes in detail) and applies it in one go.
import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button, Tag } from '@nutui/nutui-react-taro';
import { useState } from 'react';
import PageState from '../../components/PageState';
import Section from '../../components/Section';
import { requireSession } from '../../services/account';
import { request } from '../../services/request';
import { pickAndUpload } from '../../services/transfer';
import { useResource } from '../../services/use-resource';

const messages = {
  batches: '同步批次',
  none: '还没有上传的共享数据：上传学校或行政区划共享文件后在此预览',
  upload: '上传共享文件',
  uploadHint:
    'XLSX 或 CSV：学校按学校标识码（列：学校标识码、学校名称、所在地区代码、学校类型），行政区划按 GB/T 2260 代码',
  uploadSchools: '上传学校文件',
  uploadRegions: '上传行政区划文件',
  kinds: { schools: '学校', regions: '行政区划' } as Record<string, string>,
  states: { previewed: '待应用', applying: '应用中', done: '已应用' } as Record<string, string>,
  actions: {
    create: '新增',
    link: '关联',
    rename: '更名',
    move: '迁移',
    close: '撤销',
    unchanged: '不变',
  } as Record<string, string>,
  rows: (n: number) => `${n} 行`,
  details: '查看更改',
  apply: '全部应用',
  confirm: '确认一次应用该批次的全部更改？',
  applied: (done: number, failed: number) => (failed ? `已应用，${failed} 项未成功` : `已应用 ${done} 项`),
  row: (n: number) => `第 ${n} 行`,
};

interface Batch {
  id: string;
  kind: string;
  state: string;
  rows: number;
  counts: Record<string, number>;
  done: number;
  failed: number;
  items: { action: string; row: number; code: string; name: string; regionCode?: string; error?: string }[];
}

export default function BaseDataPage() {
  requireSession();
  const res = useResource(() => request<{ items: Batch[] }>('/basedata/imports', { silent: true }));
  const [open, setOpen] = useState<Batch>();
  const [busy, setBusy] = useState(false);
  const show = async (id: string) => {
    try {
      setOpen(await request<Batch>(`/basedata/imports/${id}`));
    } catch {
      /* toast shown */
    }
  };
  const apply = async (b: Batch) => {
    const ok = await Taro.showModal({ content: messages.confirm });
    if (!ok.confirm) return;
    setBusy(true);
    try {
      const after = await request<Batch>(`/basedata/imports/${b.id}/apply`, { method: 'POST' });
      Taro.showToast({ title: messages.applied(after.done, after.failed), icon: 'none' });
      setOpen(after);
      await res.reload();
    } catch {
      /* toast shown */
    } finally {
      setBusy(false);
    }
  };
  const upload = async (kind: 'schools' | 'regions') => {
    setBusy(true);
    try {
      const preview = await pickAndUpload<Batch>('/basedata/imports', {
        query: { kind },
        extensions: ['xlsx', 'csv'],
      });
      // The list first, then the preview with the buttons enabled again (one render): an apply tapped
      // while the button still shows loading would be lost.
      await res.reload();
      setOpen(preview);
    } catch {
      /* cancelled, or the server's refusal shown as a toast */
    } finally {
      setBusy(false);
    }
  };
  const counts = (b: Batch) =>
    Object.entries(b.counts)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${messages.actions[k] ?? k} ${n}`)
      .join(' · ');
  return (
    <View className="page basedata">
      <Section title={messages.upload}>
        <Text className="muted pad block">{messages.uploadHint}</Text>
        <View className="kv">
          <Button disabled={busy} onClick={() => upload('schools')}>
            {messages.uploadSchools}
          </Button>
          <Button disabled={busy} onClick={() => upload('regions')}>
            {messages.uploadRegions}
          </Button>
        </View>
      </Section>
      <PageState
        loading={res.loading}
        error={res.error}
        onRetry={res.reload}
        empty={!res.data?.items.length && !open}
        emptyText={messages.none}
      >
        {!!res.data?.items.length && (
          <Section title={messages.batches}>
            {res.data?.items.map((b) => (
              <View key={b.id} className="kv" onClick={() => show(b.id)}>
                <Text className="kv-key wrap">
                  {messages.kinds[b.kind]} · {messages.rows(b.rows)} · {counts(b)}
                </Text>
                <Tag type={b.state === 'done' ? 'success' : 'primary'}>{messages.states[b.state]}</Tag>
              </View>
            ))}
          </Section>
        )}
        {open && (
          <Section title={`${messages.kinds[open.kind]} · ${messages.states[open.state]}`}>
            <Text className="muted pad block">{counts(open)}</Text>
            {open.items.map((i) => (
              <View key={`${i.action}-${i.row}-${i.code}`} className="kv">
                <Text className="kv-key wrap">
                  {messages.row(i.row)} {messages.actions[i.action]} {i.name}
                </Text>
                <Text className="kv-value">{i.error ?? i.regionCode ?? i.code}</Text>
              </View>
            ))}
            {open.state === 'previewed' && (
              <View className="pad">
                <Button
                  className="wide-button"
                  type="primary"
                  size="large"
                  block
                  loading={busy}
                  onClick={() => apply(open)}
                >
                  {messages.apply}
                </Button>
              </View>
            )}
          </Section>
        )}
      </PageState>
    </View>
  );
}
