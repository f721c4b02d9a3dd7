// The validator page: validates the recipe on each keystroke (debounced), shows the problems on their lines, the
// plan, a simulation of its autoscaling and the rendered manifests. Every answer comes from the corrino modules;
// this file only displays them.
import init, * as corrino from '../pkg/corrino_wasm.js';
import { chartElement, tuneChart } from './chart.js';
import { installCompare } from './compare.js';
import { scan } from './pointer.js';
import { describe } from './schema.js';

const $ = (id) => document.getElementById(id);
const editor = $('recipe');
const gutter = $('gutter');
const marks = $('marks');
const status = $('status');
const LINE_HEIGHT = 20;
const PAD_TOP = 10;
const SEVERITY_ORDER = { note: 0, warning: 1, error: 2 };
const SOURCES = { recipe: 'recipe', 'node-params': 'moved from node params', default: 'default' };

// The recipe's JSON Schema, for what each field named by a diagnostic is; the page works without it.
let schema = null;

/** A module fetched and instantiated on first use (and fetched again after a failure). */
function lazyModule(url) {
  let loading = null;
  return () =>
    (loading ??= import(url)
      .then(async (m) => {
        await m.default();
        return m;
      })
      .catch((e) => {
        loading = null;
        throw e;
      }));
}
// The PromQL checker is a second module, fetched the first time a recipe has its own query; it also simulates such
// recipes. The simulator is a third, fetched the first time a recipe with pod autoscaling is shown.
const loadQueryModule = lazyModule('../pkg/corrino_wasm_query.js');
const loadSimModule = lazyModule('../pkg/corrino_wasm_sim.js');

const escapeHtml = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
// Diagnostic messages quote names in backticks: show them as code.
const richText = (s) => escapeHtml(s).replace(/`([^`]+)`/g, '<code>$1</code>');
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
const hasCustomQuery = (plan) =>
  plan !== null && (plan.pod_autoscaling?.query.kind === 'custom' || (plan.members ?? []).some(hasCustomQuery));

function renderOptions() {
  return {
    ...corrino.defaultRenderOptions(),
    namespace: $('namespace').value.trim(),
    base_domain: $('base-domain').value.trim() || null,
    scrape: $('scrape').value,
  };
}

// ---- editor: line numbers and the marks of diagnostic lines ----

// The scan of the editor's text, when it is JSON (YAML recipes validate the same, without line marks).
let lastScan = null;
let lineCount = 1;
let activePath = null;

function paintGutter(count, marked) {
  const rows = [];
  for (let n = 1; n <= count; n++) {
    const severity = marked.get(n);
    rows.push(`<div${severity ? ` class="${severity}"` : ''}>${n}</div>`);
  }
  gutter.innerHTML = rows.join('');
  syncScroll();
}

function syncScroll() {
  gutter.scrollTop = editor.scrollTop;
  marks.style.transform = `translate(${-editor.scrollLeft}px, ${-editor.scrollTop}px)`;
}

/** Marks the lines of the diagnostics: a band per line, the worst severity on top. */
function paintMarks(located) {
  const marked = new Map();
  const sorted = [...located].sort((a, b) => SEVERITY_ORDER[a.d.severity] - SEVERITY_ORDER[b.d.severity]);
  marks.innerHTML = sorted
    .map(({ d, span }) => {
      marked.set(span.line, d.severity);
      const lines = d.path === activePath ? span.endLine - span.line + 1 : 1;
      const active = d.path === activePath ? ' active' : '';
      return `<div class="mark ${d.severity}${active}" data-line="${span.line}" style="top:${
        PAD_TOP + (span.line - 1) * LINE_HEIGHT
      }px;height:${lines * LINE_HEIGHT}px"></div>`;
    })
    .join('');
  paintGutter(lineCount, marked);
}

function reveal(span) {
  editor.focus();
  editor.setSelectionRange(span.start, span.end);
  const top = PAD_TOP + (span.line - 1) * LINE_HEIGHT;
  if (top < editor.scrollTop || top > editor.scrollTop + editor.clientHeight - 3 * LINE_HEIGHT) {
    editor.scrollTop = Math.max(0, top - editor.clientHeight / 3);
  }
}

// ---- problems ----

