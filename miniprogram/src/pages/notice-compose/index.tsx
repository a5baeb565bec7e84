// 发布通知 (seed 000 §6.4 通知公告): a region manager writes a notice to the admins of chosen levels at or
// below the region and to schools of chosen types in it; attachments go onto a draft that is then
// published. 已发通知 lists the region's notices with their read counts by child region; a draft there opens
// again in 写通知 (attachments added or removed, a failed upload retried or dropped, published or deleted).
import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button, Input, TextArea } from '@nutui/nutui-react-taro';
import { useEffect, useState } from 'react';
import { REGION_LEVELS, REGION_LEVEL_LABELS, SCHOOL_TYPES, type RegionLevel } from '@eduprogress/shared';
import Chips from '../../components/Chips';
import DataTable from '../../components/DataTable';
import PageState from '../../components/PageState';
import Section from '../../components/Section';
import { activeBinding, requireSession } from '../../services/account';
import { formatTime } from '../../services/periods';
import { request } from '../../services/request';
import { htmlToText, textToHtml } from '../../services/notice-html';
import { pickFile, uploadPicked, type Picked } from '../../services/transfer';
import { useLoadOnMount, useReloadOn } from '../../services/use-reload';
import { useResource } from '../../services/use-resource';
import './index.css';

const messages = {
  compose: '写通知',
  sent: '已发通知',
  title: '标题',
  titlePlaceholder: '通知标题（100 字以内）',
  content: '内容',
  contentPlaceholder: '通知正文',
  levels: '地区管理员',
  schoolTypes: '学校管理员（学校类型）',
  levelAdmin: (l: RegionLevel) => `${REGION_LEVEL_LABELS[l]}管理员`,
  attachments: '附件',
  addAttachment: '添加附件',
  draftNote: '已存为草稿：标题、内容与范围已固定，添加完附件后发布',
  publish: '发布',
  published: '已发布',
  confirmPublish: (n: number) => `确认发布此通知？${n ? `（含 ${n} 个附件）` : ''}`,
  needTitle: '请填写标题和内容',
  needScope: '请至少选择一项接收范围',
  kb: (size: number) => `${Math.max(1, Math.round(size / 1024))} KB`,
  noneSent: '本地区还没有发出通知',
  reads: (read: number, total: number) => `已读 ${read} / ${total} 人`,
  unit: '单位',
  recipients: '接收人数',
  read: '已读人数',
  attachmentCount: (n: number) => (n ? ` · ${n} 个附件` : ''),
  openDraft: '草稿（点击继续编辑）',
  uploadFailed: '上传失败',
  retry: '重试',
  resending: '正在重新上传…',
  remove: '移除',
  deleteDraft: '删除草稿',
  confirmDelete: '删除后草稿和已上传的附件都不再保留，确认删除？',
  deleted: '草稿已删除',
  removed: '附件已删除',
  failedLeftOut: (n: number) => `有 ${n} 个附件未上传成功，发布的通知不含这些附件。`,
};

/** A file whose upload the server refused or that did not arrive: kept to retry or remove. */
interface FailedUpload {
  key: number;
  picked: Picked;
  reason: string;
  /** Being sent again (重试): neither action is offered until the answer comes. */
  sending?: boolean;
}

interface NoticeDetail {
  id: string;
  title: string;
  content: string;
  status: 'draft' | 'published';
  scope: { levels: RegionLevel[]; schoolTypes: string[] };
  attachments: Attachment[];
}

interface Attachment {
  id: string;
  filename: string;
  size: number;
}

interface SentNotice {
  id: string;
  title: string;
  status: 'draft' | 'published';
  publishedAt?: string;
  createdAt?: string;
  scope: { levels: RegionLevel[]; schoolTypes: string[] };
  attachmentCount: number;
}

interface ReadUnit {
  code: string;
  name: string;
  recipients: number;
  read: number;
}

interface ReadCounts {
  totals: { recipients: number; read: number };
  units: ReadUnit[];
}

