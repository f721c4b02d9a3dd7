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

const MODES = { service: 'service', job: 'job', shared_node_pool: 'shared node pool', update: 'update', team: 'team' };
const PHASES = {
  'node-provisioning': 'node provisioning',
  'image-pull': 'image pull',
  'weights-download': 'weights download',
  'weights-load': 'weights load',
  'engine-start': 'engine start',
};
const WEIGHTS_SOURCES = {
  'hugging-face': 'Hugging Face',
  'hugging-face-cache': 'the Hugging Face cache',
  ngc: 'NGC',
  'object-storage': 'Object Storage',
  'file-storage': 'File Storage',
  'node-disk': 'the node’s disk',
  unknown: 'unknown',
};
const modeName = (mode) => (mode === null ? 'deployment group' : (MODES[mode] ?? mode));
const gib = (bytes) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
const billions = (n) => `${(n / 1e9).toFixed(n < 1e10 ? 2 : 1)} B`;
const code = (s) => `<code>${escapeHtml(s)}</code>`;
const none = (what = 'none') => `<span class="muted">${escapeHtml(what)}</span>`;
const badge = (text, kind = '') => `<span class="badge${kind ? ` ${kind}` : ''}">${escapeHtml(text)}</span>`;

/** A list of facts: `[key, label, html]` rows, each value findable by its `data-fact` key. */
function facts(rows) {
  return `<dl class="facts">${rows
    .filter(Boolean)
    .map(([key, label, html]) => `<dt>${escapeHtml(label)}</dt><dd data-fact="${key}">${html}</dd>`)
    .join('')}</dl>`;
}

/** One mode's section of the plan, findable by its `data-section` key. */
const section = (key, title, note, body) =>
  `<section class="plan-section" data-section="${key}"><h3>${title}${note ? ` <span class="muted">(${note})</span>` : ''}</h3>${body}</section>`;

function shapeText(shape) {
  const gpus = shape.gpus;
  return `${code(shape.name)} · ${
    gpus ? `${gpus.count} × ${gpus.vendor === 'amd' ? 'AMD' : 'NVIDIA'} ${escapeHtml(gpus.model)} (${gpus.memory_gb} GB)` : 'no GPU'
  } · ${shape.ocpus} OCPUs · ${shape.memory_gb} GB`;
}

function summaryFacts(plan) {
  // Pools, updates and teams name no workload: their deployment name is a label, shown as written.
  const workload = plan.mode === 'service' || plan.mode === 'job';
  const name = plan.name
    ? code(plan.name)
    : !workload && plan.recipe.deployment_name
      ? `${code(plan.recipe.deployment_name)} <span class="muted">(a label)</span>`
      : plan.mode === null
        ? none('none: a group')
        : '<span class="muted">invalid</span>';
  return facts([
    plan.member != null && ['member', 'Member', code(plan.member)],
    ['name', 'Name', name],
    ['mode', 'Mode', escapeHtml(modeName(plan.mode))],
    (plan.shape || workload || plan.mode === 'shared_node_pool') && [
      'shape',
      'Shape',
      plan.shape ? shapeText(plan.shape) : '<span class="muted">unknown</span>',
    ],
    plan.mode === 'service' && ['port', 'Port', plan.container_port ?? none()],
  ]);
}

function capacitySection(c) {
  const unit = c.unit.kind === 'gpus' ? plural(c.unit.per_replica, 'GPU') : `a ${escapeHtml(c.unit.profile)} MIG slice`;
  const multinode = (c.nodes_per_replica ?? 1) > 1;
  return `<h3>Capacity <span class="muted">(${unit} per ${multinode ? 'pod' : 'replica'})</span></h3>
    <div class="stats">
      ${multinode ? stat(c.nodes_per_replica, 'nodes per replica') : stat(c.replicas_per_node, 'replicas per node')}
      ${stat(c.max_replicas, 'max replicas')}
      ${stat(c.nodes_needed, 'nodes needed')}
      ${stat(c.max_nodes ?? '?', `max nodes (${c.node_bound.replace('-', ' ')})`)}
      ${stat(c.pending_replicas, 'pending replicas', c.pending_replicas > 0)}
      ${stat(c.idle_per_node, c.unit.kind === 'gpus' ? 'idle GPUs per node' : 'idle slices per node')}
    </div>`;
}