function locate(d) {
  if (!lastScan) return null;
  // A syntax error is on the line where the scanner stopped too.
  if (d.code === 'syntax' && lastScan.error) {
    return { start: lastScan.error.offset, end: lastScan.error.offset, line: lastScan.error.line, endLine: lastScan.error.line, exact: true };
  }
  return lastScan.find(d.path);
}

function diagnosticItem(d, span) {
  const field = schema && describe(schema, d.path);
  const where = span
    ? `<span class="line">${span.exact ? `line ${span.line}` : `missing: belongs in the object on line ${span.line}`}</span>`
    : '';
  return `<li class="diag ${d.severity}" data-path="${escapeHtml(d.path)}" data-code="${escapeHtml(d.code)}"${
    span ? ` data-line="${span.line}"` : ''
  }>
    <div class="diag-head">
      <span class="sev">${d.severity}</span>
      <a class="code" href="#" title="Go to the field">${escapeHtml(d.code)}</a>
      <code class="path">${escapeHtml(d.path || '/')}</code>${where}
    </div>
    <p class="message">${richText(d.message)}</p>
    ${d.hint ? `<p class="hint">${richText(d.hint)}</p>` : ''}
    ${field ? `<p class="field">${richText(field)}</p>` : ''}
  </li>`;
}

let shown = [];

function showDiagnostics(diagnostics) {
  shown = diagnostics.map((d) => ({ d, span: locate(d) }));
  const list = $('diagnostics');
  const count = (s) => diagnostics.filter((d) => d.severity === s).length;
  const [errors, warnings, notes] = [count('error'), count('warning'), count('note')];
  $('counts').textContent = `${plural(errors, 'error')}, ${plural(warnings, 'warning')}, ${plural(notes, 'note')}`;
  list.innerHTML = diagnostics.length
    ? shown.map(({ d, span }) => diagnosticItem(d, span)).join('')
    : '<li class="empty">No problems found.</li>';
  paintMarks(shown.filter((x) => x.span));
  status.dataset.state = errors ? 'invalid' : 'valid';
  status.textContent = errors ? `${plural(errors, 'error')}` : warnings ? `valid, ${plural(warnings, 'warning')}` : 'valid';
}

$('diagnostics').addEventListener('click', (event) => {
  const item = event.target.closest('li.diag');
  if (!item) return;
  event.preventDefault();
  const entry = shown.find((x) => x.d.path === item.dataset.path && x.d.code === item.dataset.code);
  activePath = item.dataset.path;
  for (const li of document.querySelectorAll('#diagnostics li.diag')) li.classList.toggle('active', li === item);
  paintMarks(shown.filter((x) => x.span));
  if (entry?.span) reveal(entry.span);
});

// ---- plan ----

function stat(value, label, alert = false) {
  return `<div class="stat${alert ? ' alert' : ''}"><span class="value">${escapeHtml(value)}</span><span class="label">${label}</span></div>`;
}

function resolvedRow(label, resolved, unit = '') {
  const source = SOURCES[resolved.source] ?? resolved.source;
  return `<tr><th>${label}</th><td>${escapeHtml(resolved.value)}${unit}</td><td><span class="source ${
    resolved.source
  }">${source}</span></td></tr>`;
}

function planQuery(plan, options) {
  const pod = plan.pod_autoscaling;
  if (pod.query.kind === 'custom') return { text: pod.query.query, label: 'the recipe’s own query' };
  if (plan.name === null) return { text: null, label: 'the default query (needs a valid name)' };
  try {
    const window = `${pod.window_seconds.value}s`;
    return {
      text: corrino.defaultQuery(plan.name, options.namespace, window, options.scrape),
      label: `the default query, for scrape mode <code>${escapeHtml(options.scrape)}</code>`,
    };
  } catch (e) {
    return { text: null, label: escapeHtml(e.message) };
  }
}

