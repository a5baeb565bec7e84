// The region home's entry list: one array, each entry `{ key, title, path, roles }`; the home shows
// the entries whose roles include the binding's role (admin 管理员, auditor 审核员, inspector 视察员).
import {
  BOT_GROUPS_PAGE,
  NOTICE_COMPOSE_PAGE,
  PERMISSION_CODES_PAGE,
  REGION_STATS_PAGE,
  REGION_TRAINING_PAGE,
} from './routes';

export interface RegionMenuEntry {
  key: string;
  title: string;
  path: string;
  /** Binding roles that see the entry (region roles, and the managers' super/special). */
  roles: string[];
}

const ALL = ['admin', 'auditor', 'inspector', 'super', 'special'];
/** Who may write notices, bind groups and issue permission codes (the server's region managers). */
const MANAGERS = ['admin', 'super', 'special'];

export const REGION_MENU: RegionMenuEntry[] = [
  { key: 'statistics', title: '数据统计', path: REGION_STATS_PAGE, roles: ALL },
  { key: 'training', title: '研修学时统计', path: REGION_TRAINING_PAGE, roles: ALL },
  { key: 'noticeCompose', title: '发布通知', path: NOTICE_COMPOSE_PAGE, roles: MANAGERS },
  { key: 'bot', title: '群机器人', path: BOT_GROUPS_PAGE, roles: MANAGERS },
  { key: 'permissionCodes', title: '权限码与激活', path: PERMISSION_CODES_PAGE, roles: MANAGERS },
];

/** The entries a role sees, in menu order. */
export function regionMenuFor(role: string | undefined): RegionMenuEntry[] {
  return REGION_MENU.filter((e) => !!role && e.roles.includes(role));
}
