// Suspected issues of this period's report (seed 000 §4.4): fix the value in the form, or confirm it
// is right with a note.
import Taro from '@tarojs/taro';
import { View, Text, Textarea } from '@tarojs/components';
import { Button, Tag } from '@nutui/nutui-react-taro';
import { schoolFieldLabel } from '@eduprogress/shared';
import { useState } from 'react';
import PageState from '../../components/PageState';
import Section from '../../components/Section';
import { activeBinding, requireSession } from '../../services/account';
import { confirmIssue, currentReport } from '../../services/reports';
import { REPORT_PAGE } from '../../services/routes';
import { useResource } from '../../services/use-resource';

const messages = {
  empty: '本期没有疑似问题',
  basic: '基本信息',
  report: '上报信息',
  open: '待处理',
  confirmed: '已确认',
  fields: '涉及',
  fix: '去修改',
  confirm: '数据无误，确认',
  notePlaceholder: '请说明数据无误的原因（至少 2 个字）',
  submitNote: '提交确认',
  noteShort: '说明至少 2 个字',
  done: '已确认',
  note: '说明',
};

export default function IssuesPage() {
  const schoolId = activeBinding(requireSession())?.schoolId;
  const res = useResource(() => currentReport(schoolId!));
  const [noteFor, setNoteFor] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const report = res.data?.report;
  const send = async (code: string) => {
    if (note.trim().length < 2) return Taro.showToast({ title: messages.noteShort, icon: 'none' });
    try {
      const updated = await confirmIssue(schoolId!, report!.period, code, note.trim());
      res.setData({ ...res.data!, report: updated });
      setNoteFor(null);
      setNote('');
      Taro.showToast({ title: messages.done, icon: 'success' });
    } catch {
      /* toast shown */
    }
  };
  return (
    <View className="page issues">
      <PageState
        loading={res.loading}
        error={res.error}
        onRetry={res.reload}
        empty={!report?.issues.length}
        emptyText={messages.empty}
      >
        {report?.issues.map((i) => (
          <Section
            key={i.code}
            title={i.kind === 'basic' ? messages.basic : messages.report}
            extra={
              <Tag type={i.status === 'open' ? 'danger' : 'success'}>
                {i.status === 'open' ? messages.open : messages.confirmed}
              </Tag>
            }
          >
            <Text className="pad block wrap">{i.message}</Text>
            <Text className="muted pad block">
              {messages.fields}：{i.fields.map((f) => schoolFieldLabel(f)).join('、')}
            </Text>
            {i.note && (
              <Text className="muted pad block">
                {messages.note}：{i.note}
              </Text>
            )}
            {i.status === 'open' && noteFor !== i.code && (
              <View className="button-row">
                <Button size="large" onClick={() => Taro.navigateTo({ url: REPORT_PAGE })}>
                  {messages.fix}
                </Button>
                <Button size="large" type="primary" onClick={() => setNoteFor(i.code)}>
                  {messages.confirm}
                </Button>
              </View>
            )}
            {noteFor === i.code && (
              <View className="pad">
                <Textarea
                  className="textarea"
                  value={note}
                  placeholder={messages.notePlaceholder}
                  onInput={(e) => setNote(e.detail.value)}
                  maxlength={500}
                />
                <Button
                  className="wide-button"
                  type="primary"
                  size="large"
                  block
                  onClick={() => send(i.code)}
                >
                  {messages.submitNote}
                </Button>
              </View>
            )}
          </Section>
        ))}
      </PageState>
    </View>
  );
}
