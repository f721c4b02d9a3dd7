// Writes types/recipe.d.ts, the TypeScript form of the recipe, from fixtures/recipe.schema.json (itself derived
// from corrino-core's types). `--check` compares instead of writing and fails when the file is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compile } from 'json-schema-to-typescript';

const schemaPath = fileURLToPath(new URL('../../fixtures/recipe.schema.json', import.meta.url));
const outPath = fileURLToPath(new URL('../types/recipe.d.ts', import.meta.url));

export async function recipeTypes() {
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
  // The schema's title names the top-level interface.
  schema.title = 'Recipe';
  // A `$ref` with a description beside it would become a copy of the referenced type (`Recipe1`, `ProbeParams2`):
  // keep the reference alone, so that each type is declared once.
  const bareRefs = (node) => {
    if (Array.isArray(node)) return node.forEach(bareRefs);
    if (node === null || typeof node !== 'object') return;
    if (typeof node.$ref === 'string' && Object.keys(node).every((k) => k === '$ref' || k === 'description')) {
      delete node.description;
    }
    Object.values(node).forEach(bareRefs);
  };
  bareRefs(schema);
  return compile(schema, 'Recipe', {
    bannerComment:
      '// The recipe format (the body of POST /deployment), generated from fixtures/recipe.schema.json by\n' +
      '// tools/recipe-types.mjs: do not edit.',
    additionalProperties: false,
    unknownAny: true,
    style: { printWidth: 120, singleQuote: false },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = await recipeTypes();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(outPath, 'utf8');
    } catch {}
    if (current !== text) {
      console.error('types/recipe.d.ts is stale: run `node tools/recipe-types.mjs`');
      process.exit(1);
    }
  } else {
    writeFileSync(outPath, text);
  }
}
