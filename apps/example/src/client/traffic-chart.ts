import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { TrafficSeriesView } from '../shared/incident-types.js';
import { h } from './dom.js';

/** The chart element; `uplot` is the live instance (devtools and the browser tests read it). */
export type TrafficChartElement = HTMLDivElement & { uplot?: uPlot };

const COLORS = {
  observed: '#4f46e5',
  expected: '#64748b',
  band: 'rgba(100, 116, 139, 0.18)',
  raised: '#dc2626',
  cleared: '#16a34a',
  incident: 'rgba(220, 38, 38, 0.10)',
};

/** uPlot's columns: x in seconds, then observed, expected, 5 % and 95 % of the expected count. */
function columns(s: TrafficSeriesView): uPlot.AlignedData {
  return [
    s.times.map((t) => t / 1000),
    s.observed,
    s.expected.map((x) => Math.round(x * 100) / 100),
    s.low,
    s.high,
  ];
}

const steps = uPlot.paths.stepped?.({ align: 1 });

/** Start (s) of the first bucket the watch kept, or of the window when it kept them all. */
function firstKept(s: TrafficSeriesView): number {
  const i = s.observed.findIndex((v) => v !== null);
  const at = s.times[Math.max(0, Math.min(i, s.times.length - 2))] ?? 0;
  return at / 1000;
}

/**
 * Alarm events as vertical lines (red raised, green cleared) and incidents as shaded spans, drawn on
 * the plot's canvas; how many were drawn inside the plot is kept on the element (`data-marks-drawn`).
 */
function marksPlugin(get: () => TrafficSeriesView, el: HTMLElement): uPlot.Plugin {
  return {
    hooks: {
      drawAxes: (u) => {
        const s = get();
        const { ctx, bbox } = u;
        let drawn = 0;
        ctx.save();
        ctx.fillStyle = COLORS.incident;
        for (const i of s.incidents) {
          const from = u.valToPos(i.startedAt / 1000, 'x', true);
          const to = u.valToPos((i.resumedAt ?? i.closedAt ?? Date.now()) / 1000, 'x', true);
          const left = Math.max(bbox.left, from);
          const right = Math.min(bbox.left + bbox.width, to);
          if (right <= left) continue;
          ctx.fillRect(left, bbox.top, right - left, bbox.height);
          drawn++;
        }
        ctx.restore();
        el.dataset.incidentsDrawn = String(drawn);
      },
      draw: (u) => {
        const s = get();
        const { ctx, bbox } = u;
        let drawn = 0;
        ctx.save();
        ctx.lineWidth = 2 * devicePixelRatio;
        for (const a of s.alarms) {
          const x = u.valToPos(a.at / 1000, 'x', true);
          if (x < bbox.left || x > bbox.left + bbox.width) continue;
          ctx.strokeStyle = a.state === 'raised' ? COLORS.raised : COLORS.cleared;
          ctx.setLineDash(a.state === 'raised' ? [] : [4 * devicePixelRatio, 3 * devicePixelRatio]);
          ctx.beginPath();
          ctx.moveTo(Math.round(x), bbox.top);
          ctx.lineTo(Math.round(x), bbox.top + bbox.height);
          ctx.stroke();
          drawn++;
        }
        ctx.restore();
        el.dataset.marksDrawn = String(drawn);
      },
    },
  };
}

/**
 * A chart of one series: received per bucket (line) against the expected count (dashed) and its
 * 5–95 % band (shaded), alarms and incidents marked. `update` keeps the instance (no flicker on refresh).
 */
export function trafficChart(
  initial: TrafficSeriesView,
  size: { width: number; height: number; compact?: boolean },
) {
  let current = initial;
  const el = h('div', {
    class: `traffic-chart${size.compact ? ' compact' : ''}`,
    'data-chart': `${initial.channel}:${initial.accountId ?? `app:${initial.appId}`}`,
  }) as TrafficChartElement;
  const per = `per ${Math.round(initial.bucketMs / 1000)} s`;
  const chart = new uPlot(
    {
      width: size.width,
      height: size.height,
      legend: { show: !size.compact },
      cursor: { drag: { x: false, y: false } },
      scales: {
        // From the first bucket with history (a fresh start shows its first minutes, not an empty window).
        x: {
          time: true,
          // At least 12 buckets wide, so a fresh start still reads as minutes on the axis.
          range: (_u, min, max) => [
            Math.max(min, Math.min(firstKept(current), max - (12 * current.bucketMs) / 1000)),
            max,
          ],
        },
        y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] },
      },
      axes: [{ size: size.compact ? 28 : 40 }, { size: size.compact ? 30 : 44 }],
      // Counts per bucket: steps that hold over the bucket they count.
      series: [
        {},
        { label: `received ${per}`, stroke: COLORS.observed, width: 2, spanGaps: false, paths: steps },
        {
          label: 'expected',
          stroke: COLORS.expected,
          width: 1,
          dash: [5, 4],
          points: { show: false },
          paths: steps,
        },
        { label: '5 %', stroke: 'transparent', points: { show: false }, paths: steps },
        { label: '95 %', stroke: 'transparent', points: { show: false }, paths: steps },
      ],
      bands: [{ series: [4, 3], fill: COLORS.band }],
      plugins: [marksPlugin(() => current, el)],
    },
    columns(initial),
    el,
  );
  el.uplot = chart;
  el.dataset.buckets = String(initial.times.length);
  return {
    el,
    update(next: TrafficSeriesView) {
      current = next;
      el.dataset.buckets = String(next.times.length);
      chart.setData(columns(next));
    },
    destroy() {
      chart.destroy();
    },
  };
}

/** Charts kept by key across re-renders of a page: created once, then updated in place. */
export function chartShelf(size: { width: number; height: number; compact?: boolean }) {
  const charts = new Map<string, ReturnType<typeof trafficChart>>();
  return {
    /** The chart element for a series (created or updated). */
    show(key: string, series: TrafficSeriesView): TrafficChartElement {
      const existing = charts.get(key);
      if (existing) {
        existing.update(series);
        return existing.el;
      }
      const created = trafficChart(series, size);
      charts.set(key, created);
      return created.el;
    },
    /** Drops charts whose series are gone. */
    keep(keys: ReadonlySet<string>) {
      for (const [key, chart] of charts)
        if (!keys.has(key)) {
          chart.destroy();
          charts.delete(key);
        }
    },
  };
}
