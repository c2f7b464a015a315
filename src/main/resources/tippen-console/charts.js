import { html, useEffect, useRef } from './lib.js';
import { isCompany } from './format.js';

/** A uPlot time series that is created once and then only fed new data. */
function Series({ title, data, width = 330, height = 150, bars = false }) {
  const box = useRef(null);
  const plot = useRef(null);
  useEffect(() => {
    const U = window.uPlot;
    if (!U || !box.current) return undefined;
    plot.current = new U({
      width, height, title,
      scales: {
        // Always the last hour, so a chart with few samples still reads as a timeline.
        x: { time: true, range: () => { const t = Date.now() / 1000; return [t - 3600, t + 30]; } },
        y: { range: (u, min, max) => [0, Math.max(1, max)] },
      },
      legend: { show: false },
      series: [{}, bars
        ? { stroke: '#2563eb', fill: 'rgba(37,99,235,0.35)', paths: U.paths.bars({ size: [0.8, 20] }), points: { show: false } }
        : { stroke: '#2563eb', width: 2, points: { show: false } }],
      // Whole numbers only: there is no half a visitor.
      axes: [{}, { size: 40, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000] }],
    }, data, box.current);
    return () => plot.current && plot.current.destroy();
  }, []);
  useEffect(() => {
    if (plot.current) plot.current.setData(data);
  }, [data]);
  return html`<figure class="chart" ref=${box} aria-label=${title}></figure>`;
}

function Top({ title, rows }) {
  const max = rows.length ? rows[0][1] : 1;
  return html`<figure class="top" aria-label=${title}><figcaption>${title}</figcaption>
    ${rows.length === 0 ? html`<p class="sub">Nobody yet.</p>` : html`<ol>
      ${rows.map(([k, n]) => html`<li><span class="bar" style=${{ width: Math.max(4, (100 * n) / max) + '%' }}></span>
        <span class="k">${k}</span><span class="n">${n}</span></li>`)}</ol>`}</figure>`;
}

function top(values, keyOf, n) {
  const counts = new Map();
  for (const v of values) {
    const k = keyOf(v);
    if (k) counts.set(k, (counts.get(k) || 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
}

function pagePath(url) {
  try {
    const u = new URL(url);
    return u.host + u.pathname;
  } catch (e) {
    return url;
  }
}

/** The top lists, recomputed at most once a second: on a busy site every frame brings updates. */
function useTopLists(live) {
  const cache = useRef({ at: 0, pages: [], companies: [] });
  const now = Date.now();
  if (now - cache.current.at >= 1000) {
    const values = [...live.visitors.values()];
    cache.current = {
      at: now,
      pages: top(values, (v) => v.url && pagePath(v.url), 8),
      companies: top(values, (v) => isCompany(v) && v.company, 8),
    };
  }
  return cache.current;
}

export function Charts({ live, version }) {
  const lists = useTopLists(live);
  const online = live.online;
  const onlineData = [online.map((s) => s[0]), online.map((s) => s[1])];
  const nowMin = Math.floor(Date.now() / 60000);
  const minutes = live.pageViews.map((_, i) => (nowMin - (live.pageViews.length - 1 - i)) * 60);
  return html`<section class="charts" aria-labelledby="charts-heading">
    <h2 id="charts-heading">Now <span class="big">${live.visitors.size}</span> <span class="sub">online</span></h2>
    <div class="chart-row">
      <${Series} title="Visitors online, last 60 min" data=${onlineData} />
      <${Series} title="Page views a minute, last 60 min" data=${[minutes, [...live.pageViews]]} bars=${true} />
      <${Top} title="Top pages now" rows=${lists.pages} />
      <${Top} title="Top companies now" rows=${lists.companies} />
    </div>
  </section>`;
}
