// 督促管理 and 权限码与激活 count different things; their words must say which (a newcomer read
// "管理员已初始化 0/3" beside "94/94" as a contradiction). The supervision line names the accounts it
// counts (every region role, not only 管理员) and the step they finished (首次登录), and each page's
// legend tells its measure from the other's.
import { expect } from 'chai';
import {
  ACTIVATION_LEGEND,
  SUPERVISION_LEGEND,
  regionAccountsLabel,
} from '../../miniprogram/src/services/measures';

describe('the measures of 督促管理 and 权限码与激活 say what they count', () => {
  it('the supervision line counts region accounts that finished the first login', () => {
    const line = regionAccountsLabel({ total: 3, initialized: 0 });
    expect(line).to.equal('地区账号已完成首次登录 0/3');
    expect(line).not.to.contain('管理员已初始化');
  });

  it('each legend defines its own measure and names the other page’s', () => {
    expect(SUPERVISION_LEGEND).to.contain('管理员、审核员、视察员');
    expect(SUPERVISION_LEGEND).to.contain('首次登录');
    expect(ACTIVATION_LEGEND).to.contain('学校已激活');
    expect(ACTIVATION_LEGEND).to.contain('地区已激活');
    expect(ACTIVATION_LEGEND).to.contain('地区账号已完成首次登录');
  });
});