/** A job: how it runs (as its rendered Job has it, when the recipe renders), where it queues, what it uploads. */
function jobSection(plan, job) {
  const spec = job?.spec;
  const rendered = (value, text) => (spec ? text(value) : none('not rendered'));
  const q = plan.queue;
  const outputs = plan.recipe.output_object_storage ?? [];
  return section(
    'job',
    'Job',
    'batch/v1 Job: runs to completion',
    facts([
      ['restart-policy', 'Restart policy', rendered(spec?.template?.spec?.restartPolicy, (v) => code(v ?? 'Always'))],
      ['backoff-limit', 'Backoff limit', rendered(spec?.backoffLimit, (v) => (v === undefined ? '6 (Kubernetes’ default)' : `${v} ${v === 1 ? 'retry' : 'retries'}`))],
      [
        'ttl',
        'After it finishes',
        rendered(spec?.ttlSecondsAfterFinished, (v) => (v === undefined ? 'kept until deleted' : `deleted after ${seconds(v)}`)),
      ],
      [
        'queue',
        'Queue',
        q
          ? `Kueue LocalQueue ${code(q.local_queue)} of the team ${code(q.team)}, priority class ${code(q.priority_class)}`
          : 'none: scheduled at once',
      ],
      ['namespace', 'Namespace', q ? `${code(q.namespace)} <span class="muted">(the team’s)</span>` : none('the render options’')],
      [
        'outputs',
        'Outputs',
        outputs.length
          ? `<ul class="plain">${outputs
              .map(
                (o) =>
                  `<li>${code(o.mount_location ?? '?')} → bucket ${code(o.bucket_name ?? '?')}${
                    o.volume_size_in_gbs ? ` <span class="muted">(${o.volume_size_in_gbs} GB volume)</span>` : ''
                  }</li>`,
              )
              .join('')}</ul>`
          : none('none: nothing is uploaded'),
      ],
    ]),
  );
}

function multinodeSection(plan) {
  const m = plan.multinode;
  const c = plan.capacity;
  const p = plan.model?.parallelism;
  const gpusPerNode = c?.gpus_per_node ?? p?.gpus_per_node;
  return section(
    'multinode',
    'Multinode',
    'a LeaderWorkerSet: each replica a group of whole nodes',
    `<div class="stats">
      ${stat(m.nodes, 'nodes per group')}
      ${stat(gpusPerNode ?? '?', 'GPUs per node')}
      ${stat(gpusPerNode === undefined ? '?' : gpusPerNode * m.nodes, 'GPUs per group')}
      ${stat(c?.max_replicas ?? '?', 'groups (max replicas)')}
      ${stat(c?.nodes_needed ?? '?', 'nodes needed')}
    </div>${facts([
      ['roles', 'Roles', `1 leader (serves the port) + ${plural(m.nodes - 1, 'worker')} per group`],
      p && ['parallelism', 'Parallelism', `tensor ${p.tensor} × pipeline ${p.pipeline}`],
      ['network', 'Network', m.rdma ? 'RDMA: the shared pool’s cluster network' : 'the pod network (no RDMA)'],
    ])}`,
  );
}

function recognitionText(model) {
  const r = model.model.recognition;
  if (r.kind === 'catalog') {
    return `${escapeHtml(r.name)} ${code(r.id)} ${badge(r.confirmed ? 'confirmed' : 'unconfirmed', r.confirmed ? 'ok' : 'estimate')}`;
  }
  if (r.kind === 'size') return `about ${billions(r.parameters)} parameters ${badge('from its name', 'estimate')}`;
  return `<span class="muted">not recognised: ${richText(r.reason)}</span>`;
}

