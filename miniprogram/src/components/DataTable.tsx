// A table for narrow screens: a name column (drillable rows) and figure columns; the table scrolls
// sideways inside its card so nothing reaches past the screen edge.
import './kit.css';
import { ScrollView, View, Text } from '@tarojs/components';
import type { ReactNode } from 'react';

export interface Column<T> {
  key: string;
  title: string;
  render: (row: T) => ReactNode;
  /** Width in design px (750-wide). */
  width?: number;
}

export interface DataTableProps<T> {
  rows: T[];
  rowKey: (row: T) => string;
  /** The first, fixed column. */
  name: Column<T>;
  columns: Column<T>[];
  /** Rows that can be tapped (drill-down). */
  onRow?: (row: T) => void;
  canTap?: (row: T) => boolean;
  /** A highlighted first row (the region's own total). */
  total?: T;
}

export default function DataTable<T>(p: DataTableProps<T>) {
  const line = (row: T, cls: string) => {
    const tappable = p.onRow && (p.canTap?.(row) ?? true);
    return (
      <View
        key={`${cls}-${p.rowKey(row)}`}
        className={`dt-row ${cls}${tappable ? ' dt-tap' : ''}`}
        data-row={p.rowKey(row)}
        onClick={() => tappable && p.onRow!(row)}
      >
        <View className="dt-name">{p.name.render(row)}</View>
        {p.columns.map((c) => (
          <View key={c.key} className="dt-cell" style={{ width: `${(c.width ?? 150) / 2}px` }}>
            {c.render(row)}
          </View>
        ))}
      </View>
    );
  };
  return (
    <View className="dt">
      <ScrollView scrollX className="dt-scroll">
        <View className="dt-inner">
          <View className="dt-row dt-head">
            <View className="dt-name">
              <Text>{p.name.title}</Text>
            </View>
            {p.columns.map((c) => (
              <View key={c.key} className="dt-cell" style={{ width: `${(c.width ?? 150) / 2}px` }}>
                <Text>{c.title}</Text>
              </View>
            ))}
          </View>
          {p.total && line(p.total, 'dt-total')}
          {p.rows.map((r) => line(r, 'dt-body'))}
        </View>
      </ScrollView>
    </View>
  );
}