function showPlan(plan, options) {
  const box = $('plan');
  if (!plan) {
    box.innerHTML = '<p class="muted">The text is not a recipe yet.</p>';
    return;
  }
  const parts = [];
  const shape = plan.shape;
  const gpus = shape?.gpus;
  parts.push(`<dl class="facts">
    <dt>Name</dt><dd>${plan.name ? `<code>${escapeHtml(plan.name)}</code>` : '<span class="muted">invalid</span>'}</dd>
    <dt>Mode</dt><dd>${escapeHtml(plan.mode ?? 'deployment group')}</dd>
    <dt>Shape</dt><dd>${
      shape
        ? `<code>${escapeHtml(shape.name)}</code> · ${
            gpus ? `${gpus.count} × ${gpus.vendor === 'amd' ? 'AMD' : 'NVIDIA'} ${escapeHtml(gpus.model)} (${gpus.memory_gb} GB)` : 'no GPU'
          } · ${shape.ocpus} OCPUs · ${shape.memory_gb} GB`
        : '<span class="muted">unknown</span>'
    }</dd>
    <dt>Port</dt><dd>${plan.container_port ?? '<span class="muted">none</span>'}</dd>
  </dl>`);

  const c = plan.capacity;
  if (c) {
    const unit = c.unit.kind === 'gpus' ? plural(c.unit.per_replica, 'GPU') : `a ${escapeHtml(c.unit.profile)} MIG slice`;
    parts.push(`<h3>Capacity <span class="muted">(${unit} per replica)</span></h3>
      <div class="stats">
        ${stat(c.replicas_per_node, 'replicas per node')}
        ${stat(c.max_replicas, 'max replicas')}
        ${stat(c.nodes_needed, 'nodes needed')}
        ${stat(c.max_nodes ?? '?', `max nodes (${c.node_bound.replace('-', ' ')})`)}
        ${stat(c.pending_replicas, 'pending replicas', c.pending_replicas > 0)}
        ${stat(c.idle_per_node, c.unit.kind === 'gpus' ? 'idle GPUs per node' : 'idle slices per node')}
      </div>`);
  }

  const pod = plan.pod_autoscaling;
  if (pod) {
    const bound = { value: pod.max_replicas, source: 'recipe' };
    parts.push(`<h3>Pod autoscaling <span class="muted">(KEDA, metric type ${pod.metric_type})</span></h3>
      <table class="resolved"><tbody>
        ${resolvedRow('min replicas', pod.min_replicas)}
        ${resolvedRow('max replicas', bound)}
        ${resolvedRow('threshold', pod.threshold)}
        ${resolvedRow('query window', pod.window_seconds, ' s')}
        ${resolvedRow('polling interval', pod.polling_interval_seconds, ' s')}
        ${resolvedRow('cooldown (to zero)', pod.cooldown_seconds, ' s')}
        ${resolvedRow('scale-up stabilization', pod.stabilization_window_up_seconds, ' s')}
        ${resolvedRow('scale-up period', pod.scaling_period_up_seconds, ' s')}
        ${resolvedRow('scale-down stabilization', pod.stabilization_window_down_seconds, ' s')}
        ${resolvedRow('scale-down period', pod.scaling_period_down_seconds, ' s')}
      </tbody></table>`);
    const q = planQuery(plan, options);
    parts.push(`<h4>Query: ${q.label}</h4>${q.text ? `<pre class="query" id="query">${escapeHtml(q.text)}</pre>` : ''}`);
  }
  if (plan.node_autoscaling) {
    parts.push(`<h3>Node autoscaling</h3><p>${plan.node_autoscaling.min_nodes} to ${plan.node_autoscaling.max_nodes} nodes (Cluster Autoscaler)</p>`);
  }
  if (plan.members?.length) {
    parts.push(`<h3>Group members</h3><p>${plan.members.map((m) => `<code>${escapeHtml(m.name ?? '?')}</code>`).join(', ')}</p>`);
  }
  box.innerHTML = parts.join('');
}

// ---- manifests ----

let yamlText = '';

