// 项目学校 (seed 000 §4.3): a 教学点 declares here whether it is a “教学点数字教育资源全覆盖” project
// school; its county confirms or corrects the declaration on the school's page (pages/region-school).
import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { useState } from 'react';
import Section from '../../components/Section';
import { request } from '../../services/request';
import type { SchoolView } from '../../services/reports';

const messages = {
  title: '项目学校',
  question: '“教学点数字教育资源全覆盖”项目学校',
  states: { declared: '已申报，待区县确认', confirmed: '区县已确认', none: '未申报' },
  declare: '申报为项目学校',
  withdraw: '撤销申报',
  confirmedNote: '区县已确认；如有变化请联系区县管理员',
  done: '已提交',
};

/**
 * The school's 项目学校 state and its declare / withdraw button (PUT /schools/:id/project-school, the
 * school admin's own school only). Shown for 教学点 (the project concerns them) and for any school
 * already declared; `onChange` gets the school's new state.
 */
export default function ProjectSchool({
  school,
  onChange,
}: {
  school: SchoolView;
  onChange: (projectSchool: SchoolView['projectSchool']) => void;
}) {
  const [busy, setBusy] = useState(false);
  if (school.type !== '教学点' && !school.projectSchool) return null;
  const declare = async (declared: boolean) => {
    setBusy(true);
    try {
      const r = await request<{ projectSchool: SchoolView['projectSchool'] }>(
        `/schools/${school.id}/project-school`,
        { method: 'PUT', data: { declared } },
      );
      onChange(r.projectSchool);
      Taro.showToast({ title: messages.done, icon: 'success' });
    } catch {
      /* toast shown */
    } finally {
      setBusy(false);
    }
  };
  const state = school.projectSchool ?? 'none';
  return (
    <Section title={messages.title}>
      <View className="kv" data-field="projectSchool">
        <Text className="kv-key wrap">{messages.question}</Text>
        <Text className="kv-value">{messages.states[state]}</Text>
      </View>
      {state === 'confirmed' ? (
        <Text className="muted pad block">{messages.confirmedNote}</Text>
      ) : (
        <View className="button-row">
          <Button
            size="large"
            type={state === 'none' ? 'primary' : 'default'}
            disabled={busy}
            onClick={() => declare(state === 'none')}
          >
            {state === 'none' ? messages.declare : messages.withdraw}
          </Button>
        </View>
      )}
    </Section>
  );
}
