/**
 * NHS colours for charts, read from the CSS variables declared once in styles.css: SVG attributes
 * drawn by a chart library need the colour itself, not a `var()`.
 */
export type ChartColour =
  'blue' | 'dark-blue' | 'light-blue' | 'aqua-green' | 'green' | 'red' | 'dark-pink' | 'grey-3' | 'text';

export function nhsColour(name: ChartColour): string {
  return getComputedStyle(document.documentElement).getPropertyValue(`--nhs-${name}`).trim();
}

/** Room for a chart's labels down its left side, in pixels: at most `share` of its width. */
export function labelMargin(labels: readonly string[], width: number, share = 0.4): number {
  const longest = Math.max(0, ...labels.map((label) => label.length));
  return Math.round(Math.min(width * share, 16 + 7.6 * longest));
}

/** A label cut to what fits in `margin` pixels, with an ellipsis (the table beside the chart has it whole). */
export function fitLabel(label: string, margin: number): string {
  const fits = Math.floor((margin - 16) / 7.6);
  return label.length <= fits ? label : `${label.slice(0, Math.max(1, fits - 1)).trimEnd()}…`;
}

/** How many ticks an axis of counts up to `max` should have: whole numbers only. */
export const countTicks = (max: number, most = 8): number => Math.max(1, Math.min(max, most));

/** One point a chart can be read at (ProgressChart): where it is along the chart, and what it says there. */
export interface ChartPoint {
  x: Date;
  text: string;
}
