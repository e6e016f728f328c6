'use strict';
/**
 * Units to JSON text for the engine (used by index.js). A unit whose data cannot be sent fails
 * alone with the engine's error record (R0005 naming the value, R0010 for the unit's shape or
 * size) and never takes a batch with it: a value JSON would silently change, a cycle, nesting
 * deeper than the engine reads, a string with half of a character, a getter, Proxy trap or
 * `toJSON` that throws, or more text than one string holds.
 */

const { types } = require('node:util');

/**
 * Levels of objects and arrays below a unit that it may have (real units have four at most). The
 * engine's JSON reader (serde_json) refuses text nested more than 128 levels, and a batch's units
 * travel inside one array: 64 keeps every unit the wrapper sends readable, whatever the engine.
 */
const MAX_DEPTH = 64;

/**
 * The longest JSON text of one unit, and of one chunk of units, in UTF-16 code units: far below
 * V8's longest string (2^29 - 24), which a chunk of units that each fit could otherwise pass.
 */
const MAX_TEXT = 2 ** 27;
const TOO_LARGE = `larger than ${MAX_TEXT / 2 ** 20} Mi characters of JSON, more than one call into the engine takes`;
const TOO_DEEP = `nested more than ${MAX_DEPTH} levels deep, which is not unit data`;
const HALF_CHARACTER = 'text with half of a character (a lone UTF-16 surrogate, as when an emoji is cut in two), which is not unit data';
const HALF_CHARACTER_KEY = 'a key with half of a character (a lone UTF-16 surrogate, as when an emoji is cut in two), which is not unit data';
const DATE_REASON = 'a Date object; give dates as ISO strings such as "2026-03-01" (a Date is an instant, and its day depends on the time zone)';

/** Units per JSON text sent to the engine: keeps every string far below V8's length limit. */
const UNITS_PER_CHUNK = 2048;

// `String.prototype.isWellFormed` is Node 20's; the regular expression is the same test for 18.
const wellFormed = String.prototype.isWellFormed
  ? (s) => s.isWellFormed()
  : (s) => !/\p{Surrogate}/u.test(s);

/** Thrown while encoding: the value under `key` of `holder` cannot be unit data. */
class BadValue extends Error {
  constructor(holder, key, reason, thrown) {
    super(reason);
    this.holder = holder;
    this.key = key;
    /** The caller's own error, when reading the value threw. */
    this.thrown = thrown;
  }
}

/** Thrown by a replacer once the text it has written is certainly longer than MAX_TEXT. */
class TooLarge extends Error {}

/**
 * Thrown by a replacer that meets a key with half of a character where the unit's names are (of
 * the unit, a member or a record): the unit is written again with such keys made whole.
 */
class HalfKey extends Error {}

/** A key with each lone surrogate replaced by U+FFFD, as Python's binding reads it. */
const wholeKey = (key) => key.replace(/\p{Surrogate}/gu, '\uFFFD');

/** The object each copy of withWholeKeys was made from, to name a bad value where it is. */
const originals = new WeakMap();

/** `object`'s own keys made whole (wholeKey), with the same values in the same order. */
function withWholeKeys(object) {
  const keys = Object.keys(object);
  if (keys.every(wellFormed)) return object;
  const out = {};
  for (const k of keys) out[wholeKey(k)] = object[k];
  originals.set(out, object);
  return out;
}

/**
 * Error records of units that were sent with their names only (strict binding): the engine's
 * R0011 for such a unit comes first, as it does in Python; otherwise the record stands.
 */
const namesFirst = new WeakSet();

/** What a batch gives for a unit the wrapper could not send: `failure`, or the engine's R0011. */
function failureOrR0011(failure, result) {
  const r0011 = namesFirst.has(failure) && result?.error?.code === 'R0011' && result.decision === undefined;
  return r0011 ? result : failure;
}

/**
 * The names a program's units may carry, by place (`{unit, member, records}` as the native
 * layer describes them), as sets for the replacer.
 */
function unitNames(described) {
  return {
    unit: new Set(described.unit),
    member: new Set(described.member),
    records: new Map(Object.entries(described.records).map(([name, fields]) => [name, new Set(fields)])),
  };
}

