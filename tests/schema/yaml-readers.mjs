// Loads a YAML file with js-yaml's default schema and compares it with a JSON file of the same value: same types
// (a timestamp read as a Date is not the string it was), same strings, same numbers, same keys.
//
//   node yaml-readers.mjs written.yaml expected.json
//
// Prints one line per difference and exits 1 when there is any.
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';

const [, , yamlPath, jsonPath] = process.argv;
const loaded = yaml.load(readFileSync(yamlPath, 'utf8'));
const expected = JSON.parse(readFileSync(jsonPath, 'utf8'));

const differences = [];
function compare(a, b, path) {
  const kind = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : v instanceof Date ? 'date' : typeof v);
  if (kind(a) !== kind(b)) {
    differences.push(`${path}: ${JSON.stringify(b)} read as the ${kind(a)} ${String(a)}`);
    return;
  }
  if (kind(a) === 'array') {
    if (a.length !== b.length) differences.push(`${path}: ${a.length} items, not ${b.length}`);
    a.forEach((item, i) => compare(item, b[i], `${path}/${i}`));
  } else if (kind(a) === 'object') {
    const keys = Object.keys(b);
    for (const key of Object.keys(a)) if (!(key in b)) differences.push(`${path}: the key ${JSON.stringify(key)} is not written`);
    for (const key of keys) {
      if (!Object.prototype.hasOwnProperty.call(a, key)) differences.push(`${path}: the key ${JSON.stringify(key)} is lost`);
      else compare(a[key], b[key], `${path}/${key}`);
    }
  } else if (a !== b) {
    differences.push(`${path}: ${JSON.stringify(b)} read as ${JSON.stringify(a)}`);
  }
}
compare(loaded, expected, '');
for (const d of differences.slice(0, 50)) console.log(d);
console.log(`js-yaml ${differences.length === 0 ? 'reads every value as written' : `differs in ${differences.length} values`}`);
process.exit(differences.length === 0 ? 0 : 1);