function MultiChips(p: {
  name: string;
  options: { value: string; text: string }[];
  value: string[];
  onChange: (v: string[]) => void;
  disabled?: boolean;
}) {
  return (
    <View className="chips" data-chips={p.name}>
      {p.options.map((o) => {
        const on = p.value.includes(o.value);
        return (
          <Text
            key={o.value}
            className={`chip${on ? ' chip-on' : ''}`}
            onClick={() =>
              !p.disabled && p.onChange(on ? p.value.filter((v) => v !== o.value) : [...p.value, o.value])
            }
          >
            {o.text}
          </Text>
        );
      })}
    </View>
  );
}

export default function NoticeComposePage() {
  const [tab, setTab] = useState<'compose' | 'sent'>('compose');
  // The draft 已发通知 asked to open in 写通知 (undefined: a new notice).
  const [resume, setResume] = useState<string>();
  return (
    <View className="page notice-compose">
      <Chips
        name="tab"
        options={[
          { value: 'compose', text: messages.compose },
          { value: 'sent', text: messages.sent },
        ]}
        value={tab}
        onChange={(v) => setTab(v as 'compose' | 'sent')}
      />
      {tab === 'compose' ? (
        <Compose
          key={resume ?? 'new'}
          resume={resume}
          onDone={() => {
            setResume(undefined);
            setTab('sent');
          }}
        />
      ) : (
        <Sent
          onOpenDraft={(id) => {
            setResume(id);
            setTab('compose');
          }}
        />
      )}
    </View>
  );
}

