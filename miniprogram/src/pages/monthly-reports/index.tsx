// 省级月报 (seed 001 第二十条, monthly calendar only): the province admin writes and files the month's text
// report and attaches files to it (listed, downloadable); the national level sees which provinces have
// filed, and opens a province's report from its row (read-only). The server sanitises the text and owns
// the rules.
import { periodLabel } from '@eduprogress/shared';
import Taro, { useRouter } from '@tarojs/taro';
import { View, Text, Textarea } from '@tarojs/components';
import { Button, Tag } from '@nutui/nutui-react-taro';
import { useState } from 'react';
import PageState from '../../components/PageState';
import Section from '../../components/Section';
import { activeBinding, requireSession } from '../../services/account';
import { formatTime, formatDeadline } from '../../services/periods';
import { ApiError, request } from '../../services/request';
import { MONTHLY_REPORTS_PAGE } from '../../services/routes';
import { downloadFile, pickAndUpload } from '../../services/transfer';
import { useResource } from '../../services/use-resource';

const messages = {
  notForYou: '省级月报由省级管理员编写报送，全国可查看报送情况',
  title: (month: string) => `${periodLabel(month)} 月报`,
  provinceTitle: (name: string, month: string) => `${name} · ${periodLabel(month)} 月报`,
  notWritten: '该省本月尚未编写月报',
  deadline: (at: string) => `请于 ${at} 前报送`,
  placeholder: '本月教育信息化工作进展（可分段填写）',
  save: '保存草稿',
  file: '报送',
  saved: '已保存',
  filed: '已报送',
  status: { none: '未编写', draft: '草稿', filed: '已报送' } as Record<string, string>,
  late: '逾期',
  totals: (filed: number, all: number) => `已报送 ${filed} / ${all} 个省份`,
  attachments: (n: number) => `附件（${n}）`,
  attach: '添加附件',
  download: (bytes: number) =>
    `${bytes < 1048576 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1048576).toFixed(1)} MB`} · 下载`,
};

/** The month the server is in (its clock decides), `YYYY-MM`. */
async function currentMonth(): Promise<string> {
  const p = await request<{ now: string }>('/periods/current', { silent: true });
  return p.now.slice(0, 7);
}

/** Plain paragraphs as HTML (the server sanitises whatever it gets). */
function toHtml(text: string): string {
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return text
    .split(/\n+/)
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => `<p>${escape(l)}</p>`)
    .join('');
}

function toText(html: string): string {
  return html
    .replace(/<\/p>\s*<p>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export default function MonthlyReportsPage() {
  requireSession();
  const { params } = useRouter();
  const b = activeBinding();
  const national = b?.kind === 'region' && b.regionCode === '000000';
  const province = b?.kind === 'region' && !!b.regionCode && /^\d{2}0000$/.test(b.regionCode) && !national;
  // The national level opens one province's report from the overview (`?province=350000&name=福建省`).
  const opened = national && params.province && /^\d{2}0000$/.test(params.province) ? params.province : null;
  return (
    <View className="page monthly-reports">
      {national && !opened && <Overview />}
      {opened && <ProvinceReport code={opened} admin={false} name={decodeURIComponent(params.name ?? '')} />}
      {province && <ProvinceReport code={b!.regionCode!} admin={b!.role === 'admin'} />}
      {!national && !province && <Text className="muted pad">{messages.notForYou}</Text>}
    </View>
  );
}

interface OverviewView {
  month: string;
  totals: { provinces: number; filed: number };
  items: { code: string; name: string; status: string; filedAt: string | null; late: boolean }[];
}

function Overview() {
  const res = useResource(async () =>
    request<OverviewView>(`/monthly-reports/${await currentMonth()}`, { silent: true }),
  );
  const o = res.data;
  return (
    <PageState loading={res.loading} error={res.error} onRetry={res.reload}>
      {o && (
        <Section
          title={messages.title(o.month)}
          extra={<Text className="muted">{messages.totals(o.totals.filed, o.totals.provinces)}</Text>}
        >
          {o.items.map((i) => (
            <View
              key={i.code}
              className="kv"
              data-province={i.code}
              onClick={() =>
                Taro.navigateTo({
                  url: `${MONTHLY_REPORTS_PAGE}?province=${i.code}&name=${encodeURIComponent(i.name)}`,
                })
              }
            >
              <Text className="kv-key">{i.name}</Text>
              <View>
                <Tag type={i.status === 'filed' ? 'success' : 'default'}>{messages.status[i.status]}</Tag>
                {i.late && <Tag type="danger">{messages.late}</Tag>}
                {i.filedAt && <Text className="muted"> {formatTime(i.filedAt)}</Text>}
                <Text className="muted"> ›</Text>
              </View>
            </View>
          ))}
        </Section>
      )}
    </PageState>
  );
}

interface ReportView {
  month: string;
  content: string;
  status: 'draft' | 'filed';
  deadline: string;
  late: boolean;
  attachments: Attachment[];
}

interface Attachment {
  id: string;
  filename: string;
  size: number;
}

/** One province's report: written and filed by its admin; read-only for its other roles and the nation. */
function ProvinceReport({ code, admin, name }: { code: string; admin: boolean; name?: string }) {
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const res = useResource(async () => {
    const month = await currentMonth();
    try {
      const r = await request<ReportView>(`/monthly-reports/${month}/provinces/${code}`, { silent: true });
      setText(toText(r.content));
      return { month, report: r as ReportView | null };
    } catch (err) {
      if (err instanceof ApiError && err.code === 'MONTHLY_REPORT_NOT_FOUND') return { month, report: null };
      throw err;
    }
  });
  const month = res.data?.month;
  const report = res.data?.report;
  const path = `/monthly-reports/${month}/provinces/${code}`;
  const act = async (fileIt: boolean) => {
    try {
      await request(path, { method: 'PUT', silent: true, data: { content: toHtml(text) } });
      if (fileIt) await request(`${path}/file`, { method: 'POST', silent: true });
      setError('');
      Taro.showToast({ title: fileIt ? messages.filed : messages.saved, icon: 'success' });
      await res.reload();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  const attach = async () => {
    try {
      // Text typed but not saved yet is kept: the page reloads after the upload.
      if (text.trim()) await request(path, { method: 'PUT', silent: true, data: { content: toHtml(text) } });
      await pickAndUpload(`${path}/attachments`, { filenameQuery: true });
      setError('');
      await res.reload();
    } catch (err) {
      if (err instanceof ApiError) setError(err.message);
    }
  };
  const filed = report?.status === 'filed';
  return (
    <PageState loading={res.loading} error={res.error} onRetry={res.reload}>
      {month && (
        <Section
          title={name ? messages.provinceTitle(name, month) : messages.title(month)}
          extra={<Tag type={filed ? 'success' : 'default'}>{messages.status[report?.status ?? 'none']}</Tag>}
        >
          {!report && !admin && <Text className="muted pad block">{messages.notWritten}</Text>}
          {report && <Text className="muted pad">{messages.deadline(formatDeadline(report.deadline))}</Text>}
          {report?.attachments.length ? (
            <View className="monthly-attachments">
              <Text className="muted pad block">{messages.attachments(report.attachments.length)}</Text>
              {report.attachments.map((a) => (
                <View
                  key={a.id}
                  className="kv"
                  data-attachment={a.filename}
                  onClick={() =>
                    downloadFile(`${path}/attachments/${a.id}`, a.filename).catch(() => undefined)
                  }
                >
                  <Text className="kv-key wrap">{a.filename}</Text>
                  <Text className="muted">{messages.download(a.size)}</Text>
                </View>
              ))}
            </View>
          ) : null}
          <View className="pad">
            {(admin || report) && (
              <Textarea
                className="textarea monthly-text"
                value={text}
                disabled={filed || !admin}
                placeholder={messages.placeholder}
                onInput={(e) => setText(e.detail.value)}
                maxlength={20000}
              />
            )}
            {error && <Text className="field-error">{error}</Text>}
            {admin && !filed && (
              <View className="kv">
                <Button onClick={() => act(false)}>{messages.save}</Button>
                <Button onClick={attach}>{messages.attach}</Button>
                <Button type="primary" onClick={() => act(true)}>
                  {messages.file}
                </Button>
              </View>
            )}
          </View>
        </Section>
      )}
    </PageState>
  );
}
