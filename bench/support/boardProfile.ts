import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { timeNavigation, type ViewCondition, type ViewTiming } from './boardBrowser.ts';
import { repoRoot } from './servers.ts';

/**
 * Where a view's load spends its time: a CPU profile of the page's JavaScript (attributed to the
 * client's modules through the source maps of an unminified build) and a Chrome trace of the
 * renderer's main thread (script, style, layout, paint, garbage collection).
 */

export interface CpuProfileSummary {
  file: string;
  sampledMs: number;
  /** Self time by module, largest first. */
  byModule: { module: string; selfMs: number }[];
  /** Time in a module including what it calls (each module once per stack), largest first. */
  byModuleTotal: { module: string; totalMs: number }[];
  /** Self time by function, largest first. */
  bySelf: { fn: string; selfMs: number }[];
  /** The app's own functions (client/ and shared/) including what they call, largest first. */
  byAppFunctionTotal: { fn: string; totalMs: number }[];
}

export interface TraceSummary {
  file: string;
  /** Time the renderer's main thread was busy during the load. */
  busyMs: number;
  byCategory: { category: string; ms: number }[];
  /** Self time by trace event, largest first. */
  byEvent: { event: string; selfMs: number }[];
}

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const round = (value: number): number => Number(value.toFixed(1));

function top<T>(map: Map<string, number>, make: (name: string, ms: number) => T, n: number): T[] {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, ms]) => make(name, round(ms)));
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** One source map's segments by generated line: the column each starts at and its source file. */
interface SourceIndex {
  sources: string[];
  lines: { col: number; source: number }[][];
}

