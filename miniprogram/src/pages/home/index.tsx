// Home. School admins: the period the school works on now, its deadline, the report's state
// (填报中 / 已上报 / 已退回 with reason and time limit / 已锁定) and what is still missing, with entries to
// every task. Region users: RegionHome (progress with drill-down and the region menu).
import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Tag } from '@nutui/nutui-react-taro';
import { periodLabel, SCHOOL_FORMS } from '@eduprogress/shared';
import PageState from '../../components/PageState';
import Section from '../../components/Section';
import TabBar from '../../components/TabBar';
import * as validators from '@generated/form-validators';
import { checkForm, type Validator } from '../../components/schema-form/model';
import { activeBinding, requireSession } from '../../services/account';
import { formatTime, formatDeadline } from '../../services/periods';
import {
  currentReport,
  fetchSchool,
  returnInfo,
  unreadNotices,
  type ReportView,
  type SchoolView,
} from '../../services/reports';
import {
  HOME_PAGE,
  ISSUES_PAGE,
  NOTICES_PAGE,
  REPORT_PAGE,
  SCHOOL_PAGE,
  TEACHERS_PAGE,
  TRAINING_STATS_PAGE,
} from '../../services/routes';
import { useResource } from '../../services/use-resource';
import { STATE_TAG } from '../../components/state-tag';
import RegionHome from './RegionHome';
import './index.css';

const messages = {
  period: '本期',
  deadline: '截止时间',
  state: '状态',
  returnReason: '退回原因',
  returnUntil: '限时修改至',
  submittedAt: '上报时间',
  missingTitle: '待完成',
  nothingMissing: '本期数据已完整',
  missingFields: (n: number, names: string) => `报表还有 ${n} 项未填：${names}`,
  openIssues: (n: number) => `${n} 个疑似问题待处理`,
  urbanRural: '请确认学校基本信息中的「城乡类型」',
  notSaved: '本期数据尚未保存',
  prefilled: '本期数据尚未保存（已按上期数据预填）',
  tasks: '常用功能',
};

interface SchoolHome {
  school: SchoolView;
  period: string;
  deadline?: string;
  report: ReportView;
  unread: number;
}

/** What the school still has to do this period, in the words of the manual. */
export function missingItems(school: SchoolView, report: ReportView): string[] {
  const items: string[] = [];
  // The model defaults 城乡类型 to 城区: a school that never saved its basic information is asked to
  // confirm it (seed 003: complete it on first entry).
  if (!school.urbanRural || !school.lastUpdatedAt) items.push(messages.urbanRural);
  const schema = SCHOOL_FORMS[report.formVersion] as Record<string, any>;
  const validate = (validators as unknown as Record<string, Validator>)[`school${report.formVersion}`];
  // Blank required fields in any state (an auto-submitted report may have them): 本期数据已完整 only
  // when the data really is complete, by the rule 上报 applies (server FORM_INCOMPLETE).
  const empty = schema && validate ? checkForm(schema, validate, report.data).blanks : [];
  if (empty.length)
    items.push(
      messages.missingFields(
        empty.length,
        empty
          .slice(0, 3)
          .map((f) => f.title)
          .join('、') + (empty.length > 3 ? '…' : ''),
      ),
    );
  if (schema && ['draft', 'returned'].includes(report.state)) {
    if (!report.saved) items.push(Object.keys(report.data).length ? messages.prefilled : messages.notSaved);
  }
  const open = report.issues.filter((i) => i.status === 'open').length;
  if (open) items.push(messages.openIssues(open));
  return items;
}

async function loadSchoolHome(schoolId: string): Promise<SchoolHome> {
  const [school, current, unread] = await Promise.all([
    fetchSchool(schoolId),
    currentReport(schoolId),
    unreadNotices(),
  ]);
  return {
    school,
    period: current.working.period,
    deadline: current.working.deadline,
    report: current.report,
    unread,
  };
}

export default function HomePage() {
  const session = requireSession();
  const binding = activeBinding(session);
  if (binding?.kind === 'teacher') {
    Taro.reLaunch({ url: '/pages/my-trainings/index' });
    return null;
  }
  return binding?.kind === 'school' ? (
    <SchoolHomePage schoolId={binding.schoolId!} />
  ) : (
    <RegionHome binding={binding!} />
  );
}

function SchoolHomePage({ schoolId }: { schoolId: string }) {
  const home = useResource(() => loadSchoolHome(schoolId));
  const d = home.data;
  const back = d ? returnInfo(d.report) : null;
  const missing = d ? missingItems(d.school, d.report) : [];
  const tasks = [
    { text: '填报本期数据', path: REPORT_PAGE },
    {
      text: '疑似问题',
      path: ISSUES_PAGE,
      badge: d?.report.issues.filter((i) => i.status === 'open').length,
    },
    { text: '学校基本信息', path: SCHOOL_PAGE },
    { text: '通知公告', path: NOTICES_PAGE, badge: d?.unread },
    { text: '教师审核', path: TEACHERS_PAGE },
    { text: '研修统计', path: TRAINING_STATS_PAGE },
  ];
  return (
    <View className="page with-tabbar home">
      <PageState loading={home.loading} error={home.error} onRetry={home.reload}>
        {d && (
          <>
            <Section title={<Text className="school-name">{d.school.name}</Text>}>
              <View className="kv">
                <Text className="kv-key">{messages.period}</Text>
                <Text className="kv-value period">{periodLabel(d.period)}</Text>
              </View>
              <View className="kv">
                <Text className="kv-key">{messages.state}</Text>
                <Tag className="state-tag" type={STATE_TAG[d.report.state] ?? 'default'}>
                  {d.report.stateLabel}
                </Tag>
              </View>
              <View className="kv">
                <Text className="kv-key">{messages.deadline}</Text>
                <Text className="kv-value">{formatDeadline(d.deadline ?? d.report.deadline)}</Text>
              </View>
              {d.report.submittedAt && (
                <View className="kv">
                  <Text className="kv-key">{messages.submittedAt}</Text>
                  <Text className="kv-value">{formatTime(d.report.submittedAt)}</Text>
                </View>
              )}
              {back && (
                <View className="returned">
                  <Text className="returned-line">
                    {messages.returnReason}：{back.reason ?? '—'}
                  </Text>
                  <Text className="returned-line">
                    {messages.returnUntil}：{formatDeadline(back.until)}
                  </Text>
                </View>
              )}
            </Section>
            <Section title={messages.missingTitle}>
              {missing.length ? (
                missing.map((m) => (
                  <Text key={m} className="missing-item">
                    · {m}
                  </Text>
                ))
              ) : (
                <Text className="muted pad">{messages.nothingMissing}</Text>
              )}
            </Section>
            <Section title={messages.tasks}>
              <View className="grid">
                {tasks.map((t) => (
                  <View key={t.path} className="grid-item" onClick={() => Taro.navigateTo({ url: t.path })}>
                    <Text>{t.text}</Text>
                    {!!t.badge && <Text className="grid-badge">{t.badge}</Text>}
                  </View>
                ))}
              </View>
            </Section>
          </>
        )}
      </PageState>
      <TabBar current={HOME_PAGE} unread={d?.unread} />
    </View>
  );
}