/** A service's model: which it is, whether it fits its GPUs, its KV cache and its cold start, as assessed. */
function modelSection(model) {
  const m = model.memory;
  const kv = m?.kv;
  const spec = model.spec;
  const p = model.parallelism;
  const s = model.startup;
  const rows = [
    ['model', 'Model', recognitionText(model)],
    model.model.model != null && [
      'named',
      'Named',
      `${code(model.model.model)} <span class="muted">from ${escapeHtml(WEIGHTS_SOURCES[model.model.weights_source] ?? model.model.weights_source)}</span>`,
    ],
    spec && [
      'parameters',
      'Parameters',
      `${billions(spec.parameters)}${spec.active_parameters ? ` (${billions(spec.active_parameters)} active)` : ''} · ${spec.layers} layers · context ${spec.max_context}`,
    ],
    model.weights_bytes != null && ['weights', 'Weights', `${gib(model.weights_bytes)} (${escapeHtml(model.weight_format ?? '?')})`],
    [
      'parallelism',
      'Parallelism',
      `tensor ${p.tensor} × pipeline ${p.pipeline}${p.mig_profile ? ` on ${code(p.mig_profile)} slices` : ''}${p.nodes > 1 ? ` over ${plural(p.nodes, 'node')}` : ''}`,
    ],
    m && [
      'device',
      'GPU memory',
      `${escapeHtml(m.device.name)}: ${gib(m.device.memory_bytes)} ${m.device.estimate ? badge('estimate', 'estimate') : ''}<span class="muted"> (${escapeHtml(m.device.source)})</span>`,
    ],
  ];
  const fit = m
    ? `<div class="stats">
        ${stat(m.weights_fit ? 'fits' : 'does not fit', 'weights in GPU memory', !m.weights_fit)}
        ${stat(gib(m.weights_bytes_per_gpu), `weights per GPU (of ${m.gpus})`)}
        ${stat(gib(m.usable_bytes_per_gpu), `usable per GPU (${Math.round(m.gpu_memory_utilization * 100)} %)`)}
        ${stat(gib(m.overhead_bytes_per_gpu), 'overhead per GPU (estimated)')}
        ${kv ? stat(kv.tokens.toLocaleString('en'), 'KV cache tokens') : ''}
        ${kv ? stat(kv.sequences_at_max_model_len, `sequences of ${kv.max_model_len} tokens`, kv.sequences_at_max_model_len < 1) : ''}
      </div>`
    : '<p class="remark">The memory is not checked: the model’s size or the GPU is unknown.</p>';
  const kvFacts = kv
    ? facts([
        ['context', 'Context checked', `${kv.max_model_len} tokens <span class="muted">(${escapeHtml(kv.max_model_len_source)})</span>`],
        ['longest', 'Longest sequence', `${kv.longest_sequence.toLocaleString('en')} tokens (at best ${kv.longest_sequence_best_case.toLocaleString('en')})`],
        [
          'concurrency',
          'Concurrency',
          `${kv.sequences_at_expected_length} sequences of ${kv.expected.tokens_per_sequence} tokens fit; expected ${kv.expected.concurrency} <span class="muted">(${
            kv.expected.from_max_num_seqs ? 'the recipe’s --max-num-seqs' : 'the guide’s load'
          })</span>${kv.sequences_at_expected_length < kv.expected.concurrency ? ` ${badge('too few', 'alert')}` : ''}`,
        ],
      ])
    : '';
  const parts = s.parts
    .map(
      (part) => `<tr data-phase="${part.phase}"><th>${escapeHtml(PHASES[part.phase] ?? part.phase)}</th><td>${seconds(part.seconds)}</td><td>${
        part.in_container ? 'in the container' : 'before it'
      }</td><td>${richText(part.assumption)}<br><span class="muted">${escapeHtml(part.source)}</span></td></tr>`,
    )
    .join('');
  const startup = `<h4>Cold start: <span data-fact="cold-start">${seconds(s.cold_start_seconds)}</span> <span class="muted">(a replica on a new node; the startup probe allows ${seconds(
    s.container_start_seconds,
  )})</span></h4>
    <table class="plan-table startup"><tbody>${parts}</tbody></table>
    ${s.weights_counted ? '' : '<p class="remark">The weights’ download and load are not counted: their size is unknown.</p>'}`;
  const unchecked = (model.unchecked ?? []).length
    ? `<ul class="plain note" data-fact="unchecked">${model.unchecked.map((u) => `<li>not checked: ${richText(u)}</li>`).join('')}</ul>`
    : '';
  return section('model', 'Model', `engine ${escapeHtml(model.engine)}`, `${facts(rows)}${fit}${kvFacts}${startup}${unchecked}`);
}

