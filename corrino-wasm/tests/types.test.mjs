// The TypeScript declarations: they compile against an example of every call (and reject what the modules refuse),
// and the recipe's types are current with the recipe schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { recipeTypes } from '../tools/recipe-types.mjs';
import { apiTypes } from '../tools/api-types.mjs';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

test('the declarations type-check an example of every call (tsc --noEmit --strict)', () => {
  const tsc = here('../node_modules/typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', here('types/tsconfig.json')], { encoding: 'utf8' });
  } catch (e) {
    assert.fail(`tsc found errors:\n${e.stdout}${e.stderr}`);
  }
});

test('types/recipe.d.ts is current with fixtures/recipe.schema.json', async () => {
  const committed = readFileSync(here('../types/recipe.d.ts'), 'utf8');
  assert.ok(committed === (await recipeTypes()), 'types/recipe.d.ts is stale: run `node tools/recipe-types.mjs`');
});

test('types/api.d.ts is current with fixtures/api.schema.json', async () => {
  const committed = readFileSync(here('../types/api.d.ts'), 'utf8');
  assert.ok(committed === (await apiTypes()), 'types/api.d.ts is stale: run `node tools/api-types.mjs`');
});
