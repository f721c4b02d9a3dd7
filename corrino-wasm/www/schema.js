// Field documentation for the page, read from the recipe's JSON Schema (generated from corrino-core's types).

/** The node a `$ref` points to (only local references, which is all the recipe schema has). */
function deref(schema, node) {
  for (let hops = 0; node?.$ref && hops < 32; hops++) {
    node = node.$ref === '#' ? schema : node.$ref.slice(2).split('/').reduce((n, k) => n?.[k], schema);
  }
  return node ?? null;
}

/** The schema node of the value at a JSON pointer (before following its `$ref`), or null when there is none. */
export function schemaAt(schema, pointer) {
  let node = schema;
  for (const raw of pointer === '' ? [] : pointer.slice(1).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    const here = deref(schema, node);
    if (here?.properties && Object.hasOwn(here.properties, key)) node = here.properties[key];
    else if (here?.items && /^\d+$/.test(key)) node = here.items;
    else return null;
  }
  return node;
}

/** What the field at a pointer is: its own description, its type's, or its list's; null for the document or unknown fields. */
export function describe(schema, pointer) {
  const node = pointer === '' ? null : schemaAt(schema, pointer);
  const own = node?.description ?? deref(schema, node)?.description ?? null;
  // An item of a list of plain values (a command argument, an export) is described by its list.
  if (own === null && node !== null && /\/\d+$/.test(pointer)) return describe(schema, pointer.replace(/\/\d+$/, ''));
  return own;
}
