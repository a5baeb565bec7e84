// Room at the end of horizontal bars for their figures (Chart.tsx). VChart keeps every label inside the
// plot area: a figure placed after the longest bar, reaching the axis end, was pushed back over the bar.

/** The value axis runs this fraction past the largest figure, so its label fits after the bar's end. */
export const BAR_LABEL_ROOM = 0.25;

/**
 * The value (bottom) axis of a horizontal bar chart: linear from zero, extended by {@link BAR_LABEL_ROOM}
 * past the largest figure; tick labels formatted with `format` in `style`, hidden where they would collide.
 */
export function barValueAxis(format: (v: unknown) => string, style: Record<string, unknown>) {
  return {
    orient: 'bottom' as const,
    type: 'linear' as const,
    zero: true,
    expand: { max: BAR_LABEL_ROOM },
    label: { style, formatMethod: format, autoHide: true },
  };
}
