// A report's transitions, newest first: 填报中 → 已上报, when, and why (returns, withdrawals).
import { View, Text } from '@tarojs/components';
import { REPORT_STATE_LABELS, type ReportState } from '@eduprogress/shared';
import { formatTime } from '../services/periods';
import Section from './Section';

const messages = { none: '暂无记录' };

export default function ReportHistory(p: {
  title: string;
  history: { at: string; from: ReportState | null; to: ReportState; reason?: string }[];
}) {
  return (
    <Section title={p.title}>
      {p.history.length ? (
        [...p.history].reverse().map((h, i) => (
          <View key={`${h.at}-${i}`} className="row">
            <View className="row-main">
              <Text className="row-title">
                {h.from ? `${REPORT_STATE_LABELS[h.from]} → ` : ''}
                {REPORT_STATE_LABELS[h.to]}
              </Text>
              <Text className="muted">
                {formatTime(h.at)}
                {h.reason ? ` · ${h.reason}` : ''}
              </Text>
            </View>
          </View>
        ))
      ) : (
        <Text className="muted pad block">{messages.none}</Text>
      )}
    </Section>
  );
}
