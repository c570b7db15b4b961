// Small time-series charts drawn as SVG: one polyline per series, no library.
import { h, svg } from './dom.js';

const COLORS = ['#2563eb', '#16a34a', '#dc2626', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];

/**
 * points: [{t (ms), values: {series: number}}]; draws the last points as lines over time. marks: [{t (ms), label}],
 * drawn as dashed vertical lines where they fall within the chart's time (anomalies flagged, for instance).
 */
export function lineChart(title, points, { width = 320, height = 110, marks = [] } = {}) {
  const names = [...new Set(points.flatMap(p => Object.keys(p.values)))].sort();
  const box = h('figure', { class: 'chart' }, h('figcaption', {}, title));
  if (points.length < 2) {
    box.append(h('p', { class: 'muted' }, 'collecting samples...'));
    return box;
  }
  const t0 = points[0].t;
  const t1 = points[points.length - 1].t;
  const max = Math.max(1, ...points.flatMap(p => Object.values(p.values)));
  const x = t => 4 + (width - 8) * (t - t0) / Math.max(1, t1 - t0);
  const y = v => height - 14 - (height - 22) * v / max;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title });
  chart.append(svg('text', { x: 2, y: 10, class: 'axis' }, document.createTextNode(String(max))));
  chart.append(svg('line', { x1: 0, x2: width, y1: y(0), y2: y(0), class: 'base' }));
  names.forEach((name, i) => {
    const d = points.map(p => `${x(p.t).toFixed(1)},${y(p.values[name] ?? 0).toFixed(1)}`).join(' ');
    chart.append(svg('polyline', { points: d, fill: 'none', stroke: COLORS[i % COLORS.length], 'stroke-width': 1.8,
      'data-series': name }));
  });
  marks.filter(m => m.t >= t0 && m.t <= t1).forEach(m => {
    const line = svg('line', { x1: x(m.t), x2: x(m.t), y1: 12, y2: y(0), class: 'mark', 'data-mark': m.label });
    line.append(svg('title', {}, document.createTextNode(m.label)));
    chart.append(line);
  });
  chart.append(svg('text', { x: 2, y: height - 2, class: 'axis' },
    document.createTextNode(new Date(t0).toLocaleTimeString() + ' - ' + new Date(t1).toLocaleTimeString())));
  box.append(chart, h('ul', { class: 'legend' }, names.map((name, i) =>
    h('li', {}, h('span', { class: 'swatch', style: `background:${COLORS[i % COLORS.length]}` }),
      name + ' ' + (points[points.length - 1].values[name] ?? 0)))));
  return box;
}
