// Small SVG charting for the live page: scales (linear or log), axes, and the zoom that keeps a
// few outliers from squeezing the frontier into a corner. No libraries; everything is served from
// the jar so the page works offline.
window.HilPlot = (function () {
  const NS = 'http://www.w3.org/2000/svg';

  function el(name, attrs, parent, text) {
    const e = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }

  function quantile(sorted, q) {
    const pos = (sorted.length - 1) * q, lo = Math.floor(pos);
    const hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  }

  // Tukey's fences: a value beyond 1.5 interquartile ranges from the middle half is an outlier.
  // Fewer than 4 values have no meaningful quartiles, so none of them is an outlier.
  function fences(values) {
    if (values.length < 4) return [-Infinity, Infinity];
    const s = [...values].sort((a, b) => a - b);
    const q1 = quantile(s, 0.25), q3 = quantile(s, 0.75), k = 1.5 * (q3 - q1);
    return [q1 - k, q3 + k];
  }

  // A scale from data values to pixels over [from, to]. With zoom, the domain is the extent of the
  // frontier's values inside the fences, if the outliers would squeeze those into less than half
  // the axis; what lies outside the domain is drawn clipped to its edge (see clipped).
  function scale(frontierValues, allValues, opts) {
    const log = opts.log && allValues.every(v => v > 0);
    const t = log ? Math.log10 : v => v;
    let shown = opts.zoom ? frontierValues.map(t) : allValues.map(t);
    if (opts.zoom) {
      const [lo, hi] = fences(shown);
      const inliers = shown.filter(v => v >= lo && v <= hi);
      const span = vs => Math.max(...vs) - Math.min(...vs);
      if (span(inliers) < 0.5 * span(shown)) shown = inliers;
    }
    let d0 = Math.min(...shown), d1 = Math.max(...shown);
    const pad = (d1 - d0) * 0.05 || Math.abs(d0) * 0.1 || 1;
    d0 -= pad; d1 += pad;
    if (!log && !opts.zoom && d0 < 0 && Math.min(...allValues) >= 0) d0 = 0;
    const f = v => opts.from + ((t(v) - d0) / (d1 - d0)) * (opts.to - opts.from);
    f.log = log;
    f.inside = v => { const u = t(v); return u >= d0 - 1e-12 && u <= d1 + 1e-12; };
    f.clamped = v => Math.min(Math.max(f(v), Math.min(opts.from, opts.to)), Math.max(opts.from, opts.to));
    f.ticks = () => ticks(d0, d1, log).map(u => (log ? Math.pow(10, u) : u));
    // as many decimals as the tick step needs, so that close ticks read apart (3.362, 3.364)
    const decimals = log ? null : Math.min(6, Math.max(0, -Math.floor(Math.log10(niceStep((d1 - d0) / 5)))));
    f.format = v => (log ? fmt(v) : v.toFixed(decimals));
    return f;
  }

  function ticks(d0, d1, log) {
    if (log) {
      const out = [];
      for (let k = Math.floor(d0); k <= Math.ceil(d1); k++) {
        for (const m of [1, 2, 5]) {
          const u = k + Math.log10(m);
          if (u >= d0 && u <= d1) out.push(u);
        }
      }
      if (out.length > 8) return out.filter(u => Math.abs(u - Math.round(u)) < 1e-9); // decades only
      return out.length >= 2 ? out : [d0, d1];
    }
    const step = niceStep((d1 - d0) / 5);
    const out = [];
    for (let v = Math.ceil(d0 / step) * step; v <= d1 + 1e-9; v += step) out.push(v);
    return out;
  }

  function niceStep(raw) {
    const p = Math.pow(10, Math.floor(Math.log10(raw)));
    const m = raw / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
  }

  const fmt = v => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? +v.toPrecision(3) + '' : +v.toPrecision(2) + '');

  // Axes and labels inside the margins m of a w x h chart.
  function axes(svg, x, y, w, h, m, xLabel, yLabel) {
    const g = el('g', { class: 'axis' }, svg);
    el('line', { x1: m.left, y1: h - m.bottom, x2: w - m.right, y2: h - m.bottom }, g);
    el('line', { x1: m.left, y1: m.top, x2: m.left, y2: h - m.bottom }, g);
    for (const v of x.ticks()) {
      el('line', { class: 'grid', x1: x(v), y1: m.top, x2: x(v), y2: h - m.bottom }, g);
      el('text', { x: x(v), y: h - m.bottom + 16, 'text-anchor': 'middle' }, g, x.format(v));
    }
    for (const v of y.ticks()) {
      el('line', { class: 'grid', x1: m.left, y1: y(v), x2: w - m.right, y2: y(v) }, g);
      el('text', { x: m.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, g, y.format(v));
    }
    el('text', { class: 'label', x: (w + m.left) / 2, y: h - 6, 'text-anchor': 'middle' }, svg,
      xLabel + (x.log ? ' (log)' : ''));
    el('text', { class: 'label', x: 12, y: h / 2, transform: `rotate(-90 12 ${h / 2})`, 'text-anchor': 'middle' },
      svg, yLabel + (y.log ? ' (log)' : ''));
  }

  // A point outside the view: a triangle on the edge of the view, its tip pointing the way the
  // point lies.
  function clipped(parent, x, y, v, cls) {
    const px = x.clamped(v[0]), py = y.clamped(v[1]);
    let dx = Math.sign(x(v[0]) - px), dy = Math.sign(y(v[1]) - py);
    const n = Math.hypot(dx, dy) || 1, s = 6;
    dx /= n; dy /= n;
    const pts = [[px + dx * s, py + dy * s],
      [px - dx * s - dy * s, py - dy * s + dx * s],
      [px - dx * s + dy * s, py - dy * s - dx * s]];
    return el('polygon', { class: cls + ' clipped', points: pts.map(p => p.map(c => c.toFixed(1)).join(',')).join(' ') }, parent);
  }

  return { el, scale, axes, clipped, fences, fmt };
})();
