// A teacher's verification status; after a rejection, the reason and a re-application with the
// details corrected (seed 003: 教师审核未通过 → 修改信息重新申请).
import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button, Tag } from '@nutui/nutui-react-taro';
import { TEACHER_STAGES, TEACHER_TITLES } from '@eduprogress/shared';
import { useEffect, useState } from 'react';
import Choice from '../../components/Choice';
import Field from '../../components/Field';
import PageState from '../../components/PageState';
import Section from '../../components/Section';
import TabBar from '../../components/TabBar';
import { requireSession } from '../../services/account';
import { formatTime } from '../../services/periods';
import { ApiError, request } from '../../services/request';
import { MY_VERIFICATION_PAGE } from '../../services/routes';
import { useResource } from '../../services/use-resource';

const messages = {
  status: '审核状态',
  reason: '未通过原因',
  school: '学校',
  applied: '申请时间',
  verified: '审核时间',
  reapply: '修改信息，重新申请',
  send: '提交申请',
  sent: '已重新提交，等待学校审核',
  name: '姓名',
  stage: '学段',
  subject: '学科领域',
  title: '职称',
  idType: '证件类型',
  idNumber: '证件号码',
  idNumberHint: '重新申请须再次填写完整证件号码',
  none: '尚未申请教师身份',
  rejectedHint: '审核未通过：请根据原因修改信息后重新申请。',
};

interface MyTeacher {
  status: 'none' | 'pending' | 'approved' | 'rejected';
  statusLabel: string;
  reason: string | null;
  teacher: {
    name: string;
    schoolId: string | null;
    schoolName: string | null;
    regionCode: string;
    stage: string;
    subject: string;
    title: string;
    idType: string | null;
    idNumber: string | null;
    appliedAt: string | null;
    verifiedAt: string | null;
  } | null;
}

export default function MyVerificationPage() {
  requireSession();
  const res = useResource(() => request<MyTeacher>('/me/teacher', { silent: true }));
  const [editing, setEditing] = useState(false);
  const [form, setForm] = useState<Record<string, string>>({});
  const [error, setError] = useState('');
  const d = res.data;
  useEffect(() => {
    const t = d?.teacher;
    if (t)
      setForm({
        name: t.name,
        stage: t.stage,
        subject: t.subject,
        title: t.title,
        idType: t.idType ?? '居民身份证',
        idNumber: '',
      });
  }, [d]);
  const send = async () => {
    const t = d!.teacher!;
    try {
      await request('/me/teacher-application', {
        method: 'POST',
        silent: true,
        data: { schoolId: t.schoolId ?? 'other', regionCode: t.regionCode, ...form },
      });
      setEditing(false);
      setError('');
      Taro.showToast({ title: messages.sent, icon: 'none' });
      await res.reload();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  return (
    <View className="page with-tabbar my-verification">
      <PageState
        loading={res.loading}
        error={res.error}
        onRetry={res.reload}
        empty={d?.status === 'none'}
        emptyText={messages.none}
      >
        {d?.teacher && (
          <Section
            title={messages.status}
            extra={
              <Tag
                type={d.status === 'approved' ? 'success' : d.status === 'rejected' ? 'danger' : 'warning'}
              >
                {d.statusLabel}
              </Tag>
            }
          >
            {d.status === 'rejected' && (
              <View className="returned">
                <Text className="returned-line">
                  {messages.reason}：{d.reason ?? '—'}
                </Text>
                <Text className="returned-line">{messages.rejectedHint}</Text>
              </View>
            )}
            <View className="kv">
              <Text className="kv-key">{messages.name}</Text>
              <Text className="kv-value">{d.teacher.name}</Text>
            </View>
            <View className="kv">
              <Text className="kv-key">{messages.school}</Text>
              <Text className="kv-value wrap">{d.teacher.schoolName ?? '—'}</Text>
            </View>
            <View className="kv">
              <Text className="kv-key">
                {messages.stage}/{messages.subject}
              </Text>
              <Text className="kv-value">
                {d.teacher.stage} · {d.teacher.subject} · {d.teacher.title}
              </Text>
            </View>
            <View className="kv">
              <Text className="kv-key">{messages.applied}</Text>
              <Text className="kv-value">{formatTime(d.teacher.appliedAt)}</Text>
            </View>
            {d.status === 'rejected' && !editing && (
              <Button
                className="wide-button"
                type="primary"
                size="large"
                block
                onClick={() => setEditing(true)}
              >
                {messages.reapply}
              </Button>
            )}
          </Section>
        )}
        {editing && (
          <Section title={messages.reapply}>
            <Field
              name="name"
              label={messages.name}
              value={form.name ?? ''}
              onInput={(v) => setForm({ ...form, name: v })}
            />
            <Choice
              name="stage"
              label={messages.stage}
              options={TEACHER_STAGES.map((s) => ({ value: s, text: s }))}
              value={form.stage}
              onChange={(v) => setForm({ ...form, stage: v })}
            />
            <Field
              name="subject"
              label={messages.subject}
              value={form.subject ?? ''}
              onInput={(v) => setForm({ ...form, subject: v })}
            />
            <Choice
              name="title"
              label={messages.title}
              options={TEACHER_TITLES.map((s) => ({ value: s, text: s }))}
              value={form.title}
              onChange={(v) => setForm({ ...form, title: v })}
            />
            <Field
              name="idNumber"
              label={messages.idNumber}
              help={messages.idNumberHint}
              value={form.idNumber ?? ''}
              onInput={(v) => setForm({ ...form, idNumber: v })}
            />
            {error && <Text className="form-error">{error}</Text>}
            <Button className="wide-button" type="primary" size="large" block onClick={send}>
              {messages.send}
            </Button>
          </Section>
        )}
      </PageState>
      <TabBar current={MY_VERIFICATION_PAGE} />
    </View>
  );
}
