// A school seen from its region (seed 000 §2.4, §3.2; seed 001 项目学校): basic information, the
// report of the period, the admin account — view, reset the password (the one-time password is shown
// once, here, and never again), lock and unlock — and the county's project-school confirmation.
// Inspectors see the same page without buttons.
import Taro, { useRouter } from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button, Tag } from '@nutui/nutui-react-taro';
import { periodLabel, REPORT_STATE_LABELS } from '@eduprogress/shared';
import { useState } from 'react';
import PageState from '../../components/PageState';
import Section from '../../components/Section';
import { activeBinding, requireSession } from '../../services/account';
import { formatTime } from '../../services/periods';
import {
  canAct,
  confirmProjectSchool,
  fetchSchoolAdmins,
  fetchUnitReport,
  regionPeriod,
  resetAdminPassword,
  setAdminLocked,
  type SchoolListItem,
} from '../../services/region';
import { request } from '../../services/request';
import { useResource } from '../../services/use-resource';

const messages = {
  basic: '基本信息',
  type: '学校类型',
  status: '学校状态',
  ownership: '办别',
  urbanRural: '城乡类型',
  initialized: '是否初始化',
  lastUpdate: '最后更新',
  never: '从未更新',
  yes: '是',
  no: '否',
  report: (period: string) => `${periodLabel(period)} 报表`,
  openReport: '查看报表',
  admins: '学校管理员账号',
  noAdmin: '暂无管理员账号',
  locked: '已锁定',
  lockedUntil: (t: string) => `密码连续输错被锁定，至 ${t} 自动解除`,
  normal: '正常',
  mustChange: '待修改初始密码',
  inactive: '已失效',
  reset: '重置密码',
  resetConfirm: '将生成新的 6 位一次性密码，原密码失效。确认重置？',
  oneTime: '一次性密码（仅显示这一次，请立即告知学校管理员）',
  lock: '锁定',
  lockConfirm: '锁定后该管理员无法登录，直到解锁。确认锁定？',
  unlock: '解锁',
  project: '项目学校',
  projectStates: { declared: '学校已申报，待区县确认', confirmed: '区县已确认', none: '否' },
  confirmProject: '确认为项目学校',
  denyProject: '不是项目学校',
  done: '已完成',
};

