// 学校申请 (seed 001 §11, §13): a region admin asks the national level to delete an initialized school or
// change its affiliation; the national admin approves or refuses here. The server owns every rule.
import Taro from '@tarojs/taro';
import { View, Text, Textarea } from '@tarojs/components';
import { Button, Tag } from '@nutui/nutui-react-taro';
import { useState } from 'react';
import Choice from '../../components/Choice';
import Field from '../../components/Field';
import PageState from '../../components/PageState';
import Section from '../../components/Section';
import { activeBinding, requireSession } from '../../services/account';
import { formatTime } from '../../services/periods';
import { ApiError, request } from '../../services/request';
import { useResource } from '../../services/use-resource';

const messages = {
  file: '提出申请',
  kind: '申请类型',
  kinds: { delete: '删除学校', transfer: '变更隶属关系' } as Record<string, string>,
  school: '学校',
  search: '查找',
  searchPlaceholder: '输入学校名称查找',
  noMatch: '没有找到该学校',
  target: '新的主管地区代码',
  reason: '申请理由',
  reasonPlaceholder: '说明删除或变更隶属关系的原因',
  submit: '提交申请',
  submitted: '已提交，等待全国管理员审批',
  list: '申请记录',
  empty: '暂无申请',
  status: { pending: '待审批', approved: '已批准', refused: '已驳回' } as Record<string, string>,
  comment: '审批意见（驳回时必填）',
  approve: '批准',
  refuse: '驳回',
  decided: '已审批',
  requester: (name: string, at: string) => `${name} 于 ${at} 提出`,
  decision: (by: string | null, comment: string | null) =>
    `审批：${by ?? ''}${comment ? `，${comment}` : ''}`,
};

interface RequestItem {
  id: string;
  kind: 'delete' | 'transfer';
  status: 'pending' | 'approved' | 'refused';
  school: { id: string; name: string };
  target: { regionCode: string; name: string } | null;
  reason: string;
  requester: { name: string };
  requestedAt: string;
  decision: { by: string | null; comment: string | null } | null;
}

interface SchoolHit {
  id: string;
  name: string;
}

export default function SchoolRequestsPage() {
  requireSession();
  const binding = activeBinding();
  const national = binding?.regionCode === '000000' && binding.role === 'admin';
  const res = useResource(() =>
    request<{ items: RequestItem[] }>('/school-requests', { silent: true, query: { pageSize: 50 } }),
  );
  const items = res.data?.items ?? [];
  return (
    <View className="page school-requests">
      <PageState loading={res.loading} error={res.error} onRetry={res.reload}>
        {!national && binding?.role === 'admin' && <FileForm onDone={res.reload} />}
        <Section title={messages.list}>
          {!items.length && <Text className="muted pad">{messages.empty}</Text>}
          {items.map((r) => (
            <RequestRow key={r.id} r={r} national={national} onDone={res.reload} />
          ))}
        </Section>
      </PageState>
    </View>
  );
}

function FileForm({ onDone }: { onDone: () => Promise<void> }) {
  const [kind, setKind] = useState<string>('delete');
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<SchoolHit[] | null>(null);
  const [school, setSchool] = useState<SchoolHit | null>(null);
  const [target, setTarget] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const search = async () => {
    const found = await request<{ items: SchoolHit[] }>('/schools', { query: { q, pageSize: 10 } });
    setHits(found.items);
  };
  const submit = async () => {
    if (!school) return;
    try {
      await request('/school-requests', {
        method: 'POST',
        silent: true,
        data: {
          kind,
          schoolId: school.id,
          reason,
          ...(kind === 'transfer' ? { targetRegionCode: target } : {}),
        },
      });
      setError('');
      setReason('');
      setSchool(null);
      setHits(null);
      Taro.showToast({ title: messages.submitted, icon: 'none' });
      await onDone();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  return (
    <Section title={messages.file}>
      <Choice
        name="kind"
        label={messages.kind}
        value={kind}
        onChange={setKind}
        options={Object.entries(messages.kinds).map(([value, text]) => ({ value, text }))}
      />
      <Field
        name="schoolQuery"
        label={messages.school}
        value={school?.name ?? q}
        onInput={(v) => {
          setQ(v);
          setSchool(null);
        }}
        placeholder={messages.searchPlaceholder}
      />
      {!school && (
        <View className="pad">
          <Button size="small" onClick={search}>
            {messages.search}
          </Button>
        </View>
      )}
      {!school && hits?.length === 0 && <Text className="muted pad">{messages.noMatch}</Text>}
      {!school &&
        hits?.map((h) => (
          <View key={h.id} className="kv school-hit" onClick={() => setSchool(h)}>
            <Text className="kv-key wrap">{h.name}</Text>
          </View>
        ))}
      {kind === 'transfer' && (
        <Field
          name="targetRegionCode"
          label={messages.target}
          value={target}
          onInput={setTarget}
          type="number"
        />
      )}
      <View className="pad">
        <Textarea
          className="textarea"
          value={reason}
          placeholder={messages.reasonPlaceholder}
          onInput={(e) => setReason(e.detail.value)}
          maxlength={500}
        />
        {error && <Text className="field-error">{error}</Text>}
        <Button className="wide-button" type="primary" size="large" block disabled={!school} onClick={submit}>
          {messages.submit}
        </Button>
      </View>
    </Section>
  );
}

function RequestRow({
  r,
  national,
  onDone,
}: {
  r: RequestItem;
  national: boolean;
  onDone: () => Promise<void>;
}) {
  const [comment, setComment] = useState('');
  const [error, setError] = useState('');
  const decide = async (approve: boolean) => {
    try {
      await request(`/school-requests/${r.id}/${approve ? 'approve' : 'refuse'}`, {
        method: 'POST',
        silent: true,
        data: comment.trim() ? { comment: comment.trim() } : {},
      });
      setError('');
      Taro.showToast({ title: messages.decided, icon: 'success' });
      await onDone();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  return (
    <View className="pad request-row" data-request={r.id}>
      <View className="kv">
        <Text className="kv-key wrap">
          {r.school.name} · {messages.kinds[r.kind]}
          {r.target ? `（→ ${r.target.name}）` : ''}
        </Text>
        <Tag type={r.status === 'approved' ? 'success' : r.status === 'refused' ? 'danger' : 'warning'}>
          {messages.status[r.status]}
        </Tag>
      </View>
      <View className="request-lines">
        <View>
          <Text className="muted wrap">{r.reason}</Text>
        </View>
        <View>
          <Text className="muted">{messages.requester(r.requester.name, formatTime(r.requestedAt))}</Text>
        </View>
        {r.decision && (
          <View>
            <Text className="muted wrap">{messages.decision(r.decision.by, r.decision.comment)}</Text>
          </View>
        )}
      </View>
      {national && r.status === 'pending' && (
        <View>
          <Field name="comment" label={messages.comment} value={comment} onInput={setComment} />
          {error && <Text className="field-error">{error}</Text>}
          <View className="kv">
            <Button type="primary" onClick={() => decide(true)}>
              {messages.approve}
            </Button>
            <Button type="danger" onClick={() => decide(false)}>
              {messages.refuse}
            </Button>
          </View>
        </View>
      )}
    </View>
  );
}