/** Why `value` (`original` before its `toJSON`) cannot be unit data, or null when it can. */
function problemOf(original, value) {
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) return `${value}, which is not a number the engine can read; give amounts as numbers or decimal strings`;
      if (Math.abs(value) > Number.MAX_SAFE_INTEGER) return 'an integer beyond 2^53, where a JS number is no longer the integer written; give it as a string or a BigInt';
      return null;
    case 'string':
      if (types.isDate(original)) return DATE_REASON;
      return wellFormed(value) ? null : HALF_CHARACTER;
    case 'function':
    case 'symbol':
      return `a ${typeof value}, which is not unit data`;
    case 'object':
      if (value === null) return types.isDate(original) ? 'an invalid Date (new Date could not read its text), not an unknown value' : null;
      if (types.isBoxedPrimitive(value)) return problemOf(value.valueOf(), value.valueOf());
      if (ArrayBuffer.isView(original) || types.isAnyArrayBuffer(original)) return 'binary data (a Buffer or typed array), which is not unit data';
      if (types.isMap(value)) return 'a Map; give a plain object (Object.fromEntries(map))';
      if (types.isSet(value)) return 'a Set; give an array ([...set])';
      if (!Array.isArray(value) && typeof value[Symbol.iterator] === 'function') return 'an iterator; give an array ([...values])';
      return null;
    default:
      return null;
  }
}

/**
 * A JSON.stringify replacer for one call. The rule for numbers: a JS number is read as the exact
 * decimal that JavaScript prints for it (`String(x)`), so `1500.5` is exactly 1500.5. BigInts are
 * exact integers. Values JSON would silently change are refused (a BadValue): NaN and ±Infinity
 * (JSON writes null, an unknown), numbers beyond ±2^53, Dates, Maps, Sets, iterators, binary data,
 * functions and symbols; so are strings the engine cannot read (half of a surrogate pair). It
 * also keeps the depth of what it writes (`levels`: how deep below the root a unit is) and the
 * length of its strings, a lower bound of the text's, so that a unit too deep or too large stops
 * the encoding at once.
 *
 * With `names` (unitNames), a key the program does not declare, of the unit, of a member or of a
 * record, is written with a null value: the engine never reads it, so nothing under it can fail
 * the unit (as in Python, which reads only the declared keys of a mapping), and strict binding
 * still sees its name (R0011). Such a key with half of a character throws HalfKey; written again
 * with `wholeKeys`, the keys of those places are made whole (U+FFFD), as Python names them.
 *
 * With `namesOnly` (and `names`), only the unit's names are written: the keys of the unit, of its
 * members and of its records, with their ids and null for every other value. Strict binding
 * reports a key the program does not declare before any value (R0011, as Python and the engine
 * do): a unit with a value that cannot be sent is given to the engine this way first.
 */
function replacer(levels, names = null, wholeKeys = false, namesOnly = false) {
  const holders = []; // the objects being written, outermost first
  const keys = []; // the key each holder is written under
  let last; // the object returned last: written next, so its keys come next
  let lastKey;
  let size = 0;
  // The names declared where `holders` ends: a unit (depth 1), or a member or a record (depth
  // 3, an object of an array under `members` or under a record collection's name).
  const declaredAt = (depth) => {
    if (depth === 1) return names.unit;
    if (depth !== 3 || !Array.isArray(holders[levels + 1])) return null;
    const under = keys[levels + 1];
    return under === 'members' ? names.member : names.records.get(under) ?? null;
  };
  return function encodeValue(key, value) {
    if (this !== holders[holders.length - 1]) {
      if (this === last) {
        holders.push(this);
        keys.push(lastKey);
      } else {
        while (holders.length > 0 && holders[holders.length - 1] !== this) {
          holders.pop();
          keys.pop();
        }
      }
    }
    const depth = holders.length - levels;
    if (names !== null) {
      const declared = declaredAt(depth);
      if (declared !== null && !declared.has(key)) {
        if (!wellFormed(key)) throw new HalfKey();
        return null;
      }
      if (namesOnly && depth >= 1) {
        const holdsPlaces = depth === 1 && (key === 'members' || names.records.has(key));
        const keep = declared !== null ? key === 'id' || (holdsPlaces && Array.isArray(value))
          : depth === 2 && value !== null && typeof value === 'object' && !Array.isArray(value);
        if (!keep) return null;
      }
    }
    // A key is text too: JSON writes its half character as a \ud800 escape, which the engine's
    // reader refuses for the whole text (evaluate threw a TypeError quoting the reader).
    const reason = wellFormed(key) ? problemOf(this[key], value) : HALF_CHARACTER_KEY;
    if (reason !== null) throw new BadValue(this, key, reason);
    let out = value;
    if (typeof value === 'bigint') out = value.toString();
    else if (value !== null && typeof value === 'object' && types.isBoxedPrimitive(value)) {
      const v = value.valueOf();
      out = typeof v === 'bigint' ? v.toString() : v;
    }
    if (typeof out === 'string') {
      size += out.length;
      if (size > MAX_TEXT) throw new TooLarge();
    } else if (out !== null && typeof out === 'object') {
      // (A shapeProblem walk then names the field.)
      if (depth > MAX_DEPTH) throw new RangeError(TOO_DEEP);
      // A unit (written at depth 0), a member or a record (at depth 2), its keys made whole.
      if (wholeKeys && (depth === 0 || depth === 2) && !Array.isArray(out)) out = withWholeKeys(out);
      last = out;
      lastKey = key;
    }
    return out;
  };
}

