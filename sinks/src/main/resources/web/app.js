// The live page: a target's Pareto plot and frontier table, hypervolume over time, the latency
// model's card and the search's progress. Follows the frontier over the event stream, and polls
// the JSON API instead where the stream is refused, dropped, or asked not to be used (?live=poll).
// ?live=0 draws once and stays still (screenshots, dumps).
(function () {
  const { el, scale, axes, clipped, fmt } = window.HilPlot;
  const $ = id => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  const mode = params.get('live'); // '0': still, 'poll': polling only, else the event stream
  const POLL_MS = 5000, PANELS_MS = 10000, STREAM_WAIT_MS = 10000, STREAM_ERRORS = 3;
  let frontier = null, events = null, timers = [], announced = null;

  if (params.get('zoom') === '0') $('zoom').checked = false;
  if (params.get('log') === '1') $('log').checked = true;

  async function json(url) {
    const r = await fetch(url, { cache: 'no-store' });
    if (!r.ok) {
      let message = r.statusText;
      try { message = (await r.json()).error || message; } catch (e) { /* not JSON */ }
      const error = new Error(message);
      error.status = r.status;
      throw error;
    }
    return r.json();
  }

  const enc = encodeURIComponent;
  const target = () => $('target').value;
  const objective = () => $('objective').value;
  const params1 = p => (p.candidate.params / 1e6).toFixed(1) + 'M';
  const interval = p => (p.low != null ? `${p.low.toFixed(2)}–${p.high.toFixed(2)}` : '');

  function summary(p) {
    const c = p.candidate;
    const heads = c.nHeads !== undefined ? `${c.nHeads}/${c.nKvHeads} heads, ffn ${c.ffnDim}` : 'per-layer widths';
    return `${c.layers} layers, d ${c.dModel}, ${heads}, ${c.attention}${c.window ? ' window ' + c.window : ''}`;
  }

  // ---- the plot --------------------------------------------------------------------------
  const W = 960, H = 500, M = { left: 64, right: 24, top: 16, bottom: 44 };

  function drawPlot(f) {
    const svg = $('plot');
    svg.replaceChildren();
    const others = f.others || [], all = f.points.concat(others);
    if (all.length === 0) { $('plot-caption').textContent = 'no evaluated candidates yet'; return; }
    const opts = { zoom: $('zoom').checked, log: $('log').checked };
    const x = scale(f.points.map(p => p.latencyMs), all.map(p => p.latencyMs), { ...opts, from: M.left, to: W - M.right });
    const y = scale(f.points.map(p => p.quality), all.map(p => p.quality), { ...opts, from: H - M.bottom, to: M.top });
    axes(svg, x, y, W, H, M, 'latency (ms)', 'perplexity (lower is better)');
    let outside = 0;
    const dot = (p, cls, r) => {
      const title = `${p.archId}: ${p.latencyMs.toFixed(2)} ms (${p.latencySource}), perplexity ${p.quality.toFixed(3)}\n${summary(p)}`;
      let node;
      if (x.inside(p.latencyMs) && y.inside(p.quality)) {
        node = el('circle', { class: cls, cx: x(p.latencyMs), cy: y(p.quality), r }, svg);
      } else {
        outside++;
        node = clipped(svg, x, y, [p.latencyMs, p.quality], cls);
      }
      node.setAttribute('data-arch', p.archId);
      el('title', {}, node, title);
    };
    for (const p of others) dot(p, 'evaluated-point', 3.5);
    let d = '';
    f.points.forEach((p, i) => {
      const px = x.clamped(p.latencyMs).toFixed(1), py = y.clamped(p.quality).toFixed(1);
      d += i === 0 ? `M${px},${py}` : `H${px}V${py}`;
    });
    el('path', { class: 'staircase', d }, svg);
    for (const p of f.points) dot(p, 'frontier-point' + (p.latencySource === 'predicted' ? ' predicted' : ''), 5);
    $('plot-caption').textContent =
      `${f.target} ${f.objective}: ${f.points.length} on the frontier of ${all.length} evaluated; ` +
      `latency ${fmt(Math.min(...f.points.map(p => p.latencyMs)))}–${fmt(Math.max(...f.points.map(p => p.latencyMs)))} ms, ` +
      `perplexity ${fmt(Math.min(...f.points.map(p => p.quality)))}–${fmt(Math.max(...f.points.map(p => p.quality)))}. ` +
      (outside ? `${outside} ${outside === 1 ? 'point lies' : 'points lie'} outside the zoomed view, marked ▲ at its edge.` : 'Every point is in view.');
  }

  // ---- the table and its downloads --------------------------------------------------------
  const COLUMNS = ['rank', 'candidateId', 'archId', 'architecture', 'params', 'latencyMs', 'low', 'high', 'latencySource', 'quality'];

  function rows(f) {
    return f.points.map((p, i) => ({
      rank: i + 1, candidateId: p.candidateId, archId: p.archId, architecture: summary(p),
      params: p.candidate.params, latencyMs: p.latencyMs, low: p.low, high: p.high,
      latencySource: p.latencySource, quality: p.quality,
    }));
  }

  function csv(f) {
    const cell = v => (v == null ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
    return [COLUMNS.join(',')].concat(rows(f).map(r => COLUMNS.map(c => cell(r[c])).join(','))).join('\n') + '\n';
  }

  function link(a, text, type, name) {
    if (a.href.startsWith('blob:')) URL.revokeObjectURL(a.href);
    a.href = URL.createObjectURL(new Blob([text], { type }));
    a.download = name;
  }

  function drawTable(f) {
    const tbody = $('frontier-table').tBodies[0];
    tbody.replaceChildren(...f.points.map((p, i) => {
      const tr = document.createElement('tr');
      tr.className = p.latencySource;
      const cells = [i + 1, p.archId, params1(p), p.latencyMs.toFixed(2), interval(p), p.latencySource, p.quality.toFixed(3)];
      cells.forEach((v, j) => {
        const td = document.createElement(j === 1 ? 'th' : 'td');
        if (j === 1) { td.scope = 'row'; td.title = summary(p); td.append(String(v), document.createElement('br'), summary(p)); } else td.textContent = v;
        if ([2, 3, 6].includes(j)) td.className = 'num';
        tr.appendChild(td);
      });
      return tr;
    }));
    $('frontier-caption').textContent =
      `the ${f.objective} frontier of ${f.target}, fastest first (version ${f.version}, ${f.updatedAt})`;
    const name = `frontier-${f.target.replace(/\W+/g, '_')}-${f.objective.replace('@', '_')}`;
    link($('download-csv'), csv(f), 'text/csv', name + '.csv');
    link($('download-json'), JSON.stringify({ ...f, others: undefined, points: rows(f) }, null, 2), 'application/json', name + '.json');
  }

  function showFrontier(f) {
    frontier = f;
    drawPlot(f);
    drawTable(f);
    const line = `${f.target} ${f.objective}: ${f.points.length} on the frontier of ` +
      `${f.points.length + (f.others || []).length} evaluated · hypervolume ${f.hypervolume.toPrecision(5)} · version ${f.version}`;
    if (announced !== line) { $('status').textContent = line; announced = line; } // announce changes only
  }

  // ---- hypervolume over time ---------------------------------------------------------------
  function drawHistory(series) {
    const box = $('history');
    box.replaceChildren();
    for (const s of series) {
      const samples = s.samples.slice();
      if (frontier && frontier.objective === s.objective && frontier.target === target() &&
          (samples.length === 0 || samples[samples.length - 1].version < frontier.version)) {
        samples.push({ version: frontier.version, at: frontier.updatedAt, hypervolume: frontier.hypervolume, points: frontier.points.length });
      }
      const w = 460, h = 180, m = { left: 64, right: 12, top: 10, bottom: 36 };
      const fig = document.createElement('figure');
      const svg = el('svg', { viewBox: `0 0 ${w} ${h}`, role: 'img', class: 'history' }, fig);
      const cap = document.createElement('figcaption');
      fig.appendChild(cap);
      box.appendChild(fig);
      if (samples.length === 0) { cap.textContent = `${s.objective}: no updates seen yet`; continue; }
      const t = samples.map(p => Date.parse(p.at)), hv = samples.map(p => p.hypervolume);
      const x = scale(t, t, { from: m.left, to: w - m.right });
      const y = scale(hv, hv, { from: h - m.bottom, to: m.top });
      x.ticks = () => [];
      axes(svg, x, y, w, h, m, 'time (UTC)', 'hypervolume');
      const clock = ms => new Date(ms).toISOString().slice(11, 19);
      el('text', { class: 'label', x: m.left, y: h - m.bottom + 16, 'text-anchor': 'start' }, svg, clock(t[0]));
      el('text', { class: 'label', x: w - m.right, y: h - m.bottom + 16, 'text-anchor': 'end' }, svg, clock(t[t.length - 1]));
      el('path', { class: 'hv-line', d: samples.map((p, i) => `${i ? 'L' : 'M'}${x(t[i]).toFixed(1)},${y(hv[i]).toFixed(1)}`).join('') }, svg);
      for (let i = 0; i < samples.length; i++) {
        el('title', {}, el('circle', { class: 'hv-point', cx: x(t[i]), cy: y(hv[i]), r: 2.5 }, svg),
          `version ${samples[i].version} at ${samples[i].at}: ${hv[i].toPrecision(5)}`);
      }
      const first = samples[0], last = samples[samples.length - 1];
      cap.textContent = `${s.objective}: hypervolume ${first.hypervolume.toPrecision(4)} → ${last.hypervolume.toPrecision(4)} ` +
        `over ${samples.length} updates, ${first.at} to ${last.at}`;
      svg.setAttribute('aria-label', cap.textContent);
    }
  }

  // ---- the model card ----------------------------------------------------------------------
  const pct = v => (v == null ? '—' : (100 * v).toFixed(1) + '%');
  const num = v => (v == null ? '—' : String(v));

  function table(caption, head, body) {
    const t = document.createElement('table');
    t.createCaption().textContent = caption;
    const hr = t.createTHead().insertRow();
    head.forEach(h => { const th = document.createElement('th'); th.scope = 'col'; th.textContent = h; hr.appendChild(th); });
    const tb = t.createTBody();
    body.forEach(r => {
      const tr = tb.insertRow();
      r.forEach((v, j) => { const c = document.createElement(j === 0 ? 'th' : 'td'); if (j === 0) c.scope = 'row'; c.textContent = v; tr.appendChild(c); });
    });
    return t;
  }

  function drawCard(model, calibration) {
    const card = $('card');
    card.replaceChildren();
    if (!model) { card.textContent = `no latency model for ${target()} yet`; return; }
    const dl = document.createElement('dl');
    for (const [k, v] of [['target', model.target], ['model', `${model.modelKind || 'none yet'}, version ${model.version}`],
      ['measurements', model.measurements], ['updated', model.updatedAt],
      ['cross-validated', model.cvWithin10 == null ? 'too few architectures to hold any out yet'
        : `${pct(model.cvWithin10)} within ±10%, MAPE ${pct(model.cvMape)} (whole architectures held out)`]]) {
      const dt = document.createElement('dt'); dt.textContent = k;
      const dd = document.createElement('dd'); dd.textContent = v;
      dl.append(dt, dd);
    }
    card.appendChild(dl);
    const phases = Object.entries(model.phases || {});
    card.appendChild(table('per phase, cross-validated on held-out architectures',
      ['phase', 'observations', 'architectures', 'held out', 'within ±10%', 'MAPE', 'Spearman', 'residual trees'],
      phases.map(([name, p]) => [name, p.observations, p.architectures, p.cv.n, pct(p.cv.within10), pct(p.cv.mape),
        p.cv.spearman == null ? '—' : p.cv.spearman.toFixed(3), p.residualTrees])));
    const note = document.createElement('p');
    note.className = 'coverage';
    if (!calibration || calibration.n === 0) {
      note.textContent = 'Interval coverage: no measured frontier point to check the model against yet.';
      card.appendChild(note);
      return;
    }
    note.textContent = `Interval coverage: ${calibration.inside} of ${calibration.n} measured frontier points lie inside ` +
      `the model's ${level(calibration)} interval (${pct(calibration.coverage)}). In-sample: these measurements were part ` +
      `of the fit, so held-out coverage is likely lower; the model snapshot does not record a held-out coverage ` +
      `(hilnas model evaluate measures one offline).`;
    card.appendChild(note);
    card.appendChild(pvm(calibration));
  }

  const level = c => Math.round(100 * c.interval) + '%';

  // Predicted against measured latency, log-log, with each prediction's interval.
  function pvm(c) {
    const w = 460, h = 320, m = { left: 64, right: 12, top: 10, bottom: 40 };
    const fig = document.createElement('figure');
    const svg = el('svg', { viewBox: `0 0 ${w} ${h}`, role: 'img', class: 'pvm' }, fig);
    const values = c.pairs.flatMap(p => [p.measuredMs, p.predictedMs, p.low, p.high]);
    const x = scale(values, values, { log: true, from: m.left, to: w - m.right });
    const y = scale(values, values, { log: true, from: h - m.bottom, to: m.top });
    axes(svg, x, y, w, h, m, 'measured (ms)', 'predicted (ms)');
    const lo = Math.min(...values), hi = Math.max(...values);
    el('line', { class: 'diagonal', x1: x(lo), y1: y(lo), x2: x(hi), y2: y(hi) }, svg);
    for (const p of c.pairs) {
      const g = el('g', { class: 'pvm-point' + (p.inside ? '' : ' outside') }, svg);
      el('line', { x1: x(p.measuredMs), y1: y(p.low), x2: x(p.measuredMs), y2: y(p.high) }, g);
      el('circle', { cx: x(p.measuredMs), cy: y(p.predictedMs), r: 3 }, g);
      el('title', {}, g, `${p.archId} ${p.objective}: measured ${p.measuredMs.toFixed(2)} ms, predicted ` +
        `${p.predictedMs.toFixed(2)} ms [${p.low.toFixed(2)}–${p.high.toFixed(2)}]`);
    }
    const cap = document.createElement('figcaption');
    cap.textContent = `predicted against measured latency of ${c.pairs.length} measured frontier points ` +
      `(model version ${c.modelVersion}); bars: the ${level(c)} interval, red: outside it`;
    svg.setAttribute('aria-label', cap.textContent);
    fig.appendChild(cap);
    return fig;
  }

  // ---- the search's progress ---------------------------------------------------------------
  function drawProgress(progress) {
    const tbody = $('progress-table').tBodies[0];
    tbody.replaceChildren(...progress.map(p => {
      const tr = document.createElement('tr');
      if (p.target === target()) tr.className = 'current';
      [p.target, p.requested, p.pending, p.measured, p.failed, p.requests, p.failedAttempts, num(p.measurements), num(p.agentLag)]
        .forEach((v, j) => {
          const c = document.createElement(j === 0 ? 'th' : 'td');
          if (j === 0) c.scope = 'row'; else c.className = 'num';
          c.textContent = v;
          tr.appendChild(c);
        });
      return tr;
    }));
  }

  // ---- loading and following -----------------------------------------------------------------
  const optional = promise => promise.catch(e => (e.status === 404 ? null : Promise.reject(e)));

  async function refreshFrontier() {
    if (!target() || !objective()) return;
    try {
      showFrontier(await json(`/api/v1/frontiers/${target()}?objective=${enc(objective())}`));
    } catch (e) {
      $('status').textContent = e.message;
    }
  }

  async function refreshPanels() {
    const t = target();
    if (!t) return;
    const [hv, model, calibration, progress] = await Promise.all([
      optional(json(`/api/v1/history/${t}`)), optional(json(`/api/v1/models/${t}`)),
      optional(json(`/api/v1/calibration/${t}`)), optional(json('/api/v1/progress')),
    ].map(p => p.catch(e => ({ error: e.message }))));
    const failed = [hv, model, calibration, progress].filter(r => r && r.error);
    if (hv && !hv.error) drawHistory(hv);
    if (!(model && model.error)) drawCard(model, calibration && !calibration.error ? calibration : null);
    if (progress && !progress.error) drawProgress(progress);
    else if (!progress) $('progress-table').tBodies[0].replaceChildren();
    if (failed.length) $('live').title = 'last refresh: ' + failed.map(r => r.error).join('; ');
  }

  function setLive(text, cls) {
    $('live').textContent = text;
    $('live').className = 'live ' + cls;
  }

  function stop() {
    if (events) { events.close(); events = null; }
    timers.forEach(clearInterval);
    timers = [];
  }

  function poll(why) {
    if (events) { events.close(); events = null; }
    setLive(`polling every ${POLL_MS / 1000} s${why ? ' (' + why + ')' : ''}`, 'poll');
    timers.push(setInterval(refreshFrontier, POLL_MS));
  }

  // Follows the frontier: the event stream when it works, polling when it is refused, never opens
  // (a proxy that buffers it), or keeps failing.
  function follow() {
    stop();
    if (mode === '0') { setLive('still picture', 'off'); return; }
    timers.push(setInterval(refreshPanels, PANELS_MS));
    if (mode === 'poll' || !window.EventSource) { poll(mode === 'poll' ? '' : 'no event stream in this browser'); return; }
    setLive('connecting…', 'off');
    events = new EventSource(`/api/v1/stream/frontiers?target=${enc(target())}&objective=${enc(objective())}`);
    let opened = false, errors = 0;
    const wait = setTimeout(() => { if (!opened) poll('the event stream did not open'); }, STREAM_WAIT_MS);
    timers.push(wait);
    events.onopen = () => { opened = true; errors = 0; setLive('live', 'on'); };
    events.onerror = () => {
      errors++;
      if (!opened || events.readyState === EventSource.CLOSED || errors >= STREAM_ERRORS) {
        clearTimeout(wait);
        poll('the event stream failed');
      } else {
        setLive('reconnecting…', 'off');
      }
    };
    events.addEventListener('frontier', e => {
      errors = 0;
      showFrontier(JSON.parse(e.data));
      refreshPanels();
    });
  }

  async function showObjective() {
    if (!target() || !objective()) return;
    const still = mode ? `&live=${enc(mode)}` : '';
    history.replaceState(null, '', `?target=${enc(target())}&objective=${enc(objective())}${still}` +
      ($('zoom').checked ? '' : '&zoom=0') + ($('log').checked ? '&log=1' : ''));
    await refreshFrontier();
    await refreshPanels();
    follow();
  }

  async function showTarget() {
    let frontiers = [];
    try { frontiers = await json(`/api/v1/frontiers/${target()}`); } catch (e) { $('status').textContent = e.message; }
    $('objective').replaceChildren(...frontiers.map(f => new Option(f.objective, f.objective)));
    if (params.get('objective') && frontiers.some(f => f.objective === params.get('objective'))) {
      $('objective').value = params.get('objective');
    }
    if (!objective()) { await refreshPanels(); return; }
    await showObjective();
  }

  async function start() {
    const targets = await json('/api/v1/targets');
    const ids = targets.map(t => t.target);
    if (params.get('target') && !ids.includes(params.get('target'))) ids.push(params.get('target'));
    $('target').replaceChildren(...ids.map(t => new Option(t, t)));
    if (params.get('target')) $('target').value = params.get('target');
    if (!target()) { $('status').textContent = 'no targets yet: import or measure something'; return; }
    await showTarget();
  }

  $('target').addEventListener('change', showTarget);
  $('objective').addEventListener('change', showObjective);
  for (const id of ['zoom', 'log']) {
    $(id).addEventListener('change', () => {
      if (frontier) drawPlot(frontier);
      history.replaceState(null, '', location.search.replace(/&(zoom|log)=\w+/g, '') +
        ($('zoom').checked ? '' : '&zoom=0') + ($('log').checked ? '&log=1' : ''));
    });
  }
  start().catch(e => { $('status').textContent = e.message; });
})();
