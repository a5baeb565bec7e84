// 我的: who is signed in, the binding in use and a switch between bindings (seed 003), sign-out.
import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button, Tag } from '@nutui/nutui-react-taro';
import { actsAsSuper, NATIONAL_CODE } from '@eduprogress/shared';
import PageState from '../../components/PageState';
import Section from '../../components/Section';
import TabBar from '../../components/TabBar';
import {
  bindingLabel,
  logout,
  nextPage,
  refreshMe,
  requireSession,
  switchBinding,
} from '../../services/account';
import { fetchPeriods } from '../../services/periods';
import { clearSession } from '../../services/session';
import {
  BASEDATA_PAGE,
  LOGIN_PAGE,
  MINE_PAGE,
  MONTHLY_REPORTS_PAGE,
  SCHOOL_REQUESTS_PAGE,
  USAGE_PAGE,
  ZONES_PAGE,
} from '../../services/routes';
import { useResource } from '../../services/use-resource';

const messages = {
  account: '账号',
  bindings: '我的身份',
  current: '当前',
  switchTo: '切换',
  switched: '已切换身份',
  logout: '退出登录',
  more: '更多',
  schoolRequests: '学校删除与隶属关系变更申请',
  monthlyReports: '省级月报',
  tools: '管理工具',
  usage: '用户注册与应用分析',
  zones: '功能区管理',
  basedata: '基础数据同步',
};

const isNational = (b: { kind: string; role: string; regionCode?: string } | null | undefined) =>
  b?.kind === 'region' && b.role === 'admin' && b.regionCode === NATIONAL_CODE;

/** 省级月报 concerns the provinces (who write it) and the national level (who reads who filed). */
const writesOrReadsMonthly = (b: { kind: string; regionCode?: string } | null | undefined) =>
  b?.kind === 'region' && !!b.regionCode && /^\d{2}0000$/.test(b.regionCode);

export default function MinePage() {
  requireSession();
  const res = useResource(refreshMe);
  const me = res.data;
  // 省级月报 exists only under the monthly calendar (seed 001 第二十条); its entry shows only then.
  const cycle = useResource(fetchPeriods).data?.cycle;
  const doSwitch = async (id: string) => {
    try {
      const m = await switchBinding(id);
      Taro.showToast({ title: messages.switched, icon: 'success' });
      Taro.reLaunch({ url: nextPage(m) });
    } catch {
      /* toast shown */
    }
  };
  const signOut = async () => {
    await logout();
    clearSession();
    Taro.reLaunch({ url: LOGIN_PAGE });
  };
  return (
    <View className="page with-tabbar mine">
      <PageState loading={res.loading} error={res.error} onRetry={res.reload}>
        {me && (
          <>
            <Section title={<Text className="wrap">{me.user.name}</Text>}>
              <View className="kv">
                <Text className="kv-key">{messages.account}</Text>
                <Text className="kv-value">{me.user.loginName}</Text>
              </View>
            </Section>
            <Section title={messages.bindings}>
              {me.user.bindings.map((b) => (
                <View key={b.id} className="kv">
                  <Text className="kv-key wrap">{bindingLabel(b)}</Text>
                  {b.id === me.activeBinding?.id ? (
                    <Tag type="primary">{messages.current}</Tag>
                  ) : (
                    <Button size="small" onClick={() => doSwitch(b.id)}>
                      {messages.switchTo}
                    </Button>
                  )}
                </View>
              ))}
            </Section>
            {me.activeBinding?.kind === 'region' && (
              <Section title={messages.more}>
                {[
                  [messages.schoolRequests, SCHOOL_REQUESTS_PAGE],
                  ...(cycle === 'monthly' && writesOrReadsMonthly(me.activeBinding)
                    ? [[messages.monthlyReports, MONTHLY_REPORTS_PAGE]]
                    : []),
                ].map(([text, url]) => (
                  <View key={url} className="kv" onClick={() => Taro.navigateTo({ url })}>
                    <Text className="kv-key">{text}</Text>
                    <Text className="muted">›</Text>
                  </View>
                ))}
              </Section>
            )}
            {actsAsSuper(me.activeBinding) && (
              <Section title={messages.tools}>
                <View className="kv" onClick={() => Taro.navigateTo({ url: USAGE_PAGE })}>
                  <Text className="kv-key">{messages.usage}</Text>
                  <Text className="kv-value">›</Text>
                </View>
                {isNational(me.activeBinding) && (
                  <>
                    <View className="kv" onClick={() => Taro.navigateTo({ url: BASEDATA_PAGE })}>
                      <Text className="kv-key">{messages.basedata}</Text>
                      <Text className="kv-value">›</Text>
                    </View>
                    <View className="kv" onClick={() => Taro.navigateTo({ url: ZONES_PAGE })}>
                      <Text className="kv-key">{messages.zones}</Text>
                      <Text className="kv-value">›</Text>
                    </View>
                  </>
                )}
              </Section>
            )}
            <View className="pad">
              <Button className="wide-button" size="large" block onClick={signOut}>
                {messages.logout}
              </Button>
            </View>
          </>
        )}
      </PageState>
      <TabBar current={MINE_PAGE} />
    </View>
  );
}