function Compose(props: { resume?: string; onDone: () => void }) {
  const code = activeBinding(requireSession())?.regionCode ?? '';
  const region = useResource(() => request<{ level: RegionLevel }>(`/regions/${code}`, { silent: true }));
  useLoadOnMount(region.reload);
  const [title, setTitle] = useState('');
  const [content, setContent] = useState('');
  const [levels, setLevels] = useState<string[]>([]);
  const [types, setTypes] = useState<string[]>([]);
  const [draftId, setDraftId] = useState<string>();
  const [files, setFiles] = useState<Attachment[]>([]);
  const [failed, setFailed] = useState<FailedUpload[]>([]);
  const [busy, setBusy] = useState(false);
  const draft = useResource(async () =>
    props.resume ? request<NoticeDetail>(`/notices/${props.resume}`, { silent: true }) : null,
  );
  useLoadOnMount(draft.reload);
  useEffect(() => {
    const d = draft.data;
    if (!d) return;
    setTitle(d.title);
    setContent(htmlToText(d.content));
    setLevels(d.scope.levels);
    setTypes(d.scope.schoolTypes);
    setDraftId(d.id);
    setFiles(d.attachments);
  }, [draft.data]);
  const own = region.data?.level;
  const levelOptions = REGION_LEVELS.filter(
    (l) => own && REGION_LEVELS.indexOf(l) >= REGION_LEVELS.indexOf(own),
  );
  const body = (asDraft: boolean) => ({
    title: title.trim(),
    content: textToHtml(content),
    scope: { levels, schoolTypes: types },
    draft: asDraft,
  });
  const ready = () => {
    if (!title.trim() || !content.trim()) {
      Taro.showToast({ title: messages.needTitle, icon: 'none' });
      return false;
    }
    if (!levels.length && !types.length) {
      Taro.showToast({ title: messages.needScope, icon: 'none' });
      return false;
    }
    return true;
  };
  const run = async (work: () => Promise<void>) => {
    if (busy) return;
    setBusy(true);
    try {
      await work();
    } catch {
      /* the request module (or the upload) showed the message */
    } finally {
      setBusy(false);
    }
  };
  /** Sends a picked file to the draft; a refusal keeps it in the list to retry or remove. */
  const send = async (id: string, item: FailedUpload) => {
    try {
      const up = await uploadPicked<{ items: Attachment[] }>(`/notices/${id}/attachments`, item.picked);
      setFiles((f) => [...f, ...up.items]);
      setFailed((list) => list.filter((x) => x.key !== item.key));
      item.picked.release?.();
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      setFailed((list) => [...list.filter((x) => x.key !== item.key), { ...item, reason, sending: false }]);
    }
  };
  const addAttachment = () => {
    if (!draftId && !ready()) return;
    void run(async () => {
      let id = draftId;
      if (!id) {
        id = (await request<{ id: string }>('/notices', { method: 'POST', data: body(true) })).id;
        setDraftId(id);
      }
      const picked = await pickFile();
      await send(id, { key: Date.now(), picked, reason: '' });
    });
  };
  const retry = (item: FailedUpload) => {
    if (!draftId) return;
    setFailed((list) => list.map((x) => (x.key === item.key ? { ...x, sending: true } : x)));
    void run(() => send(draftId, item));
  };
  const dropFailed = (item: FailedUpload) => {
    item.picked.release?.();
    setFailed((list) => list.filter((x) => x.key !== item.key));
  };
  const removeAttachment = (a: Attachment) =>
    void run(async () => {
      await request(`/notices/${draftId}/attachments/${a.id}`, { method: 'DELETE' });
      setFiles((f) => f.filter((x) => x.id !== a.id));
      Taro.showToast({ title: messages.removed, icon: 'success' });
    });
  const reset = () => {
    for (const f of failed) f.picked.release?.();
    setTitle('');
    setContent('');
    setLevels([]);
    setTypes([]);
    setDraftId(undefined);
    setFiles([]);
    setFailed([]);
  };
  const publish = () => {
    if (!draftId && !ready()) return;
    void run(async () => {
      const ok = await Taro.showModal({
        title: messages.publish,
        content:
          (failed.length ? messages.failedLeftOut(failed.length) : '') +
          messages.confirmPublish(files.length),
      });
      if (!ok.confirm) return;
      if (draftId) await request(`/notices/${draftId}/publish`, { method: 'POST' });
      else await request('/notices', { method: 'POST', data: body(false) });
      Taro.showToast({ title: messages.published, icon: 'success' });
      reset();
      props.onDone();
    });
  };
  const deleteDraft = () =>
    void run(async () => {
      const ok = await Taro.showModal({ title: messages.deleteDraft, content: messages.confirmDelete });
      if (!ok.confirm) return;
      await request(`/notices/${draftId}`, { method: 'DELETE' });
      Taro.showToast({ title: messages.deleted, icon: 'success' });
      reset();
      props.onDone();
    });
  const locked = !!draftId;
  return (
    <PageState
      loading={region.loading || draft.loading}
      error={region.error ?? draft.error}
      onRetry={() => {
        void region.reload();
        void draft.reload();
      }}
    >
      <Section title={messages.compose}>
        {locked && <Text className="muted pad block">{messages.draftNote}</Text>}
        <View className="field" data-field="title">
          <Text className="field-label">{messages.title}</Text>
          <Input
            value={title}
            disabled={locked}
            maxLength={100}
            placeholder={messages.titlePlaceholder}
            onChange={(v) => setTitle(v)}
          />
        </View>
        <View className="field" data-field="content">
          <Text className="field-label">{messages.content}</Text>
          <TextArea
            value={content}
            disabled={locked}
            rows={6}
            placeholder={messages.contentPlaceholder}
            onChange={(v) => setContent(v)}
          />
        </View>
        <Text className="compose-label">{messages.levels}</Text>
        <MultiChips
          name="levels"
          options={levelOptions.map((l) => ({ value: l, text: messages.levelAdmin(l) }))}
          value={levels}
          onChange={setLevels}
          disabled={locked}
        />
        <Text className="compose-label">{messages.schoolTypes}</Text>
        <MultiChips
          name="schoolTypes"
          options={SCHOOL_TYPES.map((t) => ({ value: t, text: t }))}
          value={types}
          onChange={setTypes}
          disabled={locked}
        />
      </Section>
      <Section
        title={messages.attachments}
        extra={
          <Button size="small" onClick={addAttachment} disabled={busy}>
            {messages.addAttachment}
          </Button>
        }
      >
        {files.map((f) => (
          <View key={f.id} className="kv" data-attachment={f.filename}>
            <Text className="kv-key wrap">{f.filename}</Text>
            <Text className="kv-value">{messages.kb(f.size)}</Text>
            <Text className="compose-action" onClick={() => removeAttachment(f)}>
              {messages.remove}
            </Text>
          </View>
        ))}
        {failed.map((f) => (
          <View key={f.key} className="compose-failed" data-failed={f.picked.name}>
            <Text className="wrap block">{f.picked.name}</Text>
            {f.sending ? (
              <Text className="muted block">{messages.resending}</Text>
            ) : (
              <>
                <Text className="compose-failed-reason block">{f.reason || messages.uploadFailed}</Text>
                <View className="compose-failed-actions">
                  <Text className="compose-action" onClick={() => retry(f)}>
                    {messages.retry}
                  </Text>
                  <Text className="compose-action" onClick={() => dropFailed(f)}>
                    {messages.remove}
                  </Text>
                </View>
              </>
            )}
          </View>
        ))}
      </Section>
      <View className="pad">
        <Button type="primary" block size="large" onClick={publish} disabled={busy}>
          {messages.publish}
        </Button>
        {locked && (
          <Button className="compose-delete" block size="large" onClick={deleteDraft} disabled={busy}>
            {messages.deleteDraft}
          </Button>
        )}
      </View>
    </PageState>
  );
}

