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
