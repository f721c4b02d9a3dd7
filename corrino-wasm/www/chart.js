// The simulation chart into the page. The simulator writes the SVG itself, but the page still treats it as data:
// the text is parsed as SVG (never as HTML), and only drawing elements and their geometry and paint attributes are
// kept, so a chart cannot bring a script, an event handler, a link or a fetch of anything into the page.

const SVG_NS = 'http://www.w3.org/2000/svg';
const DRAWING = new Set(['svg', 'g', 'rect', 'line', 'polyline', 'polygon', 'path', 'circle', 'ellipse', 'text', 'tspan', 'title', 'desc']);

/** Whether an attribute can do more than draw: event handlers, links (`href`, `xlink:href`) and inline styles,
 *  whose `url()` could fetch. */
const active = (name) => {
  const lower = name.toLowerCase();
  return lower.startsWith('on') || lower.endsWith('href') || lower === 'style';
};

function keepDrawing(element) {
  for (const attribute of [...element.attributes]) {
    if (active(attribute.name)) element.removeAttribute(attribute.name);
  }
  for (const child of [...element.children]) {
    if (child.namespaceURI === SVG_NS && DRAWING.has(child.localName)) keepDrawing(child);
    else child.remove();
  }
}

/** The chart as an `<svg>` element of `doc`, with everything but drawing removed; null when the text is not SVG. */
export function chartElement(text, doc = document) {
  const parsed = new DOMParser().parseFromString(text, 'image/svg+xml');
  const root = parsed.documentElement;
  if (root.namespaceURI !== SVG_NS || root.localName !== 'svg' || parsed.getElementsByTagName('parsererror').length) {
    return null;
  }
  keepDrawing(root);
  return doc.importNode(root, true);
}

/** The Pareto front of a search (`tune`'s result) as an `<svg>` element of `doc`: GPU-hours across, seconds over
 *  the objective up, the front joined cheapest first, the recipe's own settings as a square and the chosen ones
 *  ringed. Built element by element, so no text is parsed. */
export function tuneChart(result, doc = document) {
  const [width, height, left, right, top, bottom] = [640, 300, 64, 16, 28, 44];
  const svg = doc.createElementNS(SVG_NS, 'svg');
  const attrs = (element, values) => {
    for (const [name, value] of Object.entries(values)) element.setAttribute(name, String(value));
    return element;
  };
  const add = (name, values, text) => {
    const element = attrs(doc.createElementNS(SVG_NS, name), values);
    if (text !== undefined) element.textContent = text;
    svg.appendChild(element);
    return element;
  };
  attrs(svg, { viewBox: `0 0 ${width} ${height}`, width, height, 'font-family': 'sans-serif', 'font-size': 11 });
  const rows = result.records;
  const xs = rows.map((r) => r.gpu_hours);
  const ys = rows.map((r) => r.seconds_over_slo);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const y1 = Math.max(...ys, 1);
  const spanX = x1 - x0 || 1;
  const px = (x) => left + ((x - (x0 - spanX * 0.05)) / (spanX * 1.1)) * (width - left - right);
  const py = (y) => height - bottom - (y / (y1 * 1.1)) * (height - top - bottom);
  add('rect', { x: 0, y: 0, width, height, fill: '#ffffff' });
  add('line', { x1: left, y1: height - bottom, x2: width - right, y2: height - bottom, stroke: '#555' });
  add('line', { x1: left, y1: top, x2: left, y2: height - bottom, stroke: '#555' });
  add('text', { x: left, y: 16, 'font-weight': 'bold' }, `Pareto front: ${result.evaluated} settings simulated, objective ${result.slo}`);
  add('text', { x: (left + width - right) / 2, y: height - 8, 'text-anchor': 'middle' }, 'GPU-hours');
  add('text', { x: 14, y: (top + height - bottom) / 2, transform: `rotate(-90 14 ${(top + height - bottom) / 2})`, 'text-anchor': 'middle' }, `seconds over ${result.slo}`);
  for (const x of [x0, x1]) {
    add('text', { x: px(x), y: height - bottom + 14, 'text-anchor': 'middle' }, x.toFixed(2));
  }
  for (const y of [0, y1]) {
    add('text', { x: left - 6, y: py(y) + 4, 'text-anchor': 'end' }, String(y));
  }
  const front = rows.filter((r) => r.on_front);
  add('polyline', {
    points: front.map((r) => `${px(r.gpu_hours).toFixed(1)},${py(r.seconds_over_slo).toFixed(1)}`).join(' '),
    fill: 'none',
    stroke: '#2563eb',
    'stroke-width': 1.5,
  });
  for (const r of rows) {
    const [cx, cy] = [px(r.gpu_hours), py(r.seconds_over_slo)];
    const label = `${r.gpu_hours.toFixed(2)} GPU-h, ${r.seconds_over_slo} s over, ${r.flaps} flaps: threshold ${r.threshold}, ${r.min_replicas}–${r.max_replicas} replicas`;
    const mark = r.is_recipe
      ? add('rect', { x: cx - 5, y: cy - 5, width: 10, height: 10, fill: '#dc2626', 'data-recipe': 'true' })
      : add('circle', { cx, cy, r: 4, fill: '#2563eb', 'data-front': 'true' });
    const title = doc.createElementNS(SVG_NS, 'title');
    title.textContent = (r.is_recipe ? "the recipe's own: " : '') + label;
    mark.appendChild(title);
    if (r.chosen) add('circle', { cx, cy, r: 9, fill: 'none', stroke: '#16a34a', 'stroke-width': 2.5, 'data-chosen': 'true' });
  }
  add('rect', { x: width - right - 150, y: top, width: 10, height: 10, fill: '#dc2626' });
  add('text', { x: width - right - 135, y: top + 9 }, "the recipe's own");
  add('circle', { cx: width - right - 145, cy: top + 22, r: 6, fill: 'none', stroke: '#16a34a', 'stroke-width': 2.5 });
  add('text', { x: width - right - 135, y: top + 26 }, 'chosen');
  return svg;
}