/**
 * Why a unit's shape cannot be written as JSON, once JSON.stringify threw something other than a
 * BadValue: a value that contains itself (a cycle), nesting deeper than MAX_DEPTH, or a value
 * whose getter, Proxy trap or `toJSON` throws (`thrown` is set). The BadValue is placed at the
 * attribute (of the unit, a member or a record) that holds the problem, as the engine names
 * fields. Null when the walk finds none (then the text was too long for a string).
 */
function shapeProblem(unit, names = null) {
  const trail = [];
  const inside = new Set();
  // `members` and record collections (arrays of objects) name the field one level down
  // (`member M1: x`, `visits #2: x`); another array is the attribute's value.
  const isRecord = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  const at = (holder, key) => {
    const records = Array.isArray(trail[0]?.value) && (trail.length < 2 || isRecord(trail[1].value));
    return trail[Math.min(trail.length - 1, records ? 2 : 0)] ?? { holder, key };
  };
  function visit(holder, key) {
    let value;
    let keys;
    try {
      value = holder[key];
      if (value !== null && typeof value === 'object' && typeof value.toJSON === 'function') value = value.toJSON(key);
      if (value !== null && typeof value === 'object') keys = Object.keys(value);
    } catch (e) {
      const where = at(holder, key);
      return new BadValue(where.holder, where.key, `a value that could not be read (reading it threw ${describeThrown(e)})`, { error: e });
    }
    if (trail.length > 0) trail[trail.length - 1].value = value;
    if (value === null || typeof value !== 'object') return null;
    let reason = null;
    if (inside.has(value)) reason = 'a reference to an object that contains it (a cycle), which is not unit data';
    else if (trail.length > MAX_DEPTH) reason = TOO_DEEP;
    if (reason !== null) {
      const where = at(holder, key);
      return new BadValue(where.holder, where.key, reason);
    }
    inside.add(value);
    // As the replacer: what the program does not declare is not sent, so it is no problem.
    const declared = names === null ? null : trail.length === 0 ? names.unit
      : trail.length !== 2 || !Array.isArray(trail[0].value) ? null
        : trail[0].key === 'members' ? names.member : names.records.get(trail[0].key) ?? null;
    for (const k of keys) {
      if (declared !== null && !declared.has(wholeKey(k))) continue;
      trail.push({ holder: value, key: k });
      const found = visit(value, k);
      trail.pop();
      if (found !== null) return found;
    }
    inside.delete(value);
    return null;
  }
  return visit({ '': unit }, '');
}

/** What was thrown, by its kind only: its message may hold a registrant's values. */
function describeThrown(e) {
  if (e instanceof Error) return `${/^[aeiou]/i.test(e.name) ? 'an' : 'a'} ${e.name}`;
  return e === null ? 'null' : typeof e === 'object' ? 'an object' : `a ${typeof e}`;
}

/** The unit's id as the engine reads it (a string, a number's text), or '' when it has none. */
function idOf(unit) {
  try {
    const id = unit !== null && typeof unit === 'object' ? unit.id : undefined;
    if (typeof id === 'string') return id;
    if (typeof id === 'bigint') return id.toString();
    if (typeof id === 'number' && Number.isFinite(id) && Math.abs(id) <= Number.MAX_SAFE_INTEGER) return JSON.stringify(id);
  } catch {
    // A throwing getter: the unit is reported without its id.
  }
  return '';
}

/**
 * The engine's name for the value under `key` of `holder` inside `unit`: `income`,
 * `member M1: birthdate`, `visits #2: visit_date`; `name: null` (with `what`) when the unit,
 * its `members` or one member is itself not data.
 */
function fieldOf(unit, holder, key) {
  const path = key === '' ? [] : [...(pathTo(unit, holder) ?? []), key];
  if (path.length === 0) return { name: null, what: 'the unit' };
  if (path[0] === 'members' && path.length <= 2) {
    return { name: null, what: path.length === 1 ? '`members`' : `member ${Number(path[1]) + 1}` };
  }
  if (path[0] === 'members') {
    const id = safely(() => unit.members[path[1]].id);
    const name = typeof id === 'string' || typeof id === 'number' ? String(id) : `#${Number(path[1]) + 1}`;
    return { name: `member ${name}: ${path.slice(2).join('.')}` };
  }
  if (path.length >= 3 && safely(() => Array.isArray(unit[path[0]]))) {
    return { name: `${path[0]} #${Number(path[1]) + 1}: ${path.slice(2).join('.')}` };
  }
  return { name: path.join('.') };
}