export default function SchoolPage() {
  const { params } = useRouter();
  const id = params.id ?? '';
  const binding = activeBinding(requireSession());
  const res = useResource(async () => {
    const [school, admins, { period }] = await Promise.all([
      request<SchoolListItem>(`/schools/${id}`, { silent: true }),
      fetchSchoolAdmins(id),
      regionPeriod(),
    ]);
    const report = await fetchUnitReport('school', id, period).catch(() => null);
    return { school, admins: admins.items, period, report };
  });
  const [oneTime, setOneTime] = useState<{ userId: string; password: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const d = res.data;
  const s = d?.school;
  // Accounts are managed by the region's 管理员; the project school is confirmed by its county's.
  const manager = canAct(binding) && binding?.role === 'admin';
  const county = manager && binding?.regionCode === s?.regionCode;
  const run = async (fn: () => Promise<unknown>, toast = true) => {
    setBusy(true);
    try {
      await fn();
      if (toast) Taro.showToast({ title: messages.done, icon: 'success' });
      await res.reload();
    } catch {
      /* toast shown */
    } finally {
      setBusy(false);
    }
  };
  const reset = async (userId: string) => {
    const ok = await Taro.showModal({ content: messages.resetConfirm });
    if (!ok.confirm) return;
    await run(async () => {
      const r = await resetAdminPassword(userId);
      setOneTime({ userId, password: r.oneTimePassword });
    }, false);
  };
  /** 锁定 keeps the school's admin out: asked first, like 重置密码. 解锁 only gives access back. */
  const setLocked = async (userId: string, locked: boolean) => {
    if (locked && !(await Taro.showModal({ content: messages.lockConfirm })).confirm) return;
    await run(() => setAdminLocked(userId, locked));
  };
  const kv = (k: string, v: string) => (
    <View className="kv">
      <Text className="kv-key">{k}</Text>
      <Text className="kv-value">{v}</Text>
    </View>
  );
  return (
    <View className="page region-school">
      <PageState loading={res.loading} error={res.error} onRetry={res.reload}>
        {d && s && (
          <>
            <Section title={<Text className="school-name">{s.name}</Text>}>
              {kv(messages.type, s.type)}
              {kv(messages.status, s.status)}
              {kv(messages.ownership, s.ownership ?? '—')}
              {kv(messages.urbanRural, s.urbanRural ?? '—')}
              {kv(messages.initialized, s.initialized ? messages.yes : messages.no)}
              {kv(messages.lastUpdate, s.lastUpdatedAt ? formatTime(s.lastUpdatedAt) : messages.never)}
            </Section>
            <Section title={messages.report(d.period)}>
              <View
                className="row"
                onClick={() =>
                  Taro.navigateTo({
                    url: `/pages/region-unit-report/index?kind=school&id=${id}&period=${d.period}`,
                  })
                }
              >
                <View className="row-main">
                  <Text className="row-title">{messages.openReport}</Text>
                  <Text className="muted">
                    {d.report ? REPORT_STATE_LABELS[d.report.state] : '—'}
                    {d.report?.issues.length ? ` · 疑似问题 ${d.report.issues.length}` : ''}
                  </Text>
                </View>
                <Text className="row-arrow">›</Text>
              </View>
            </Section>
            <Section title={messages.admins}>
              {d.admins.length ? (
                d.admins.map((a) => (
                  <View key={a.id} className="admin">
                    <View className="kv">
                      <Text className="kv-key wrap">
                        {a.name} · {a.loginName}
                      </Text>
                      <Tag type={!a.active ? 'default' : a.locked ? 'danger' : 'success'}>
                        {!a.active ? messages.inactive : a.locked ? messages.locked : messages.normal}
                      </Tag>
                    </View>
                    {a.active && a.lockedUntil && (
                      <Text className="muted pad block">
                        {messages.lockedUntil(formatTime(a.lockedUntil))}
                      </Text>
                    )}
                    {(a.mobile || a.mustChangePassword) && (
                      <Text className="muted pad block">
                        {a.mobile ?? ''}
                        {a.mobile && a.mustChangePassword ? ' · ' : ''}
                        {a.mustChangePassword ? messages.mustChange : ''}
                      </Text>
                    )}
                    {oneTime?.userId === a.id && (
                      <View className="once">
                        <Text className="block">{messages.oneTime}</Text>
                        <Text className="once-code">{oneTime.password}</Text>
                      </View>
                    )}
                    {manager && a.active && (
                      <View className="button-row">
                        <Button size="large" disabled={busy} onClick={() => reset(a.id)}>
                          {messages.reset}
                        </Button>
                        <Button
                          size="large"
                          type={a.locked ? 'primary' : 'danger'}
                          disabled={busy}
                          onClick={() => setLocked(a.id, !a.locked)}
                        >
                          {a.locked ? messages.unlock : messages.lock}
                        </Button>
                      </View>
                    )}
                  </View>
                ))
              ) : (
                <Text className="muted pad block">{messages.noAdmin}</Text>
              )}
            </Section>
            <Section title={messages.project}>
              {kv(messages.project, messages.projectStates[s.projectSchool ?? 'none'])}
              {county && (
                <View className="button-row">
                  <Button
                    size="large"
                    disabled={busy}
                    onClick={() => run(() => confirmProjectSchool(id, false))}
                  >
                    {messages.denyProject}
                  </Button>
                  <Button
                    size="large"
                    type="primary"
                    disabled={busy || s.projectSchool === 'confirmed'}
                    onClick={() => run(() => confirmProjectSchool(id, true))}
                  >
                    {messages.confirmProject}
                  </Button>
                </View>
              )}
            </Section>
          </>
        )}
      </PageState>
    </View>
  );
}
