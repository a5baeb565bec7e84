// The entries of a region user's home (seed 003: what a person sees follows the binding in use), in
// one array: each page of the region side adds its entry here, with the roles that see it. Inspectors
// (视察员) see every page of their region read-only; the pages themselves leave out action buttons.
import { NATIONAL_CODE, type RegionRole } from '@eduprogress/shared';
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
  roles: readonly RegionRole[];
}

const ALL: readonly RegionRole[] = ['admin', 'auditor', 'inspector'];
/** Writing notices, binding groups and issuing permission codes are the region admin's (the server's
 * region managers). */
const ADMIN: readonly RegionRole[] = ['admin'];

export const REGION_MENU: RegionMenuEntry[] = [
  { key: 'supervision', title: '督促管理', path: '/pages/region-supervision/index', roles: ALL },
  { key: 'review', title: '审核上报', path: '/pages/region-review/index', roles: ALL },
  { key: 'region-form', title: '本级填报', path: '/pages/region-form/index', roles: ALL },
  { key: 'schools', title: '学校管理', path: '/pages/region-schools/index', roles: ALL },
  { key: 'notices', title: '通知公告', path: '/pages/notices/index', roles: ALL },
  { key: 'statistics', title: '数据统计', path: REGION_STATS_PAGE, roles: ALL },
  { key: 'training', title: '研修学时统计', path: REGION_TRAINING_PAGE, roles: ALL },
  { key: 'noticeCompose', title: '发布通知', path: NOTICE_COMPOSE_PAGE, roles: ADMIN },
  { key: 'bot', title: '群机器人', path: BOT_GROUPS_PAGE, roles: ADMIN },
  { key: 'permissionCodes', title: '权限码与激活', path: PERMISSION_CODES_PAGE, roles: ADMIN },
];

/**
 * The entries a role of a region binding sees, in menu order. The national level (`regionCode`
 * 000000) has no report of its own (provinces report to the nation), so no 本级填报.
 */
export function menuFor(role: string | undefined, regionCode?: string): RegionMenuEntry[] {
  return REGION_MENU.filter(
    (e) =>
      (e.roles as readonly string[]).includes(role ?? '') &&
      !(e.key === 'region-form' && regionCode === NATIONAL_CODE),
  );
}