function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      values.push(value & 1 ? -(value >> 1) : value >> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

function readSourceMap(file: string): SourceIndex {
  const map = JSON.parse(readFileSync(file, 'utf8')) as { sources: string[]; mappings: string };
  const lines: SourceIndex['lines'] = [];
  let source = 0;
  for (const text of map.mappings.split(';')) {
    const segments: { col: number; source: number }[] = [];
    let col = 0;
    for (const segment of text ? text.split(',') : []) {
      const [colDelta = 0, sourceDelta] = decodeVlq(segment);
      col += colDelta;
      if (sourceDelta === undefined) continue;
      source += sourceDelta;
      segments.push({ col, source });
    }
    lines.push(segments);
  }
  const sources = map.sources.map((source) =>
    path.relative(repoRoot, path.resolve(path.dirname(file), source)).replace(/^node_modules\//, ''),
  );
  return { sources, lines };
}

/** The source file of a position in a built chunk, from the chunk's source map. */
function sourceLookup(clientDir: string): (url: string, line: number, col: number) => string | null {
  const maps = new Map<string, SourceIndex | null>();
  return (url, line, col) => {
    const chunk = url.split('/').pop()?.split('?')[0] ?? '';
    if (!maps.has(chunk)) {
      const file = path.join(clientDir, 'assets', `${chunk}.map`);
      maps.set(chunk, existsSync(file) ? readSourceMap(file) : null);
    }
    const index = maps.get(chunk);
    if (!index) return null;
    // The segment at or before the position, looking back over earlier lines if need be.
    for (let l = Math.min(line, index.lines.length - 1); l >= 0; l--) {
      const segments = index.lines[l]!;
      for (let i = segments.length - 1; i >= 0; i--) {
        if (l < line || segments[i]!.col <= col) return index.sources[segments[i]!.source] ?? null;
      }
    }
    return null;
  };
}

/** Summarises a CPU profile of a page served from the client build in `clientDir` (with source maps). */
export function summariseProfile(profile: CpuProfile, clientDir: string, file: string): CpuProfileSummary {
  const lookup = sourceLookup(clientDir);
  const moduleOf = (node: CpuProfileNode): string => {
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    if (!url) return functionName.startsWith('(') ? functionName : '(native)';
    return lookup(url, lineNumber, columnNumber) ?? url.split('/').pop() ?? url;
  };
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
  }
  const bySelf = new Map<string, number>();
  const byModule = new Map<string, number>();
  for (const [id, ms] of self) {
    const node = nodes.get(id)!;
    const module = moduleOf(node);
    const name = node.callFrame.functionName || '(anonymous)';
    const key = node.callFrame.url ? `${name} ${module}:${node.callFrame.lineNumber + 1}` : name;
    bySelf.set(key, (bySelf.get(key) ?? 0) + ms);
    byModule.set(module, (byModule.get(module) ?? 0) + ms);
  }
  // Inclusive time by module, and by app function: walk the call tree, counting each once per stack.
  const byModuleTotal = new Map<string, number>();
  const byAppFunctionTotal = new Map<string, number>();
  const isApp = (module: string): boolean => module.startsWith('client/') || module.startsWith('shared/');
  const walk = (id: number, modules: Set<string>, functions: Set<string>): number => {
    const node = nodes.get(id)!;
    const module = moduleOf(node);
    const fn = isApp(module) ? `${node.callFrame.functionName || '(anonymous)'} ${module}` : null;
    const newModule = !modules.has(module);
    const newFn = fn !== null && !functions.has(fn);
    if (newModule) modules.add(module);
    if (newFn) functions.add(fn);
    let total = self.get(id) ?? 0;
    for (const child of node.children ?? []) total += walk(child, modules, functions);
    if (newModule) {
      modules.delete(module);
      if (!module.startsWith('(')) byModuleTotal.set(module, (byModuleTotal.get(module) ?? 0) + total);
    }
    if (newFn) {
      functions.delete(fn);
      byAppFunctionTotal.set(fn, (byAppFunctionTotal.get(fn) ?? 0) + total);
    }
    return total;
  };
  if (profile.nodes[0]) walk(profile.nodes[0].id, new Set(), new Set());
  return {
    file,
    sampledMs: round((profile.endTime - profile.startTime) / 1000),
    byModule: top(byModule, (module, selfMs) => ({ module, selfMs }), 15),
    byModuleTotal: top(byModuleTotal, (module, totalMs) => ({ module, totalMs }), 20),
    bySelf: top(bySelf, (fn, selfMs) => ({ fn, selfMs }), 15),
    byAppFunctionTotal: top(byAppFunctionTotal, (fn, totalMs) => ({ fn, totalMs }), 20),
  };
}

/**
 * Loads `url` with the CPU profiler running (sampling every 100 µs) until the view's condition
 * holds. The page first opens the site's own origin, so the load stays in the renderer the
 * profiler is attached to.
 */
export async function profileNavigation(
  page: Page,
  origin: string,
  url: string,
  condition: ViewCondition,
  timeoutMs: number,
): Promise<{ profile: CpuProfile; timing: ViewTiming }> {
  await page.goto(`${origin}/healthz`);
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
    const timing = await timeNavigation(page, url, condition, timeoutMs);
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
    return { profile, timing };
  } finally {
    await cdp.detach();
  }
}

const TRACE_CATEGORIES = [
  '-*',
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8.execute',
  'v8',
  'blink.user_timing',
];

/** Loads `url` with Chrome tracing on until the view's condition holds. */
export async function traceNavigation(
  browser: Browser,
  page: Page,
  origin: string,
  url: string,
  condition: ViewCondition,
  timeoutMs: number,
): Promise<{ trace: Buffer; timing: ViewTiming }> {
  await page.goto(`${origin}/healthz`);
  await browser.startTracing(page, { categories: TRACE_CATEGORIES });
  try {
    const timing = await timeNavigation(page, url, condition, timeoutMs);
    return { trace: await browser.stopTracing(), timing };
  } catch (error) {
    await browser.stopTracing().catch(() => undefined);
    throw error;
  }
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string };
}

