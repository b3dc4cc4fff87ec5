// The live Pareto page: picks a target and objective, draws the frontier as SVG, and redraws on
// every server-sent frontier update. Plain JS, no libraries, everything served from the jar.
(function () {
  const W = 960, H = 560, M = { left: 70, right: 20, top: 20, bottom: 50 };
  const svg = document.getElementById('plot');
  const targetSelect = document.getElementById('target');
  const objectiveSelect = document.getElementById('objective');
  const status = document.getElementById('status');
  const tooltip = document.getElementById('tooltip');
  const live = document.getElementById('live');
  const params = new URLSearchParams(location.search);
  let events = null;

  const NS = 'http://www.w3.org/2000/svg';
  function el(name, attrs, parent) {
    const e = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    (parent || svg).appendChild(e);
    return e;
  }

  async function json(url) {
    const r = await fetch(url);
    if (!r.ok) throw new Error((await r.json()).error || r.statusText);
    return r.json();
  }

  function describe(p) {
    const c = p.candidate;
    const heads = c.nHeads !== undefined ? `${c.nHeads} heads / ${c.nKvHeads} kv, ffn ${c.ffnDim}` : 'per-layer widths';
    const interval = p.low != null ? ` [${p.low.toFixed(2)}..${p.high.toFixed(2)}]` : '';
    return `${p.candidateId || p.archId}\n${c.layers} layers, d ${c.dModel}, ${heads}\n` +
      `attention ${c.attention}${c.window ? ' (window ' + c.window + ')' : ''}, ${(c.params / 1e6).toFixed(1)}M params\n` +
      `latency ${p.latencyMs.toFixed(2)} ms${interval} (${p.latencySource})\nperplexity ${p.quality.toFixed(3)}`;
  }

  const tick = v => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));

  function render(f) {
    svg.replaceChildren();
    const all = f.points.concat(f.others || []);
    const maxLat = Math.max(...all.map(p => p.latencyMs)) * 1.05;
    const qs = all.map(p => p.quality);
    const minQ = Math.min(...qs) * 0.95, maxQ = Math.max(...qs) * 1.05;
    const x = v => M.left + (v / maxLat) * (W - M.left - M.right);
    const y = v => H - M.bottom - ((v - minQ) / (maxQ - minQ || 1)) * (H - M.top - M.bottom);
    const axis = el('g', { class: 'axis' });
    el('line', { x1: M.left, y1: H - M.bottom, x2: W - M.right, y2: H - M.bottom }, axis);
    el('line', { x1: M.left, y1: M.top, x2: M.left, y2: H - M.bottom }, axis);
    for (let i = 0; i <= 5; i++) {
      const lv = maxLat * i / 5, qv = minQ + (maxQ - minQ) * i / 5;
      el('text', { x: x(lv), y: H - M.bottom + 18, 'text-anchor': 'middle' }, axis).textContent = tick(lv);
      el('text', { x: M.left - 8, y: y(qv) + 4, 'text-anchor': 'end' }, axis).textContent = tick(qv);
    }
    el('text', { class: 'label', x: (W + M.left) / 2, y: H - 12, 'text-anchor': 'middle' }).textContent = 'latency (ms)';
    el('text', { class: 'label', x: 16, y: H / 2, transform: `rotate(-90 16 ${H / 2})`, 'text-anchor': 'middle' })
      .textContent = 'perplexity (lower is better)';
    for (const p of f.others || []) {
      hover(el('circle', { class: 'evaluated-point', cx: x(p.latencyMs), cy: y(p.quality), r: 3.5 }), p);
    }
    let d = '';
    f.points.forEach((p, i) => {
      d += i === 0 ? `M${x(p.latencyMs)},${y(p.quality)}`
                   : `H${x(p.latencyMs)}V${y(p.quality)}`;
    });
    el('path', { class: 'staircase', d });
    for (const p of f.points) {
      const c = el('circle', {
        class: 'frontier-point' + (p.latencySource === 'predicted' ? ' predicted' : ''),
        cx: x(p.latencyMs), cy: y(p.quality), r: 5, 'data-arch': p.archId
      });
      hover(c, p);
    }
    status.textContent = `${f.target} ${f.objective}: ${f.points.length} on the frontier of ` +
      `${all.length} evaluated · hypervolume ${f.hypervolume.toPrecision(5)} · version ${f.version} · ${f.updatedAt}`;
  }

  function hover(node, p) {
    node.addEventListener('mousemove', e => {
      tooltip.textContent = describe(p);
      tooltip.hidden = false;
      tooltip.style.left = (e.offsetX + 30) + 'px';
      tooltip.style.top = (e.offsetY + 40) + 'px';
    });
    node.addEventListener('mouseleave', () => { tooltip.hidden = true; });
  }

  async function showFrontier() {
    const target = targetSelect.value, objective = objectiveSelect.value;
    if (!target || !objective) return;
    const still = params.get('live') === '0' ? '&live=0' : '';
    history.replaceState(null, '', `?target=${encodeURIComponent(target)}&objective=${encodeURIComponent(objective)}${still}`);
    try {
      render(await json(`/api/v1/frontiers/${target}?objective=${encodeURIComponent(objective)}`));
    } catch (e) {
      svg.replaceChildren();
      status.textContent = e.message;
    }
    if (events) events.close();
    if (params.get('live') === '0') return; // a still picture: e.g. for screenshots and dumps
    events = new EventSource(`/api/v1/stream/frontiers?target=${encodeURIComponent(target)}&objective=${encodeURIComponent(objective)}`);
    events.onopen = () => { live.className = 'live on'; };
    events.onerror = () => { live.className = 'live off'; };
    events.addEventListener('frontier', e => render(JSON.parse(e.data)));
  }

  async function showTarget() {
    const target = targetSelect.value;
    let frontiers = [];
    try { frontiers = await json(`/api/v1/frontiers/${target}`); } catch (e) { status.textContent = e.message; }
    objectiveSelect.replaceChildren(...frontiers.map(f => new Option(f.objective, f.objective)));
    if (params.get('objective') && frontiers.some(f => f.objective === params.get('objective'))) {
      objectiveSelect.value = params.get('objective');
    }
    await showFrontier();
  }

  async function start() {
    const targets = await json('/api/v1/targets');
    targetSelect.replaceChildren(...targets.map(t => new Option(t.target, t.target)));
    if (params.get('target')) {
      if (!targets.some(t => t.target === params.get('target'))) {
        targetSelect.appendChild(new Option(params.get('target'), params.get('target')));
      }
      targetSelect.value = params.get('target');
    }
    if (!targetSelect.value) { status.textContent = 'no targets yet: import or measure something'; return; }
    await showTarget();
  }

  targetSelect.addEventListener('change', showTarget);
  objectiveSelect.addEventListener('change', showFrontier);
  start().catch(e => { status.textContent = e.message; });
})();
