// The period a region page shows: the one the region works on now, or the one being reported up
// when that differs (outside the windows the working quarter is still empty; last quarter's figures
// are what people look at). Hidden when both are the same. `pending` puts the count of waiting items
// (services/region.ts Worklist) on each period's tab.
import { periodLabel } from '@eduprogress/shared';
import Segments from './Segments';

const messages = {
  working: (p: string) => `${periodLabel(p)}（本期）`,
  reported: (p: string) => `${periodLabel(p)}（上报期）`,
};

export default function PeriodSwitch(p: {
  working: string;
  reported: string;
  value: string;
  onChange: (period: string) => void;
  pending?: Record<string, number>;
}) {
  if (p.working === p.reported) return null;
  return (
    <Segments
      name="period"
      items={[
        { key: p.working, text: messages.working(p.working), badge: p.pending?.[p.working] },
        { key: p.reported, text: messages.reported(p.reported), badge: p.pending?.[p.reported] },
      ]}
      value={p.value}
      onChange={p.onChange}
    />
  );
}