function safely(read) {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** The keys from `root` down to `target` (breadth first, own enumerable keys), or null. */
function pathTo(root, target) {
  const queue = [[root, []]];
  const seen = new Set();
  while (queue.length > 0) {
    const [node, path] = queue.shift();
    if (node === target) return path;
    if (node === null || typeof node !== 'object' || seen.has(node)) continue;
    seen.add(node);
    for (const k of safely(() => Object.keys(node)) ?? []) queue.push([safely(() => node[k]), [...path, k]]);
  }
  return null;
}

/**
 * Encodes units with `failureRecord(id, field, reason)`, the engine's error record for a unit
 * that cannot be sent (`{unit_id, error}`).
 */
function unitEncoder(failureRecord) {
  function failure(unit, bad) {
    const field = fieldOf(unit, originals.get(bad.holder) ?? bad.holder, bad.key);
    const reason = field.name === null ? `${field.what} is ${bad.message}` : bad.message;
    return failureRecord(idOf(unit), field.name, reason);
  }

  /**
   * A unit as JSON text, or its error record (`failure`) when it cannot be sent. With `ownErrors`,
   * an error the caller's own code threw (a getter) is thrown again instead: `evaluate` of one
   * unit hands it back unchanged, where a batch must not lose its other units to it. With
   * `names` (unitNames), the keys the program does not declare are sent without their values.
   * With `strict` too, a unit that cannot be sent also has `namesText`, its names only, for the
   * engine to name a key it does not declare first (see failureOrR0011).
   */
  function encodeUnit(unit, { ownErrors = false, names = null, strict = false } = {}) {
    const encoded = encodeWhole(unit, ownErrors, names);
    if (encoded.failure === undefined || !strict || names === null) return encoded;
    try {
      const namesText = JSON.stringify(unit, replacer(0, names, true, true));
      namesFirst.add(encoded.failure);
      return { ...encoded, namesText };
    } catch {
      // Its names cannot be written either (a getter, a Proxy): the record stands.
      return encoded;
    }
  }

  function encodeWhole(unit, ownErrors, names) {
    let text;
    try {
      try {
        text = JSON.stringify(unit, replacer(0, names)) ?? 'null';
      } catch (e) {
        if (!(e instanceof HalfKey)) throw e;
        text = JSON.stringify(unit, replacer(0, names, true)) ?? 'null';
      }
    } catch (e) {
      const bad = e instanceof BadValue ? e : e instanceof TooLarge ? null : shapeProblem(unit, names);
      if (bad !== null && bad.thrown !== undefined && ownErrors) throw e;
      // No problem in its shape: the text was longer than a string (V8's RangeError).
      if (bad === null && !(e instanceof TooLarge || e instanceof RangeError)) throw e;
      return { failure: failure(unit, bad ?? new BadValue({ '': unit }, '', TOO_LARGE)) };
    }
    if (text.length > MAX_TEXT) return { failure: failure(unit, new BadValue({ '': unit }, '', TOO_LARGE)) };
    return { text };
  }

  /**
   * Units `start …` of a batch as JSON arrays (one, unless their text is too long for one). A
   * unit that cannot be sent is `null` in the array, and its error record goes into `failures`
   * (by index) to replace the engine's result for it (see failureOrR0011). `names` and
   * `strict` as for encodeUnit.
   */
  function encodeChunk(units, start, failures, names = null, strict = false) {
    const slice = units.slice(start, start + UNITS_PER_CHUNK);
    try {
      const text = JSON.stringify(slice, replacer(1, names));
      if (text.length <= MAX_TEXT) return [text];
    } catch {
      // Unit by unit: each one that cannot be sent fails alone.
    }
    const texts = [];
    let parts = [];
    let length = 0;
    // Array.from, not forEach: a hole in the array is a unit too (`null`, an R0010), as JSON writes it.
    Array.from(slice, (unit, i) => {
      let { text, failure, namesText } = encodeUnit(unit, { names, strict });
      if (failure !== undefined) {
        failures.set(start + i, failure);
        text = namesText ?? 'null';
      }
      if (parts.length > 0 && length + text.length > MAX_TEXT) {
        texts.push(`[${parts.join(',')}]`);
        parts = [];
        length = 0;
      }
      parts.push(text);
      length += text.length + 1;
    });
    texts.push(`[${parts.join(',')}]`);
    return texts;
  }

  /** Run options as JSON text; a value that is not data is a TypeError naming it. */
  function encodeOptions(options, invalidArg) {
    try {
      return JSON.stringify(options, replacer(0));
    } catch (e) {
      const bad = e instanceof BadValue ? e : e instanceof TooLarge ? null : shapeProblem(options);
      if (bad === null || bad.thrown !== undefined) throw e;
      throw invalidArg(`"${bad.key}" is ${bad.message}`);
    }
  }

  return { encodeUnit, encodeChunk, encodeOptions };
}

module.exports = { unitEncoder, unitNames, failureOrR0011, UNITS_PER_CHUNK, MAX_DEPTH, MAX_TEXT, TOO_LARGE };