function podAutoscalingSection(plan, options, top) {
  const pod = plan.pod_autoscaling;
  const bound = { value: pod.max_replicas, source: 'recipe' };
  const q = planQuery(plan, options);
  return `<h3>Pod autoscaling <span class="muted">(KEDA, metric type ${pod.metric_type})</span></h3>
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
    </tbody></table>
    <h4>Query: ${q.label}</h4>${q.text ? `<pre class="query"${top ? ' id="query"' : ''}>${escapeHtml(q.text)}</pre>` : ''}`;
}

function teamSection(team) {
  const limit = (v) => (v === null ? none('–') : escapeHtml(v));
  const resources = [
    ['cpu', 'CPU'],
    ['memory', 'memory'],
    ['gpus', 'GPUs'],
  ];
  const rows = team.quotas
    .flatMap((q) =>
      resources.map(
        ([key, label], i) => `<tr data-quota="${escapeHtml(q.shape)}/${key}">${
          i === 0 ? `<th rowspan="3">${code(q.shape)}</th>` : ''
        }<td>${label}</td><td>${escapeHtml(q[key].nominal)}</td><td>${limit(q[key].borrowing)}</td><td>${limit(q[key].lending)}</td></tr>`,
      ),
    )
    .join('');
  return section(
    'team',
    'Team',
    'Kueue: a ResourceFlavor per shape, a ClusterQueue, a LocalQueue',
    `${facts([
      ['team', 'Team', code(team.name)],
      ['namespace', 'Namespace', code(team.namespace)],
      ['cluster-queue', 'ClusterQueue', code(team.cluster_queue)],
      ['local-queue', 'LocalQueue', code(team.local_queue)],
      ['cohort', 'Cohort', `${code(team.cohort)} <span class="muted">(every team’s: quota is lent and borrowed there)</span>`],
      ['priority', 'Priority', `${team.priority} <span class="muted">(WorkloadPriorityClass ${code(team.priority_class)})</span>`],
    ])}
    <table class="plan-table quotas"><thead><tr><th>flavor (shape)</th><th>resource</th><th>nominal</th><th>may borrow</th><th>may lend</th></tr></thead>
      <tbody>${rows}</tbody></table>`,
  );
}

function updateSection(update) {
  const t = update.target;
  const target =
    t.kind === 'node' ? `the node ${code(t.name)}` : `every node with ${code(`${t.label}=${t.value}`)} <span class="muted">(a pool’s nodes)</span>`;
  const labels = Object.entries(update.labels);
  return section(
    'update',
    'Update',
    'labels patched onto existing nodes',
    `${facts([['target', 'Nodes', target]])}
    <table class="plan-table labels"><thead><tr><th>label</th><th>value</th></tr></thead><tbody>${labels
      .map(([k, v]) => `<tr data-label="${escapeHtml(k)}"><td>${code(k)}</td><td>${code(v)}</td></tr>`)
      .join('')}</tbody></table>`,
  );
}

function sharedPoolSection(plan) {
  const r = plan.recipe;
  const size = r.shared_node_pool_size;
  const gpus = plan.shape?.gpus;
  return section(
    'shared-pool',
    'Shared node pool',
    'an OCI node pool that services and jobs select',
    facts([
      ['size', 'Nodes', size === undefined ? none('unknown') : `${size}${gpus ? ` <span class="muted">(${size * gpus.count} GPUs)</span>` : ''}`],
      ['selector', 'Selector', r.shared_node_pool_selector ? code(r.shared_node_pool_selector) : none('none: any recipe of its shape')],
      ['mig', 'MIG layout', r.shared_node_pool_mig_config ? code(r.shared_node_pool_mig_config) : none()],
      r.shared_node_pool_boot_volume_size_in_gbs && ['boot-volume', 'Boot volume', `${r.shared_node_pool_boot_volume_size_in_gbs} GB`],
    ]),
  );
}

