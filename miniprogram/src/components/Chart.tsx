// Bar and line charts for both targets through VisActor's Taro binding (@visactor/taro-vchart: a
// canvas in WeChat, a DOM canvas in H5). Only the bar and line charts are imported, so the weapp bundle
// carries those two. Data comes in as labelled points; labels longer than the axis allows are cut with "…".
import './kit.css';
import { View, Text } from '@tarojs/components';
import { useRef } from 'react';
import { BarChart } from '@visactor/taro-vchart/esm/charts/BarChart';
import { LineChart } from '@visactor/taro-vchart/esm/charts/LineChart';

export interface ChartPoint {
  /** Axis label (a region name, a period). */
  label: string;
  /** The figure; null draws nothing (a rate without a denominator). */
  value: number | null;
}

export interface ChartProps {
  kind: 'bar' | 'line';
  points: ChartPoint[];
  /** Appended to the figures on labels ("%", "所"). */
  unit?: string;
  /** Height in px on a 375-wide screen. */
  height?: number;
  /** Shown above the chart. */
  title?: string;
  /** Tap on a bar: its index in `points`. */
  onPick?: (index: number) => void;
}

let chartSeq = 0;
const BLUE = '#1a5fd0';

/** The VChart spec of one chart (exported for tests and for both targets alike). */
export function chartSpec(p: Pick<ChartProps, 'kind' | 'points' | 'unit'>) {
  const values = p.points.map((pt, i) => ({ i: String(i), label: pt.label, value: pt.value }));
  const suffix = p.unit === '%' ? '%' : '';
  const format = (v: unknown) => {
    const n = typeof v === 'number' ? v : Number(v);
    return v === null || v === '' || !Number.isFinite(n) ? '' : `${n}${suffix}`;
  };
  const common = {
    data: [{ id: 'points', values }],
    xField: 'label',
    yField: 'value',
    padding: { top: 16, right: 12, bottom: 4, left: 4 },
    animation: false,
    axes: [
      {
        orient: 'bottom',
        label: {
          autoLimit: true,
          autoRotate: true,
          autoRotateAngle: [0, 45],
          style: { fontSize: 10 },
        },
      },
      { orient: 'left', label: { style: { fontSize: 10 }, formatMethod: format } },
    ],
    // Every figure is labelled on the chart; the tooltip component is not registered (only BarChart and
    // LineChart are imported), and asking for it threw "Can not find tooltip handler" in H5.
    tooltip: { visible: false },
    color: [BLUE],
  };
  if (p.kind === 'bar')
    return {
      ...common,
      type: 'bar',
      barMaxWidth: 28,
      label: { visible: true, position: 'outside', style: { fontSize: 10 }, formatMethod: format },
    };
  return {
    ...common,
    type: 'line',
    point: { style: { size: 6 } },
    label: { visible: true, style: { fontSize: 10 }, formatMethod: format },
  };
}

/** A titled chart; nothing drawn when there are no points. */
export default function Chart(p: ChartProps) {
  const id = useRef(`chart-${++chartSeq}`);
  const spec = chartSpec(p);
  const height = p.height ?? 220;
  const events = p.onPick
    ? [
        {
          type: 'click' as const,
          handler: (e: any) => {
            const i = Number(e?.datum?.i);
            if (Number.isInteger(i)) p.onPick!(i);
          },
        },
      ]
    : undefined;
  const Impl: any = p.kind === 'bar' ? BarChart : LineChart;
  return (
    <View className="chart" data-chart={p.kind}>
      {p.title && <Text className="chart-title">{p.title}</Text>}
      {p.points.length > 0 && (
        <Impl
          canvasId={id.current}
          spec={spec}
          events={events}
          style={{ width: '100%', height: `${height}px` }}
        />
      )}
    </View>
  );
}
