// What the 督促管理 (填报管理) and 权限码与激活 pages count, in words that say exactly that, so a region
// admin reading "0/3" on one and "94/94" on the other sees two different measures, not a contradiction.
//   - 督促管理 → 地区账号已完成首次登录 i/n (server/src/reports/progress-view.ts getSupervision): the child
//     region's active region accounts of every role (管理员、审核员、视察员) and how many of them changed
//     the initial password and completed the profile (seed 000 §4.1 首次登陆, §4.2 填报管理).
//   - 学校 已初始化: schools that have reported at least once (seed 000 §2: then they cannot be deleted).
//   - 权限码与激活 (server/src/permission-codes/activation.ts, seed 003 part 3 §1): a school is activated
//     when it is initialized or its admin completed the first login; a region when a manager account
//     (管理员) is bound there and not locked.

/** The 填报管理 row's account line: `地区账号已完成首次登录 1/3`. */
export function regionAccountsLabel(a: { total: number; initialized: number }): string {
  return `地区账号已完成首次登录 ${a.initialized}/${a.total}`;
}

/** The legend under the 填报管理 tab: what its two measures count. */
export const SUPERVISION_LEGEND =
  '学校已初始化：至少上报过一次报表；地区账号：该地区的管理员、审核员、视察员账号，完成首次登录即已修改初始密码并完善个人信息。';

/** The legend under the 激活进度 table: what "activated" means there. */
export const ACTIVATION_LEGEND =
  '学校已激活：已初始化，或学校管理员已完成首次登录；地区已激活：已绑定在用的地区管理员账号。与督促管理中的“地区账号已完成首次登录”是不同的统计。';
