// A few notices of the demo world (seed 000 §6.4 通知公告), published by the demo province and city
// through the same service the API uses, so every role finds something in its inbox on first start.
import { User, type UserDoc } from '../accounts/model';
import type { Clock } from '../clock';
import { createNotice, type CreateNoticeInput } from '../notices/service';
import { DEMO_CITY, DEMO_PROVINCE } from './world';

const DEMO_NOTICES: { author: string; notice: Omit<CreateNoticeInput, 'draft'> }[] = [
  {
    author: `${DEMO_PROVINCE}admin`,
    notice: {
      title: '关于做好本季度教育信息化进展数据填报工作的通知',
      content:
        '<p>各设区市、县（市、区）教育局，各学校：</p><p>本季度教育信息化进展数据填报工作即将开始，请各学校于县级上报截止前完成本校数据的填报或“无变化”确认，各级教育行政部门按时审核上报。</p><p>逾期未报的单位将由系统按现有数据自动上报。</p>',
      scope: { levels: ['city', 'county'], schoolTypes: ['小学', '初中', '九年一贯制', '高中', '完全中学'] },
    },
  },
  {
    author: `${DEMO_PROVINCE}admin`,
    notice: {
      title: '2026年中小学教师信息技术应用能力提升培训工作安排',
      content:
        '<p>请各地组织本地区专任教师按时参加培训，学校管理员及时审核本校教师的注册信息。</p><p>参训率以各地区专任教师数为分母统计。</p>',
      scope: { levels: ['province', 'city', 'county'], schoolTypes: [] },
    },
  },
  {
    author: `${DEMO_CITY}admin`,
    notice: {
      title: '福州市关于核实学校基础信息的通知',
      content:
        '<p>请各县（市、区）组织辖区学校核实学校名称、类型、办别等基础信息，发现疑似问题及时更正或确认。</p>',
      scope: { levels: ['county'], schoolTypes: ['小学', '初中'] },
    },
  },
];

/** Publishes the demo notices as the demo region admins; returns how many were published. */
export async function loadDemoNotices(clock: Clock): Promise<number> {
  let n = 0;
  for (const { author, notice } of DEMO_NOTICES) {
    const user = await User.findOne({ loginName: author }).lean<UserDoc>();
    const binding = user?.bindings.find((b) => b.active && b.kind === 'region');
    if (!user || !binding) continue;
    await createNotice(
      { clock },
      {
        user,
        binding,
        actor: { userId: user._id, name: user.name, bindingId: binding._id, requestId: 'demo' },
      },
      { ...notice, draft: false },
    );
    n++;
  }
  return n;
}
