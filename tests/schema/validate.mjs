#!/usr/bin/env node
// node tests/schema/validate.mjs [--reference DIR] FILE.yaml|DIR ...
// Prints "ok Kind/name" or one "FAIL Kind/name: /path: message [source]" line per error;
// exits 1 if any object failed, 2 on bad usage.
import { existsSync } from "node:fs";
import { hasReference, readObjects, validateObjects } from "./lib.mjs";

const args = process.argv.slice(2);
let referenceDir;
const inputs = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--reference") referenceDir = args[++i];
  else inputs.push(args[i]);
}
const missing = inputs.filter((p) => !existsSync(p));
if (inputs.length === 0 || missing.length > 0 || (args.includes("--reference") && !referenceDir)) {
  console.error(missing.length ? `no such file: ${missing.join(", ")}` : "usage: validate.mjs [--reference DIR] FILE.yaml...");
  process.exit(2);
}
if (referenceDir && !hasReference(referenceDir)) {
  console.error(`note: no reference schemas in ${referenceDir}; checking with the package validators only`);
}

const { objects, problems } = readObjects(inputs);
let failed = problems.length > 0;
for (const problem of problems) console.log(`FAIL ${problem}`);
for (const { name, errors, skipped } of validateObjects(objects, { reference: referenceDir })) {
  if (skipped && errors.length === 0) console.log(`skip ${name}: ${skipped}`);
  else if (errors.length === 0) console.log(`ok ${name}`);
  for (const error of errors) console.log(`FAIL ${name}: ${error}`);
  failed ||= errors.length > 0;
}
if (objects.length === 0 && !failed) {
  console.log("FAIL no objects found");
  failed = true;
}
process.exit(failed ? 1 : 0);