const CATEGORY_OF: [RegExp, string][] = [
  [/GC|Sweep|Scavenge|Mark/i, 'garbage collection'],
  [/^(UpdateLayoutTree|RecalculateStyles|ParseAuthorStyleSheet|StyleInvalidator|ScheduleStyle)/, 'style'],
  [/^(Layout|UpdateLayerTree|HitTest|IntersectionObserver)/, 'layout'],
  [/^(Paint|PrePaint|Layerize|Commit|CompositeLayers|UpdateLayer|PaintImage|Decode)/, 'paint'],
  [/^ParseHTML/, 'HTML parsing'],
  [/[Cc]ompile|[Pp]arse(?!HTML)|CacheScript|produceCache|deserialize/, 'script compile'],
  [
    /^(FunctionCall|EvaluateScript|v8\.|V8\.|RunMicrotasks|TimerFire|FireAnimationFrame|EventDispatch|XHR|FireIdleCallback|RequestAnimationFrame)/,
    'script',
  ],
];

/** Summarises a Chrome trace: the busiest renderer main thread's time by event (self) and category. */
export function summariseTrace(buffer: Buffer, file: string): TraceSummary {
  const parsed = JSON.parse(buffer.toString('utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  const mainThreads = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  // Complete events per thread (B/E pairs made complete).
  const byThread = new Map<string, TraceEvent[]>();
  const open = new Map<string, TraceEvent[]>();
  const listOf = (map: Map<string, TraceEvent[]>, thread: string): TraceEvent[] => {
    let list = map.get(thread);
    if (!list) map.set(thread, (list = []));
    return list;
  };
  for (const event of events) {
    const thread = `${event.pid}:${event.tid}`;
    if (!mainThreads.has(thread)) continue;
    if (event.ph === 'X' && event.dur !== undefined) listOf(byThread, thread).push(event);
    else if (event.ph === 'B') listOf(open, thread).push(event);
    else if (event.ph === 'E') {
      const begin = open.get(thread)?.pop();
      if (begin) listOf(byThread, thread).push({ ...begin, dur: event.ts - begin.ts });
    }
  }
  let busiest: TraceEvent[] = [];
  let busiestMs = -1;
  for (const list of byThread.values()) {
    const ms = list.filter((e) => e.name === 'RunTask').reduce((sum, e) => sum + e.dur!, 0) / 1000;
    if (ms > busiestMs) {
      busiest = list;
      busiestMs = ms;
    }
  }
  // Self time: each event's duration less its children's.
  busiest.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const stack: { event: TraceEvent; children: number }[] = [];
  const selfByEvent = new Map<string, number>();
  const close = (entry: { event: TraceEvent; children: number }): void => {
    const selfMs = Math.max(0, entry.event.dur! - entry.children) / 1000;
    selfByEvent.set(entry.event.name, (selfByEvent.get(entry.event.name) ?? 0) + selfMs);
  };
  for (const event of busiest) {
    while (
      stack.length > 0 &&
      stack[stack.length - 1]!.event.ts + stack[stack.length - 1]!.event.dur! <= event.ts
    )
      close(stack.pop()!);
    const parent = stack[stack.length - 1];
    if (parent) parent.children += Math.min(event.dur!, parent.event.ts + parent.event.dur! - event.ts);
    stack.push({ event, children: 0 });
  }
  while (stack.length > 0) close(stack.pop()!);
  const byCategory = new Map<string, number>();
  for (const [name, ms] of selfByEvent) {
    const category = CATEGORY_OF.find(([pattern]) => pattern.test(name))?.[1] ?? `other (${name})`;
    const key = category.startsWith('other') ? 'other (tasks, scheduling)' : category;
    byCategory.set(key, (byCategory.get(key) ?? 0) + ms);
  }
  return {
    file,
    busyMs: round(Math.max(0, busiestMs)),
    byCategory: top(byCategory, (category, ms) => ({ category, ms }), 10),
    byEvent: top(selfByEvent, (event, selfMs) => ({ event, selfMs }), 12),
  };
}
