// Comparing the recipe in the editor with a second input (another recipe, or Kubernetes YAML such as a `kubectl get
// -o yaml` dump of what is deployed) on the same load: the figures side by side and both runs in one chart. The
// simulator module's `compare` gives everything; this file only builds the form and shows the answer.
import { chartElement } from './chart.js';

const escapeHtml = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const richText = (s) => escapeHtml(s).replace(/`([^`]+)`/g, '<code>$1</code>');

/** A value as the table shows it: whole numbers plainly, others with up to two decimals, `–` for none. */
function shown(value) {
  if (value === null || value === undefined) return '–';
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(2)));
}

/** The comparison as a table: figure, this recipe, the other input, and the difference (signed). */
export function comparisonTable({ first, second, figures }) {
  const rows = figures
    .map((f) => {
      const d = f.difference;
      const difference = d === null ? '–' : d > 0 ? `+${shown(d)}` : shown(d);
      return `<tr data-figure="${escapeHtml(f.figure)}"><th scope="row">${escapeHtml(f.label)} <span class="muted">(${escapeHtml(
        f.unit,
      )})</span></th><td>${shown(f.first)}</td><td>${shown(f.second)}</td><td>${difference}</td></tr>`;
    })
    .join('');
  return `<table class="comparison"><thead><tr><th>figure</th><th>${escapeHtml(first)}</th><th>${escapeHtml(
    second,
  )}</th><th>difference</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/**
 * Adds the compare form to `card` and runs it on demand.
 * - `recipe()`: the editor's text;
 * - `scenario()`: the simulation form's scenario (throws when a field is invalid);
 * - `modules`: `{ sim, query }`, functions that load the simulator module and the query module (which also
 *   evaluates custom scaling queries).
 */
export function installCompare(card, { recipe, scenario, modules }) {
  const box = document.createElement('details');
  box.id = 'compare-card';
  box.dataset.state = 'none';
  box.innerHTML = `<summary>Compare with another recipe or with Kubernetes YAML</summary>
    <form id="compare-form" class="options">
      <label class="wide">Other input <span class="muted">(a recipe, or a ScaledObject or HPA with its workload)</span>
        <textarea id="compare-input" rows="8" spellcheck="false" autocapitalize="off" autocomplete="off" wrap="off"></textarea>
      </label>
      <button id="compare-button" type="submit">Compare on the same load</button>
    </form>
    <div id="compare"></div>
    <div id="compare-chart" class="chart"></div>`;
  card.append(box);
  const out = box.querySelector('#compare');
  const chart = box.querySelector('#compare-chart');
  box.querySelector('#compare-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    box.dataset.busy = 'true';
    chart.replaceChildren();
    try {
      const names = ['this recipe', 'the other input'];
      const args = [recipe(), box.querySelector('#compare-input').value, scenario(), names];
      let compared;
      try {
        compared = (await modules.sim()).compare(...args);
      } catch (e) {
        // A custom scaling query is evaluated by the query module only.
        if (!/query module|scaling query cannot be simulated/.test(e.message)) throw e;
        compared = (await modules.query()).compare(...args);
      }
      out.innerHTML = comparisonTable(compared.comparison);
      const svg = chartElement(compared.chart);
      chart.replaceChildren(...(svg ? [svg] : []));
      box.dataset.state = 'compared';
    } catch (e) {
      const problems = (e.diagnostics ?? [])
        .map((d) => `<li><code>${escapeHtml(d.path || '/')}</code> ${richText(d.message)}</li>`)
        .join('');
      out.innerHTML = `<p class="remark">Not compared: ${richText(e.message)}</p>${problems ? `<ul>${problems}</ul>` : ''}`;
      box.dataset.state = 'error';
    } finally {
      box.dataset.busy = 'false';
    }
  });
  return box;
}
