#!/usr/bin/env node
// node tests/schema/validate-recipes.mjs SCHEMA.json RECIPE.json...
// Validates recipes (JSON) against corrino's recipe JSON Schema (draft 2020-12) with ajv.
// Prints "ok FILE" or "FAIL FILE: /path: message" per error; exits 1 if any recipe failed.
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const [schemaPath, ...files] = process.argv.slice(2);
if (!schemaPath || files.length === 0) {
  console.error("usage: validate-recipes.mjs SCHEMA.json RECIPE.json...");
  process.exit(2);
}
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
// schemars writes the Rust integer type as a format ("uint32", "int64"); check the range it implies.
const ranges = {
  uint8: [0, 2 ** 8 - 1], uint16: [0, 2 ** 16 - 1], uint32: [0, 2 ** 32 - 1], uint64: [0, 2 ** 64 - 1], uint: [0, 2 ** 64 - 1],
  int8: [-(2 ** 7), 2 ** 7 - 1], int16: [-(2 ** 15), 2 ** 15 - 1], int32: [-(2 ** 31), 2 ** 31 - 1], int64: [-(2 ** 63), 2 ** 63 - 1],
};
for (const [format, [min, max]] of Object.entries(ranges)) {
  ajv.addFormat(format, { type: "number", validate: (n) => Number.isInteger(n) && n >= min && n <= max });
}
for (const format of ["double", "float"]) ajv.addFormat(format, { type: "number", validate: () => true });
const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, "utf8")));
let failed = false;
for (const file of files) {
  let recipe;
  try {
    recipe = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    console.log(`FAIL ${file}: not JSON: ${e.message}`);
    failed = true;
    continue;
  }
  if (validate(recipe)) {
    console.log(`ok ${file}`);
  } else {
    failed = true;
    for (const e of validate.errors) console.log(`FAIL ${file}: ${e.instancePath || "/"}: ${e.message}`);
  }
}
process.exit(failed ? 1 : 0);
