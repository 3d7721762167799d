//! The JavaScript that sets up an action's world before its code runs.

/// A function of the host's `now` and `log` and the log limit that defines `module`/`exports`,
/// timers driven by the host loop and `console`, and hands the host its hooks. The hooks live
/// in this closure, not in globals, so action code cannot replace them; every size that
/// reaches the host is clipped here first, so no string from the action is copied whole.
pub(super) const PRELUDE: &str = r#"
(function (now, log, maxLog) {
  // The built-ins the hooks rely on, taken before any action code runs: replacing
  // String.prototype.slice or JSON.stringify later cannot undo the clipping below.
  const uncurry = (f) => Function.prototype.call.bind(f);
  const sliceOf = uncurry(String.prototype.slice);
  const charCodeOf = uncurry(String.prototype.charCodeAt);
  const mapOf = uncurry(Array.prototype.map);
  const joinOf = uncurry(Array.prototype.join);
  const findIndexOf = uncurry(Array.prototype.findIndex);
  const spliceOf = uncurry(Array.prototype.splice);
  const pushOf = uncurry(Array.prototype.push);
  const stringify = JSON.stringify;
  const toText = String;
  const toNumber = Number;
  const ErrorType = Error;
  const timers = [];
  let seq = 0;
  // Node's range: a delay that is not a number, negative or past 2^31-1 ms runs at once
  // (Node says 1 ms); so no value can reach the host as infinite or NaN.
  const delay = (ms) => {
    const n = toNumber(ms);
    return n >= 0 && n <= 2147483647 ? n : 0;
  };
  // At most n UTF-16 units, not splitting a surrogate pair.
  const clip = (s, n) => {
    if (s.length <= n) return s;
    const c = charCodeOf(s, n - 1);
    return sliceOf(s, 0, c >= 0xd800 && c <= 0xdbff ? n - 1 : n);
  };
  globalThis.module = { exports: {} };
  globalThis.exports = globalThis.module.exports;
  globalThis.setTimeout = function (fn, ms, ...args) {
    if (typeof fn !== 'function') throw new TypeError('setTimeout needs a function');
    const id = ++seq;
    pushOf(timers, { id, due: now() + delay(ms), fn, args });
    return id;
  };
  globalThis.clearTimeout = function (id) {
    const i = findIndexOf(timers, (t) => t.id === id);
    if (i >= 0) spliceOf(timers, i, 1);
  };
  globalThis.setImmediate = (fn, ...args) => globalThis.setTimeout(fn, 0, ...args);
  const fmt = (args) => joinOf(mapOf(args, (a) => {
    if (typeof a === 'string') return clip(a, maxLog + 1);
    if (a instanceof ErrorType) return a.stack ? `${a.name}: ${a.message}\n${a.stack}` : `${a.name}: ${a.message}`;
    try { const s = stringify(a); return s === undefined ? toText(a) : s; } catch (e) { return toText(a); }
  }), ' ');
  // Anything not a primitive string by now is made one, then clipped.
  const line = (stream) => (...a) => {
    const text = fmt(a);
    log(stream, clip(typeof text === 'string' ? text : '', maxLog + 1));
  };
  globalThis.console = {
    log: line(0), info: line(0), debug: line(0), warn: line(1), error: line(1),
  };
  return {
    // When the next timer is due (ms since the start), or -1.
    nextDue() {
      let due = -1;
      for (const t of timers) if (due < 0 || t.due < due) due = t.due;
      return due;
    },
    // Forgets every timer (a warm runtime's next run starts with none).
    reset() {
      timers.length = 0;
    },
    // Runs the earliest timer.
    runTimer() {
      let at = 0;
      for (let i = 1; i < timers.length; i++) if (timers[i].due < timers[at].due) at = i;
      const [t] = spliceOf(timers, at, 1);
      if (t) t.fn(...t.args);
    },
    // A thrown value as text, at most max + 1 units (so the host can tell it was cut):
    // an Error as "Name: message", anything else as JSON.
    describe(e, max) {
      const text = (v) => (typeof v === 'string' ? v : toText(v));
      try {
        if (e instanceof ErrorType) {
          const name = text(e.name || '');
          const message = clip(text(e.message), max + 1);
          return clip(name ? `${name}: ${message}` : message, max + 1);
        }
        if (typeof e === 'string') return stringify(clip(e, max + 1));
        const s = stringify(e);
        return clip(s === undefined ? text(e) : text(s), max + 1);
      } catch (_) {
        try { return clip(text(e), max + 1); } catch (_) { return 'a value that cannot be described'; }
      }
    },
    // The result as JSON text, or its length when that is past max units (not copied out).
    encode(v, max) {
      const s = stringify(v);
      if (s === undefined) return undefined;
      if (typeof s !== 'string') return undefined;
      return s.length > max ? s.length : s;
    },
  };
})
"#;