function highlightYaml(text) {
  return text
    .split('\n')
    .map((line) => {
      if (line === '---') return '<span class="doc">---</span>';
      const m = /^(\s*(?:- )?)([^\s:#][^:]*?):(\s|$)(.*)$/.exec(line);
      if (!m) return escapeHtml(line);
      return `${escapeHtml(m[1])}<span class="key">${escapeHtml(m[2])}</span>:${m[3]}<span class="val">${escapeHtml(m[4])}</span>`;
    })
    .join('\n');
}

function showManifests(text, plan, options) {
  const out = corrino.renderYaml(text, options);
  const problems = $('render-problems');
  const planHasErrors = plan?.diagnostics.some((d) => d.severity === 'error') ?? true;
  yamlText = out.yaml ?? '';
  // A shared pool renders to its node pool document alone: an empty stream.
  const objects = yamlText !== '';
  $('copy').disabled = !objects;
  $('yaml').querySelector('code').innerHTML = objects ? highlightYaml(yamlText) : '';
  $('yaml').hidden = !objects;
  if (out.yaml === null) {
    problems.innerHTML = planHasErrors
      ? '<li class="empty">Not rendered: the recipe has errors (see Problems).</li>'
      : out.diagnostics.map((d) => diagnosticItem(d, null)).join('');
  } else if (!objects) {
    problems.innerHTML = '<li class="empty">No Kubernetes objects: a shared pool is its node pool document, below.</li>';
  } else {
    problems.innerHTML = '';
  }
  const docs = Object.entries(out.ociDocuments ?? {});
  $('oci').innerHTML = docs.length
    ? `<h3>OCI documents</h3>${
        out.placeholders.length
          ? `<p class="remark">Fill in before use: ${out.placeholders.map((p) => `<code>${escapeHtml(p)}</code>`).join(' ')}</p>`
          : ''
      }${docs.map(([name, json]) => `<details${objects ? '' : ' open'}><summary>${escapeHtml(name)}</summary><pre class="yaml">${escapeHtml(json)}</pre></details>`).join('')}`
    : '';
}

$('copy').addEventListener('click', async () => {
  const button = $('copy');
  try {
    await navigator.clipboard.writeText(yamlText);
    button.textContent = 'Copied';
  } catch {
    button.textContent = 'Copy failed';
  }
  setTimeout(() => (button.textContent = 'Copy YAML'), 1500);
});

// ---- simulation ----

/** The scenario the form describes; every field it leaves out keeps its default. Throws when a field is invalid. */
function scenarioFromForm() {
  const kind = $('load-kind').value;
  // The browser checks each field against its min, max and step; the fields of the other kind of load are unused.
  for (const input of document.querySelectorAll('#scenario input')) {
    const load = input.closest('[data-load]')?.dataset.load ?? kind;
    if (load === kind && !input.checkValidity()) {
      throw new Error(`${input.closest('label').firstChild.textContent.trim()}: ${input.validationMessage}`);
    }
  }
  const number = (id) => Number($(id).value);
  const load =
    kind === 'open-loop'
      ? { kind, rate: { kind: 'constant', rps: number('rps') } }
      : { kind, clients: number('clients'), max_requests: $('max-requests').value === '' ? null : number('max-requests') };
  return { duration_seconds: number('duration') * 60, load };
}

function showLoadFields() {
  const kind = $('load-kind').value;
  for (const label of document.querySelectorAll('#scenario [data-load]')) label.hidden = label.dataset.load !== kind;
}

const seconds = (s) =>
  s === null ? 'never' : s < 60 ? `${s} s` : `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;

/** One figure of the summary; `data-value` holds the number as the simulator gave it. */
function figure(key, value, shown, label, alert = false) {
  return `<div class="stat${alert ? ' alert' : ''}" data-figure="${key}" data-value="${value ?? ''}"><span class="value">${shown}</span><span class="label">${label}</span></div>`;
}

function showSimulated({ simulation }, custom) {
  const { summary: s, settings } = simulation;
  const bound = settings.latency_bound_seconds;
  $('simulation').innerHTML = `<div class="stats figures">
      ${figure('first-scale-up', s.first_scale_up_at, seconds(s.first_scale_up_at), 'first scale-up')}
      ${figure('first-node', s.first_node_requested_at, seconds(s.first_node_requested_at), 'first node requested')}
      ${figure('peak-replicas', s.peak_spec_replicas, `${s.peak_spec_replicas} <small>of ${settings.max_replicas}</small>`, 'peak replicas')}
      ${figure('peak-nodes', s.peak_nodes, `${s.peak_nodes} <small>of ${settings.cluster_autoscaler.max_nodes}</small>`, 'peak nodes')}
      ${figure('seconds-over-slo', s.seconds_over_slo, `${s.seconds_over_slo} s`, `over the SLO (p95 above ${bound} s)`, s.seconds_over_slo > 0)}
      ${figure('gpu-hours', s.gpu_hours, s.gpu_hours.toFixed(2), 'GPU-hours')}
      ${figure('flapping', s.flapping_count, s.flapping_count, 'flapping (reversals within 5 min)', s.flapping_count > 0)}
      ${figure('latency-p95', s.latency_p95, s.latency_p95 === null ? '–' : `${s.latency_p95} s`, 'p95 latency')}
    </div>
    <p class="remark">${plural(s.requests_completed, 'request')} answered, ${s.requests_failed} failed, over ${seconds(
      s.duration_seconds,
    )}; serving model: ${escapeHtml(settings.serving_source)}${
      custom ? '; the recipe’s own query, evaluated by the query module' : ''
    }.</p>`;
}

let simulationRun = 0;

/** Simulates the recipe with the form's scenario, or says why not. */
async function simulate(text, plan) {
  const run = ++simulationRun;
  const card = $('simulation-card');
  const say = (html, state) => {
    $('simulation').innerHTML = html;
    $('chart').replaceChildren();
    card.dataset.state = state;
  };
  card.dataset.busy = 'true';
  try {
    if (!plan) {
      say('<p class="muted">No recipe to simulate yet.</p>', 'none');
    } else if (plan.diagnostics.some((d) => d.severity === 'error')) {
      say('<p class="muted">Not simulated: the recipe has errors (see Problems).</p>', 'none');
    } else if (!plan.pod_autoscaling) {
      say(
        '<p class="remark">This recipe has no pod autoscaling (<code>recipe_pod_autoscaling_params</code>): there is nothing to simulate.</p>',
        'no-autoscaling',
      );
    } else {
      const custom = plan.pod_autoscaling.query.kind === 'custom';
      const scenario = scenarioFromForm();
      const module = await (custom ? loadQueryModule() : loadSimModule());
      if (run !== simulationRun) return;
      const out = module.simulate(text, scenario);
      if (out.simulation === null) {
        say('<p class="muted">Not simulated: the recipe has errors (see Problems).</p>', 'none');
      } else {
        showSimulated(out, custom);
        const chart = chartElement(out.chart);
        $('chart').replaceChildren(...(chart ? [chart] : []));
        card.dataset.state = 'simulated';
      }
    }
  } catch (e) {
    if (run === simulationRun) say(`<p class="remark">Not simulated: ${richText(e.message)}</p>`, 'error');
  } finally {
    if (run === simulationRun) card.dataset.busy = 'false';
  }
}

// The recipe last shown, for re-simulating when only the scenario changes.
let shownRecipe = { text: '', plan: null };

let simulationTimer = 0;
const scheduleSimulation = () => {
  clearTimeout(simulationTimer);
  $('simulation-card').dataset.busy = 'true';
  simulationTimer = setTimeout(() => simulate(shownRecipe.text, shownRecipe.plan), 150);
};

$('scenario').addEventListener('input', () => {
  showLoadFields();
  scheduleSimulation();
});
$('scenario').addEventListener('submit', (event) => event.preventDefault());

// ---- tuning ----

const settingsText = (k) =>
  `threshold ${k.threshold}, window ${k.window_seconds} s, stabilization ${k.stabilization_window_up_seconds}/${k.stabilization_window_down_seconds} s, periods ${k.scaling_period_up_seconds}/${k.scaling_period_down_seconds} s, replicas ${k.min_replicas}–${k.max_replicas}${k.max_nodes === null ? '' : `, max nodes ${k.max_nodes}`}`;

function showTuned(result) {
  const row = (label, e) =>
    `<tr data-row="${label}"><th>${label}</th><td>${e.gpu_hours.toFixed(2)}</td><td>${e.seconds_over_slo}</td><td>${e.flaps}</td><td>${escapeHtml(settingsText(e.knobs))}</td></tr>`;
  $('tune').innerHTML = `<table class="tune-table"><tr><th></th><th>GPU-hours</th><th>s over ${escapeHtml(result.slo)}</th><th>flaps</th><th>settings</th></tr>
    ${row("the recipe's", result.recipe)}${row('chosen', result.chosen)}</table>
    <p class="remark">${escapeHtml(result.reason)} (${plural(result.evaluated, 'setting')} simulated; <code>corrino tune</code> writes the recipe).</p>`;
  $('tune-chart').replaceChildren(tuneChart(result));
}

$('tune-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const card = $('tune-card');
  card.dataset.busy = 'true';
  try {
    const { text, plan } = shownRecipe;
    if (!plan || plan.diagnostics.some((d) => d.severity === 'error') || !plan.pod_autoscaling) {
      throw new Error('the recipe has errors or no pod autoscaling');
    }
    if (plan.pod_autoscaling.query.kind === 'custom') {
      throw new Error('the page tunes the default query only; `corrino tune` tunes custom ones');
    }
    const module = await loadSimModule();
    const out = module.tune(text, $('slo').value, scenarioFromForm());
    if (out.result === null) throw new Error('the recipe has errors');
    showTuned(out.result);
    card.dataset.state = 'tuned';
  } catch (e) {
    $('tune').innerHTML = `<p class="remark">Not tuned: ${richText(e.message)}</p>`;
    $('tune-chart').replaceChildren();
    card.dataset.state = 'error';
  } finally {
    card.dataset.busy = 'false';
  }
});

// ---- the update loop ----

let generation = 0;

async function update() {
  const run = ++generation;
  const text = editor.value;
  // The recipe reader takes text as JSON when it starts with `{` or `[`, else as YAML.
  lastScan = /^\s*[[{]/.test(text) ? scan(text) : null;
  lineCount = text.split('\n').length;
  const options = renderOptions();
  if (text.trim() === '') {
    showDiagnostics([]);
    status.dataset.state = 'empty';
    status.textContent = 'empty';
    showPlan(null, options);
    yamlText = '';
    $('copy').disabled = true;
    $('yaml').hidden = true;
    $('oci').innerHTML = '';
    $('render-problems').innerHTML = '<li class="empty">Paste a recipe, or choose an example.</li>';
    shownRecipe = { text, plan: null };
    await simulate(text, null);
    if (run !== generation) return;
    status.dataset.busy = 'false';
    return;
  }
  const plan = corrino.plan(text);
  showDiagnostics(plan ? plan.diagnostics : corrino.validate(text));
  showPlan(plan, options);
  showManifests(text, plan, options);
  shownRecipe = { text, plan };
  clearTimeout(simulationTimer);
  const simulated = simulate(text, plan);
  const note = $('query-note');
  note.hidden = !hasCustomQuery(plan);
  if (hasCustomQuery(plan)) {
    note.textContent = 'Checking the custom PromQL query…';
    status.dataset.busy = 'true';
    try {
      const query = await loadQueryModule();
      if (run !== generation) return;
      showDiagnostics(query.validate(text));
      note.textContent = 'The custom PromQL query was checked by the query module, loaded for recipes that have one.';
    } catch (e) {
      note.textContent = `The custom PromQL query is not checked: the query module did not load (${e.message}).`;
    }
  }
  await simulated;
  if (run !== generation) return;
  status.dataset.busy = 'false';
}

let timer = 0;
const scheduleUpdate = () => {
  clearTimeout(timer);
  status.dataset.busy = 'true';
  timer = setTimeout(update, 150);
};

editor.addEventListener('input', () => {
  activePath = null;
  scheduleUpdate();
});
editor.addEventListener('scroll', syncScroll);
editor.addEventListener('keydown', (event) => {
  // Tab indents instead of leaving the editor.
  if (event.key === 'Tab' && !event.shiftKey && !event.ctrlKey && !event.metaKey) {
    event.preventDefault();
    editor.setRangeText('  ', editor.selectionStart, editor.selectionEnd, 'end');
    scheduleUpdate();
  }
});
$('options').addEventListener('input', scheduleUpdate);
$('options').addEventListener('submit', (event) => event.preventDefault());

// ---- start ----

const [, examples] = await Promise.all([
  init(),
  fetch('generated/examples.json').then((r) => r.json()),
  fetch('generated/recipe.schema.json')
    .then((r) => (r.ok ? r.json() : null))
    .then((s) => (schema = s))
    .catch(() => null),
]);
const select = $('example');
for (const { name } of examples) select.add(new Option(name, name));
select.addEventListener('change', () => {
  const example = examples.find((e) => e.name === select.value);
  if (!example) return;
  editor.value = example.text;
  editor.scrollTop = 0;
  activePath = null;
  update();
});
const first = examples.find((e) => e.name === 'autoscaling-example') ?? examples[0];
if (first) {
  select.value = first.name;
  editor.value = first.text;
}
await update();
installCompare($('simulation-card'), {
  recipe: () => editor.value,
  scenario: scenarioFromForm,
  modules: { sim: loadSimModule, query: loadQueryModule },
});
document.body.dataset.ready = 'true';
