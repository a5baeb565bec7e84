// Bar and line charts for both targets through VisActor's Taro binding (@visactor/taro-vchart: a
// canvas in WeChat, a DOM canvas in H5). Only the bar and line charts are imported, so the weapp bundle
// carries those two. Data comes in as labelled points; labels longer than the axis allows are cut with "…";
// bars run horizontally, one row per point, so their labels never overlap on a phone.
import './kit.css';
import { View, Text } from '@tarojs/components';
import { useRef } from 'react';
import { BarChart } from '@visactor/taro-vchart/esm/charts/BarChart';
import { LineChart } from '@visactor/taro-vchart/esm/charts/LineChart';
import { barValueAxis } from './chart-room';

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
  /** Height in px on a 375-wide screen (bars: at least one 26 px row per point). */
  height?: number;
  /** Shown above the chart. */
  title?: string;
  /** Tap on a bar: its index in `points`. */
  onPick?: (index: number) => void;
}

let chartSeq = 0;
const BLUE = '#1a5fd0';

/** Height in px of one horizontal bar's row, and of the axis below the bars. */
const BAR_ROW = 26;
const BAR_AXIS = 36;

/** A chart's height on a 375-wide screen: bars one row each (nothing overlaps), lines `height ?? 220`. */
export function chartHeight(p: Pick<ChartProps, 'kind' | 'points' | 'height'>): number {
  if (p.kind === 'bar') return Math.max(p.height ?? 0, p.points.length * BAR_ROW + BAR_AXIS);
  return p.height ?? 220;
}

/**
 * The VChart spec of one chart (exported for tests and for both targets alike). Bars are horizontal:
 * a region name per row on the left (cut with "…" past 96 px), its figure at the bar's end, so names
 * and figures never overlap however many regions there are (upright bars on 375 px ran both into their
 * neighbours). Lines label every point and hide a label that would hit another one.
 */
export function chartSpec(p: Pick<ChartProps, 'kind' | 'points' | 'unit'>) {
  const values = p.points.map((pt, i) => ({ i: String(i), label: pt.label, value: pt.value }));
  const suffix = p.unit === '%' ? '%' : '';
  const format = (v: unknown) => {
    const n = typeof v === 'number' ? v : Number(v);
    return v === null || v === '' || !Number.isFinite(n) ? '' : `${n}${suffix}`;
  };
  const small = { fontSize: 10 };
  const common = {
    data: [{ id: 'points', values }],
    animation: false,
    // Every figure is labelled on the chart, so no tooltip shows. The tooltip component still builds its
    // handler on a tap or a spec update: VChart's default `renderMode: 'html'` asks for the DOM handler,
    // which taro-vchart does not register (its cartesian charts register only the canvas one), and that
    // logged "Can not find tooltip handler: dom" in H5; the canvas handler is there on both targets.
    tooltip: { visible: false, renderMode: 'canvas' as const },
    color: [BLUE],
  };
  if (p.kind === 'bar')
    return {
      ...common,
      type: 'bar',
      direction: 'horizontal',
      xField: 'value',
      yField: 'label',
      // Room on the right for the longest figure ("100%") at the end of a full bar.
      padding: { top: 4, right: 40, bottom: 4, left: 4 },
      barMaxWidth: 16,
      axes: [
        { orient: 'left', type: 'band', maxWidth: 96, label: { autoLimit: true, style: small } },
        // Past the largest figure, so its label stays clear of the longest bar.
        barValueAxis(format, small),
      ],
      label: { visible: true, position: 'outside', style: small, formatMethod: format },
    };
  return {
    ...common,
    type: 'line',
    xField: 'label',
    yField: 'value',
    padding: { top: 20, right: 24, bottom: 4, left: 4 },
    // A null point (no data) is a gap in the line, never a 0.
    invalidType: 'break',
    axes: [
      {
        orient: 'bottom',
        // Every point keeps its label (the last one too; `sampling` would drop every other one): callers
        // pass short ones (`26年3季`), tilted when they do not fit side by side; none is hidden.
        sampling: false,
        label: { autoRotate: true, autoRotateAngle: [0, 45, 90], autoHide: false, style: small },
      },
      { orient: 'left', label: { style: small, formatMethod: format } },
    ],
    point: { style: { size: 6 } },
    label: {
      visible: true,
      style: small,
      formatMethod: format,
      overlap: { hideOnHit: true, avoidBaseMark: true },
    },
  };
}

/** A titled chart; nothing drawn when there are no points. */
export default function Chart(p: ChartProps) {
  const id = useRef(`chart-${++chartSeq}`);
  const spec = chartSpec(p);
  const height = chartHeight(p);
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
