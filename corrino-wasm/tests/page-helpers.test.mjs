// The page's helpers: the JSON pointer scanner (www/pointer.js) finds every path a diagnostic of a fixture names, at
// the value it names or at its nearest ancestor when it names a missing field; the schema reader (www/schema.js)
// finds the documentation of the fields diagnostics name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scan, escapeSegment, parentPointer } from '../www/pointer.js';
import { describe } from '../www/schema.js';
import { comparisonTable } from '../www/compare.js';

const require = createRequire(import.meta.url);
const corrino = require('../pkg-node/corrino_wasm.js');
const fixtures = fileURLToPath(new URL('../../fixtures/', import.meta.url));

/** The value at a pointer of a parsed document, or undefined. */
function resolve(doc, pointer) {
  if (pointer === '') return doc;
  let here = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (here === null || typeof here !== 'object' || !Object.hasOwn(here, key)) return undefined;
    here = here[key];
  }
  return here;
}

function fixtureTexts() {
  const out = [];
  for (const dir of ['recipes', 'invalid']) {
    // `invalid/<name>.diagnostics.json` are the broken recipes' golden diagnostics, not recipes.
    const recipes = readdirSync(join(fixtures, dir)).filter((f) => f.endsWith('.json') && !f.endsWith('.diagnostics.json'));
    for (const file of recipes.sort()) {
      const bytes = readFileSync(join(fixtures, dir, file));
      out.push({ name: `${dir}/${file}`, bytes, text: bytes.toString('utf8') });
    }
  }
  return out;
}

test('every diagnostic path of every fixture is found in its text', () => {
  let exact = 0;
  let missing = 0;
  for (const { name, bytes, text } of fixtureTexts()) {
    let doc;
    try {
      doc = JSON.parse(text);
    } catch {
      continue; // Broken JSON: the syntax tests below.
    }
    const found = scan(text);
    assert.equal(found.error, null, name);
    for (const d of corrino.validate(bytes)) {
      const span = found.find(d.path);
      assert.ok(span, `${name}: ${d.path} not found`);
      const value = resolve(doc, d.path);
      if (value === undefined) {
        // A missing field: the span is the nearest ancestor that exists.
        assert.equal(span.exact, false, `${name}: ${d.path}`);
        let parent = parentPointer(d.path);
        while (resolve(doc, parent) === undefined) parent = parentPointer(parent);
        assert.deepStrictEqual(JSON.parse(text.slice(span.valueStart, span.end)), resolve(doc, parent));
        missing += 1;
      } else {
        assert.equal(span.exact, true, `${name}: ${d.path}`);
        assert.deepStrictEqual(JSON.parse(text.slice(span.valueStart, span.end)), value, `${name}: ${d.path}`);
        exact += 1;
      }
    }
  }
  assert.ok(exact > 50 && missing > 3, `${exact} exact, ${missing} missing`);
});

test('a member starts at its key, on the key line', () => {
  const text = '{\n  "a": {\n    "b/c": [1,\n      {"d~e": true}]\n  }\n}\n';
  const found = scan(text);
  const member = found.find(`/a/${escapeSegment('b/c')}`);
  assert.equal(text.slice(member.start, member.start + 6), '"b/c":');
  assert.equal(member.line, 3);
  assert.equal(member.endLine, 4);
  const nested = found.find(`/a/b~1c/1/${escapeSegment('d~e')}`);
  assert.equal(nested.line, 4);
  assert.equal(text.slice(nested.valueStart, nested.end), 'true');
  assert.equal(found.find('/a/b~1c/0').line, 3);
  assert.deepStrictEqual(found.find('/a/zzz'), { ...found.find('/a'), exact: false });
  assert.equal(found.find('').line, 1);
});

test('a syntax error is placed on the line the recipe reader names', () => {
  for (const file of ['syntax-error.json', 'missing-closing-brace.json']) {
    const bytes = readFileSync(join(fixtures, 'invalid', file));
    const [diagnostic] = corrino.validate(bytes);
    const line = Number(/at line (\d+)/.exec(diagnostic.message)[1]);
    assert.equal(scan(bytes.toString('utf8')).error.line, line, file);
  }
});

test('text that is not JSON, or too deep, gives an error and no crash', () => {
  for (const text of ['', 'recipe_mode: service', '{"a": [1, 2', '['.repeat(100_000), '{"a" 1}', '"\\x"']) {
    const found = scan(text);
    assert.notEqual(found.error, null, JSON.stringify(text.slice(0, 20)));
  }
  const partial = scan('{"a": 1, "b": {"c": tru');
  assert.equal(partial.find('/a').exact, true);
  assert.equal(partial.find('/b/c').exact, true);
});

test('the fields that diagnostics name are documented in the schema', () => {
  const schema = JSON.parse(readFileSync(join(fixtures, 'recipe.schema.json'), 'utf8'));
  assert.equal(describe(schema, '/recipe_node_shape'), 'The OCI shape of the nodes.');
  assert.equal(describe(schema, '/recipe_pod_autoscaling_params/max_replicas'), 'The most replicas.');
  assert.equal(describe(schema, '/deployment_group/deployments/0/recipe/recipe_node_shape'), 'The OCI shape of the nodes.');
  assert.equal(typeof describe(schema, '/recipe_container_env/1/key'), 'string');
  assert.match(describe(schema, '/recipe_container_command_args/0'), /^The container's arguments/);
  assert.equal(describe(schema, '/recipe_node_shap'), null);
  assert.equal(describe(schema, ''), null);
  let documented = 0;
  for (const { bytes } of fixtureTexts()) {
    for (const d of corrino.validate(bytes)) {
      if (d.code === 'unknown-field' || d.path === '') continue;
      assert.equal(typeof describe(schema, d.path), 'string', d.path);
      documented += 1;
    }
  }
  assert.ok(documented > 50, `${documented} documented paths`);
});

test('the comparison table shows every figure of the golden, signed differences and escaped names', () => {
  const golden = JSON.parse(readFileSync(join(fixtures, 'expected/autoscaling-example.compare.json'), 'utf8'));
  const html = comparisonTable({ ...golden, first: '<a>' });
  assert.equal((html.match(/<tr data-figure=/g) ?? []).length, golden.figures.length);
  assert.match(html, /<th>&lt;a&gt;<\/th>/);
  assert.match(html, /data-figure="first_node_requested_at"><th scope="row">first node requested <span class="muted">\(s\)<\/span><\/th><td>200<\/td><td>390<\/td><td>\+190<\/td>/);
  assert.match(html, /data-figure="latency_p95">.*<td>-2.5<\/td>/);
});
