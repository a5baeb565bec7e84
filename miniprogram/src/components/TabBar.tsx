// The role-aware tab bar (seed 003: what a person sees follows the binding in use): school admins,
// teachers and region users each get their own tabs. Drawn by the page so it can carry badges.
import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { activeBinding } from '../services/session';
import {
  HOME_PAGE,
  MINE_PAGE,
  MY_TRAININGS_PAGE,
  MY_VERIFICATION_PAGE,
  NOTICES_PAGE,
  REPORT_PAGE,
} from '../services/routes';

interface Tab {
  path: string;
  text: string;
  badge?: number;
}

/** The tabs for a binding kind. */
export function tabsFor(kind: string | undefined, unread = 0): Tab[] {
  if (kind === 'teacher')
    return [
      { path: MY_TRAININGS_PAGE, text: '我的研修' },
      { path: MY_VERIFICATION_PAGE, text: '审核状态' },
      { path: MINE_PAGE, text: '我的' },
    ];
  if (kind === 'school')
    return [
      { path: HOME_PAGE, text: '首页' },
      { path: REPORT_PAGE, text: '填报' },
      { path: NOTICES_PAGE, text: '通知', badge: unread },
      { path: MINE_PAGE, text: '我的' },
    ];
  return [
    { path: HOME_PAGE, text: '首页' },
    { path: NOTICES_PAGE, text: '通知', badge: unread },
    { path: MINE_PAGE, text: '我的' },
  ];
}

export default function TabBar({ current, unread }: { current: string; unread?: number }) {
  const tabs = tabsFor(activeBinding()?.kind, unread);
  return (
    <View className="tabbar">
      {tabs.map((t) => (
        <View
          key={t.path}
          className={`tabbar-item${t.path === current ? ' tabbar-item-active' : ''}`}
          onClick={() => t.path !== current && Taro.redirectTo({ url: t.path })}
        >
          <Text>{t.text}</Text>
          {!!t.badge && <Text className="tabbar-badge">{t.badge > 99 ? '99+' : t.badge}</Text>}
        </View>
      ))}
    </View>
  );
}