function membersSection(plan, options, rendered) {
  const rows = plan.members
    .map(
      (m) => `<tr data-member="${escapeHtml(m.member ?? '')}"><td>${code(m.member ?? '?')}</td><td>${escapeHtml(modeName(m.mode))}</td><td>${
        m.name ? code(m.name) : none('–')
      }</td><td>${m.shape ? code(m.shape.name) : none('–')}</td></tr>`,
    )
    .join('');
  const details = plan.members
    .map(
      (m) => `<details class="member" data-member="${escapeHtml(m.member ?? '')}"><summary>${escapeHtml(m.member ?? '?')} · ${escapeHtml(
        modeName(m.mode),
      )}</summary>${planSections(m, options, rendered, false)}</details>`,
    )
    .join('');
  return section(
    'members',
    'Group members',
    'deployed together, each after those it depends on',
    `<table class="plan-table members"><thead><tr><th>member</th><th>mode</th><th>name</th><th>shape</th></tr></thead><tbody>${rows}</tbody></table>${details}`,
  );
}

/** The plan's sections: the facts, then what the recipe's mode has. `rendered` holds the rendered objects, if any. */
function planSections(plan, options, rendered, top) {
  const parts = [summaryFacts(plan)];
  if (plan.capacity) parts.push(capacitySection(plan.capacity));
  if (plan.mode === 'job') {
    const job = rendered?.find((o) => o.kind === 'Job' && o.metadata.name === plan.name);
    parts.push(jobSection(plan, job));
  }
  if (plan.multinode) parts.push(multinodeSection(plan));
  if (plan.model) parts.push(modelSection(plan.model));
  if (plan.pod_autoscaling) parts.push(podAutoscalingSection(plan, options, top));
  if (plan.node_autoscaling) {
    parts.push(`<h3>Node autoscaling</h3><p>${plan.node_autoscaling.min_nodes} to ${plan.node_autoscaling.max_nodes} nodes (Cluster Autoscaler)</p>`);
  }
  if (plan.team) parts.push(teamSection(plan.team));
  if (plan.update) parts.push(updateSection(plan.update));
  if (plan.mode === 'shared_node_pool') parts.push(sharedPoolSection(plan));
  if (plan.members?.length) parts.push(membersSection(plan, options, rendered));
  return parts.join('');
}

const hasJob = (plan) => plan.mode === 'job' || (plan.members ?? []).some(hasJob);

function showPlan(text, plan, options) {
  const box = $('plan');
  if (!plan) {
    box.innerHTML = '<p class="muted">The text is not a recipe yet.</p>';
    return;
  }
  // A job's restart policy, retries and lifetime are the rendered Job's (the render options decide two of them).
  let rendered = null;
  if (hasJob(plan) && !plan.diagnostics.some((d) => d.severity === 'error')) {
    try {
      rendered = corrino.render(text, options).objects;
    } catch {
      rendered = null;
    }
  }
  box.innerHTML = planSections(plan, options, rendered, true);
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

/** Why a recipe that renders has no Kubernetes object: what it is instead. */
function noObjects(plan) {
  if (plan?.mode === 'shared_node_pool') return 'No Kubernetes objects: a shared pool is its node pool document, below.';
  if (plan?.update) {
    return 'No Kubernetes objects: a pool’s nodes are not known before the cluster is asked, so the labels are a document, below, that <code>corrino apply</code> patches onto every node the selector finds.';
  }
  return 'No Kubernetes objects: only the OCI documents below.';
}

function showManifests(text, plan, options) {
  const out = corrino.renderYaml(text, options);
  const problems = $('render-problems');
  const planHasErrors = plan?.diagnostics.some((d) => d.severity === 'error') ?? true;
  yamlText = out.yaml ?? '';
  // A shared pool renders to its node pool document alone, and an update of a pool's nodes to its labels' document:
  // an empty stream.
  const objects = yamlText !== '';
  $('copy').disabled = !objects;
  $('yaml').querySelector('code').innerHTML = objects ? highlightYaml(yamlText) : '';
  $('yaml').hidden = !objects;
  if (out.yaml === null) {
    problems.innerHTML = planHasErrors
      ? '<li class="empty">Not rendered: the recipe has errors (see Problems).</li>'
      : out.diagnostics.map((d) => diagnosticItem(d, null)).join('');
  } else if (!objects) {
    problems.innerHTML = `<li class="empty">${noObjects(plan)}</li>`;
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
    showPlan(text, null, options);
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
  showPlan(text, plan, options);
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
