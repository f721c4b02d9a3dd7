// Writes types/api.d.ts, the TypeScript form of the values the modules take and give (render options, plans,
// diagnostics, shapes, scenarios, simulations, searches), from fixtures/api.schema.json (itself derived from corrino-core's types). `--check`
// compares instead of writing and fails when the file is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compile } from 'json-schema-to-typescript';

const schemaPath = fileURLToPath(new URL('../../fixtures/api.schema.json', import.meta.url));
const outPath = fileURLToPath(new URL('../types/api.d.ts', import.meta.url));

/** The recipe's own types come from types/recipe.d.ts: these names are imported from there, not declared again. */
const FROM_RECIPE = ['Recipe', 'RecipeMode'];

export async function apiTypes() {
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
  const defs = schema.$defs;
  // Each root value becomes an interface named after its property; the root object itself is not exported.
  schema.title = 'CorrinoApi';
  // A `$ref` with a description or a default beside it would become a copy of the referenced type (named `Type1`
  // where two fields refer to it): keep the reference alone.
  const bareRefs = (node) => {
    if (Array.isArray(node)) return node.forEach(bareRefs);
    if (node === null || typeof node !== 'object') return;
    const beside = ['$ref', 'description', 'default'];
    if (typeof node.$ref === 'string' && Object.keys(node).every((k) => beside.includes(k))) {
      delete node.description;
      delete node.default;
    }
    Object.values(node).forEach(bareRefs);
  };
  bareRefs(schema);
  // A schema that says nothing of its value (any JSON, such as a diagnostic's input) is `unknown`, not an object.
  const SHAPING = ['type', '$ref', 'oneOf', 'anyOf', 'allOf', 'enum', 'const', 'items', 'properties'];
  const anyValue = (node) => {
    if (Array.isArray(node)) return node.forEach(anyValue);
    if (node === null || typeof node !== 'object') return;
    for (const value of Object.values(node.properties ?? {})) {
      if (value && typeof value === 'object' && !SHAPING.some((k) => k in value)) value.tsType = 'unknown';
    }
    Object.values(node).forEach(anyValue);
  };
  anyValue(schema);
  // An object with fields of its own and a choice of forms (serde's `flatten` of a tagged enum, such as an event's
  // time beside its kind) becomes one union: the common fields are written into each form.
  for (const def of Object.values(defs)) {
    if (!def.properties || !Array.isArray(def.oneOf)) continue;
    def.oneOf = def.oneOf.map((form) => ({
      ...form,
      properties: { ...def.properties, ...form.properties },
      required: [...(def.required ?? []), ...(form.required ?? [])],
    }));
    delete def.properties;
    delete def.required;
    delete def.type;
  }
  // Every definition is declared under its own name (an enum of documented constants would otherwise be inlined).
  for (const [name, def] of Object.entries(defs)) {
    def.title = name;
  }
  const fromRecipe = (node) => {
    if (Array.isArray(node)) return node.forEach(fromRecipe);
    if (node === null || typeof node !== 'object') return;
    const target = typeof node.$ref === 'string' && node.$ref.replace('#/$defs/', '');
    if (FROM_RECIPE.includes(target)) {
      delete node.$ref;
      node.tsType = target;
    }
    Object.values(node).forEach(fromRecipe);
  };
  fromRecipe(schema);
  const text = await compile(schema, 'CorrinoApi', {
    bannerComment:
      '// The values corrino takes and gives (render options, plans, diagnostics, shapes, scenarios, simulations and\n' +
      '// searches), generated from fixtures/api.schema.json by tools/api-types.mjs: do not edit.',
    additionalProperties: false,
    unknownAny: true,
    declareExternallyReferenced: true,
    style: { printWidth: 120, singleQuote: false },
  });
  const imports = `import type { ${FROM_RECIPE.join(', ')} } from "./recipe.js";\n\n`;
  // The root object only gathers the values; it is not part of the API.
  const body = text.replace(/export interface CorrinoApi \{[\s\S]*?\n\}\n/, '');
  return body.replace(/^(\/\/[^\n]*\n)+/, (banner) => banner + imports);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = await apiTypes();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(outPath, 'utf8');
    } catch {}
    if (current !== text) {
      console.error('types/api.d.ts is stale: run `node tools/api-types.mjs`');
      process.exit(1);
    }
  } else {
    writeFileSync(outPath, text);
  }
}
