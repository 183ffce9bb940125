import type * as PlotModule from '@observablehq/plot';

/** Observable Plot, as the charts draw with it. */
export type PlotLibrary = typeof PlotModule;

let loading: Promise<PlotLibrary> | undefined;

/**
 * Observable Plot, loaded once, on its own: the progress page asks for it as it opens, so it arrives
 * while the figures are counted rather than before the page can ask for them.
 */
export const loadPlot = (): Promise<PlotLibrary> => (loading ??= import('@observablehq/plot'));
