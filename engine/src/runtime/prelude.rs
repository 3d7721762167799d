//! The JavaScript that sets up an action's world before its code runs.

/// A function of the host's `now` and `log` and the log limit that defines `module`/`exports`,
/// timers driven by the host loop and `console`, and hands the host its hooks. The hooks live
/// in this closure, not in globals, so action code cannot replace them; every size that
/// reaches the host is clipped here first, so no string from the action is copied whole.
pub(super) const PRELUDE: &str = r#"
(function (now, log, maxLog) {
  const timers = [];
  let seq = 0;
  // Node's range: a delay that is not a number, negative or past 2^31-1 ms runs at once
  // (Node says 1 ms); so no value can reach the host as infinite or NaN.
  const delay = (ms) => {
    const n = Number(ms);
    return n >= 0 && n <= 2147483647 ? n : 0;
  };
  // At most n UTF-16 units, not splitting a surrogate pair.
  const clip = (s, n) => {
    if (s.length <= n) return s;
    const c = s.charCodeAt(n - 1);
    return s.slice(0, c >= 0xd800 && c <= 0xdbff ? n - 1 : n);
  };
  globalThis.module = { exports: {} };
  globalThis.exports = globalThis.module.exports;
  globalThis.setTimeout = function (fn, ms, ...args) {
    if (typeof fn !== 'function') throw new TypeError('setTimeout needs a function');
    const id = ++seq;
    timers.push({ id, due: now() + delay(ms), fn, args });
    return id;
  };
  globalThis.clearTimeout = function (id) {
    const i = timers.findIndex((t) => t.id === id);
    if (i >= 0) timers.splice(i, 1);
  };
  globalThis.setImmediate = (fn, ...args) => globalThis.setTimeout(fn, 0, ...args);
  const fmt = (args) => args.map((a) => {
    if (typeof a === 'string') return clip(a, maxLog + 1);
    if (a instanceof Error) return a.stack ? `${a.name}: ${a.message}\n${a.stack}` : `${a.name}: ${a.message}`;
    try { const s = JSON.stringify(a); return s === undefined ? String(a) : s; } catch (e) { return String(a); }
  }).join(' ');
  const line = (stream) => (...a) => log(stream, clip(fmt(a), maxLog + 1));
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
    // Runs the earliest timer.
    runTimer() {
      let at = 0;
      for (let i = 1; i < timers.length; i++) if (timers[i].due < timers[at].due) at = i;
      const [t] = timers.splice(at, 1);
      if (t) t.fn(...t.args);
    },
    // A thrown value as text, at most max + 1 units (so the host can tell it was cut):
    // an Error as "Name: message", anything else as JSON.
    describe(e, max) {
      try {
        if (e instanceof Error) {
          const name = String(e.name || '');
          const message = clip(String(e.message), max + 1);
          return clip(name ? `${name}: ${message}` : message, max + 1);
        }
        if (typeof e === 'string') return JSON.stringify(clip(e, max + 1));
        const s = JSON.stringify(e);
        return clip(s === undefined ? String(e) : s, max + 1);
      } catch (_) {
        try { return clip(String(e), max + 1); } catch (_) { return 'a value that cannot be described'; }
      }
    },
    // The result as JSON text, or its length when that is past max units (not copied out).
    encode(v, max) {
      const s = JSON.stringify(v);
      if (s === undefined) return undefined;
      return s.length > max ? s.length : s;
    },
  };
})
"#;
