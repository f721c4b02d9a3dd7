// Where a JSON pointer (RFC 6901) sits in the text of a JSON document, so that a diagnostic's path can be shown as
// a line of the editor. One pass over the text records the span of every value; lookups are then a map access.
// The scanner is tolerant: it keeps what it found before a syntax error and reports where the error is.

const MAX_DEPTH = 256;

class SyntaxAt extends Error {
  constructor(offset) {
    super(`JSON syntax error at offset ${offset}`);
    this.offset = offset;
  }
}

/** The pointer segment of a member name: `~` → `~0`, `/` → `~1`. */
export function escapeSegment(key) {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** The parent of a pointer, or null for the whole document (""). */
export function parentPointer(pointer) {
  if (pointer === '') return null;
  return pointer.slice(0, pointer.lastIndexOf('/'));
}

/**
 * Scans JSON text. Returns `find(pointer)`, which gives the span of the value at the pointer, or of its nearest
 * ancestor present in the text (`exact: false`) when the pointer names something missing; and `error`, the place
 * of the first syntax error, or null.
 */
export function scan(text) {
  const spans = new Map();
  let i = 0;

  const skipSpace = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const expect = (c) => {
    skipSpace();
    if (text[i] !== c) throw new SyntaxAt(i);
    i++;
  };

  const string = () => {
    const start = i;
    i++;
    let out = '';
    while (i < text.length) {
      const c = text[i];
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new SyntaxAt(i);
          out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
        } else {
          const plain = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }[e];
          if (plain === undefined) throw new SyntaxAt(i);
          out += plain;
          i += 2;
        }
        continue;
      }
      if (c === '\n') break;
      out += c;
      i++;
    }
    throw new SyntaxAt(start);
  };

  const value = (pointer, start, depth) => {
    skipSpace();
    if (depth > MAX_DEPTH) throw new SyntaxAt(i);
    const span = { start: start ?? i, valueStart: i, end: text.length };
    spans.set(pointer, span);
    const c = text[i];
    if (c === '{') {
      i++;
      skipSpace();
      if (text[i] === '}') {
        i++;
      } else {
        for (;;) {
          skipSpace();
          if (text[i] !== '"') throw new SyntaxAt(i);
          const keyStart = i;
          const key = string();
          expect(':');
          value(`${pointer}/${escapeSegment(key)}`, keyStart, depth + 1);
          skipSpace();
          if (text[i] === ',') {
            i++;
            continue;
          }
          expect('}');
          break;
        }
      }
    } else if (c === '[') {
      i++;
      skipSpace();
      if (text[i] === ']') {
        i++;
      } else {
        for (let index = 0; ; index++) {
          value(`${pointer}/${index}`, undefined, depth + 1);
          skipSpace();
          if (text[i] === ',') {
            i++;
            continue;
          }
          expect(']');
          break;
        }
      }
    } else if (c === '"') {
      string();
    } else {
      const literal = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
      if (!literal) throw new SyntaxAt(i);
      i += literal[0].length;
    }
    span.end = i;
  };

  let error = null;
  try {
    value('', undefined, 0);
    skipSpace();
    if (i < text.length) throw new SyntaxAt(i);
  } catch (e) {
    if (!(e instanceof SyntaxAt)) throw e;
    error = e.offset;
  }

  const lineStarts = [0];
  for (let k = 0; k < text.length; k++) if (text[k] === '\n') lineStarts.push(k + 1);
  /** The 1-based line of an offset. */
  const lineOf = (offset) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };

  return {
    lineCount: lineStarts.length,
    error: error === null ? null : { offset: error, line: lineOf(error) },
    find(pointer) {
      for (let p = pointer, exact = true; p !== null; p = parentPointer(p), exact = false) {
        const span = spans.get(p);
        if (span) return { ...span, line: lineOf(span.start), endLine: lineOf(Math.max(span.start, span.end - 1)), exact };
      }
      return null;
    },
  };
}