function Sent(props: { onOpenDraft: (id: string) => void }) {
  const [open, setOpen] = useState<string>();
  const list = useResource(() =>
    request<{ items: SentNotice[] }>('/notices', { silent: true, query: { box: 'sent', pageSize: 50 } }),
  );
  const reads = useResource(async () =>
    open ? request<ReadCounts>(`/notices/${open}/reads`, { silent: true }) : null,
  );
  useLoadOnMount(list.reload);
  useReloadOn(open ?? '', reads.reload);
  const toggle = (id: string) => setOpen(open === id ? undefined : id);
  return (
    <PageState
      loading={list.loading}
      error={list.error}
      onRetry={list.reload}
      empty={!list.data?.items.length}
      emptyText={messages.noneSent}
    >
      <Section title={messages.sent}>
        {list.data?.items.map((n) => (
          <View key={n.id} data-notice={n.id}>
            <View
              className="list-item"
              onClick={() => (n.status === 'published' ? toggle(n.id) : props.onOpenDraft(n.id))}
            >
              <Text className="list-item-title">{n.title}</Text>
              <Text className="list-item-meta">
                {n.status === 'draft' ? messages.openDraft : formatTime(n.publishedAt)}
                {' · '}
                {[...n.scope.levels.map((l) => messages.levelAdmin(l)), ...n.scope.schoolTypes].join('、')}
                {messages.attachmentCount(n.attachmentCount)}
              </Text>
            </View>
            {open === n.id && reads.data && (
              <View className="reads">
                <Text className="muted pad block">
                  {messages.reads(reads.data.totals.read, reads.data.totals.recipients)}
                </Text>
                <DataTable<ReadUnit>
                  rows={reads.data.units}
                  rowKey={(u) => u.code}
                  name={{ key: 'name', title: messages.unit, render: (u) => <Text>{u.name}</Text> }}
                  columns={[
                    {
                      key: 'recipients',
                      title: messages.recipients,
                      render: (u) => <Text>{u.recipients}</Text>,
                    },
                    { key: 'read', title: messages.read, render: (u) => <Text>{u.read}</Text> },
                  ]}
                />
              </View>
            )}
          </View>
        ))}
      </Section>
    </PageState>
  );
}
