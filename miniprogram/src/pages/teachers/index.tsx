// Teacher verification for the school (seed 003 part 4 §2): filter by status, title and stage; approve,
// or reject with a reason. Personal data arrives masked from the API.
import Taro from '@tarojs/taro';
import { View, Text, Textarea } from '@tarojs/components';
import { Button, Tag } from '@nutui/nutui-react-taro';
import {
  TEACHER_STAGES,
  TEACHER_TITLES,
  VERIFICATION_LABELS,
  VERIFICATION_STATES,
} from '@eduprogress/shared';
import { useEffect, useRef, useState } from 'react';
import PageState from '../../components/PageState';
import Section from '../../components/Section';
import { activeBinding, requireSession } from '../../services/account';
import { request } from '../../services/request';
import { useResource } from '../../services/use-resource';
import './index.css';

const messages = {
  all: '全部',
  status: '审核状态',
  title: '职称',
  stage: '学段',
  empty: '没有符合条件的教师',
  approve: '通过',
  reject: '不通过',
  reasonPlaceholder: '请填写不通过的原因',
  reasonMissing: '请填写不通过的原因',
  send: '确认不通过',
  cancel: '取消',
  done: '已处理',
  counts: (t: number, p: number) => `共 ${t} 人，待审核 ${p} 人`,
  reason: '原因',
};

interface TeacherRow {
  id: string;
  account: string;
  name: string;
  title: string;
  stage: string;
  subject: string;
  verification: 'pending' | 'approved' | 'rejected';
  verificationLabel: string;
  reason: string | null;
}

interface TeacherList {
  counts: { status: { pending: number; total: number } };
  items: TeacherRow[];
  total: number;
}

function FilterRow(p: {
  label: string;
  options: readonly string[];
  labels?: Record<string, string>;
  value: string;
  onChange: (v: string) => void;
}) {
  return (
    <View className="filter-row">
      <Text className="filter-label">{p.label}</Text>
      <View className="filter-options">
        {['', ...p.options].map((o) => (
          <Text
            key={o}
            className={`filter-option${o === p.value ? ' filter-on' : ''}`}
            onClick={() => p.onChange(o)}
          >
            {o ? (p.labels?.[o] ?? o) : messages.all}
          </Text>
        ))}
      </View>
    </View>
  );
}

export default function TeachersPage() {
  const schoolId = activeBinding(requireSession())?.schoolId;
  const [status, setStatus] = useState('pending');
  const [title, setTitle] = useState('');
  const [stage, setStage] = useState('');
  const [rejecting, setRejecting] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const res = useResource(() =>
    request<TeacherList>(`/schools/${schoolId}/teachers`, {
      silent: true,
      query: { status, title, stage, pageSize: 100 },
    }),
  );
  const refilter = (set: (v: string) => void) => (v: string) => set(v);
  // A changed filter reloads the list once its value is in state (the first load comes on page show).
  const mounted = useRef(false);
  useEffect(() => {
    if (mounted.current) void res.reload();
    mounted.current = true;
  }, [status, title, stage]);
  // The page opens on 待审核; when nobody waits it shows everyone instead of an empty list (once, on
  // the first answer: a list emptied by the admin's own decisions stays on 待审核).
  const opened = useRef(false);
  useEffect(() => {
    if (!res.data || opened.current) return;
    opened.current = true;
    if (status === 'pending' && !res.data.counts.status.pending && res.data.counts.status.total)
      setStatus('');
  }, [res.data]);
  const verify = async (id: string, decision: 'approve' | 'reject') => {
    if (decision === 'reject' && !reason.trim())
      return Taro.showToast({ title: messages.reasonMissing, icon: 'none' });
    try {
      await request(`/teachers/${id}/verify`, {
        method: 'POST',
        data: { decision, ...(decision === 'reject' ? { reason: reason.trim() } : {}) },
      });
      setRejecting(null);
      setReason('');
      Taro.showToast({ title: messages.done, icon: 'success' });
      await res.reload();
    } catch {
      /* toast shown */
    }
  };
  const d = res.data;
  return (
    <View className="page teachers">
      <Section>
        <FilterRow
          label={messages.status}
          options={VERIFICATION_STATES}
          labels={VERIFICATION_LABELS}
          value={status}
          onChange={refilter(setStatus)}
        />
        <FilterRow
          label={messages.title}
          options={TEACHER_TITLES}
          value={title}
          onChange={refilter(setTitle)}
        />
        <FilterRow
          label={messages.stage}
          options={TEACHER_STAGES}
          value={stage}
          onChange={refilter(setStage)}
        />
        {d && (
          <Text className="muted pad block">
            {messages.counts(d.counts.status.total, d.counts.status.pending)}
          </Text>
        )}
      </Section>
      <PageState
        loading={res.loading}
        error={res.error}
        onRetry={res.reload}
        empty={!d?.items.length}
        emptyText={messages.empty}
      >
        {d?.items.map((t) => (
          <Section
            key={t.id}
            title={<Text className="wrap">{t.name}</Text>}
            extra={
              <Tag
                type={
                  t.verification === 'approved'
                    ? 'success'
                    : t.verification === 'rejected'
                      ? 'danger'
                      : 'warning'
                }
              >
                {t.verificationLabel}
              </Tag>
            }
          >
            <Text className="muted pad block">
              {t.account} · {t.stage} · {t.subject} · {t.title}
            </Text>
            {t.reason && (
              <Text className="muted pad block">
                {messages.reason}：{t.reason}
              </Text>
            )}
            {t.verification === 'pending' && rejecting !== t.id && (
              <View className="button-row">
                <Button size="large" onClick={() => setRejecting(t.id)}>
                  {messages.reject}
                </Button>
                <Button size="large" type="primary" onClick={() => verify(t.id, 'approve')}>
                  {messages.approve}
                </Button>
              </View>
            )}
            {rejecting === t.id && (
              <View className="pad">
                <Textarea
                  className="textarea"
                  value={reason}
                  placeholder={messages.reasonPlaceholder}
                  maxlength={200}
                  onInput={(e) => setReason(e.detail.value)}
                />
                <View className="button-row">
                  <Button size="large" onClick={() => setRejecting(null)}>
                    {messages.cancel}
                  </Button>
                  <Button size="large" type="danger" onClick={() => verify(t.id, 'reject')}>
                    {messages.send}
                  </Button>
                </View>
              </View>
            )}
          </Section>
        ))}
      </PageState>
    </View>
  );
}
