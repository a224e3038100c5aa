import type { TrafficView } from '../shared/incident-types.js';
import { api } from './api.js';
import { h } from './dom.js';
import { chartShelf } from './traffic-chart.js';

/**
 * The small traffic chart of each account card on the health page (`/api/traffic`): charts survive the
 * page's re-renders (one uPlot instance per account, updated in place).
 */
export function accountCharts() {
  const shelf = chartShelf({ width: 300, height: 120, compact: true });
  let traffic: TrafficView | undefined;
  return {
    async refresh() {
      try {
        traffic = await api.traffic();
      } catch (error) {
        console.warn('traffic refresh failed', error);
      }
    },
    /** Fills the cards' chart slots (`[data-chart-account="channel:id"]`). */
    attach(root: HTMLElement) {
      const keys = new Set<string>();
      for (const slot of root.querySelectorAll<HTMLElement>('[data-chart-account]')) {
        const key = slot.dataset.chartAccount ?? '';
        const series = traffic?.accounts.find((s) => `${s.channel}:${s.accountId}` === key);
        if (!series) continue;
        keys.add(key);
        slot.replaceChildren(
          h(
            'p',
            { class: 'muted chart-caption' },
            `Inbound per ${Math.round(series.bucketMs / 1000)} s vs expected band`,
          ),
          shelf.show(key, series),
        );
      }
      if (traffic) shelf.keep(keys);
    },
  };
}
