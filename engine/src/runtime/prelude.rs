//! The JavaScript that sets up an action's world before its code runs.

/// Defines `module`/`exports`, timers driven by the host loop, and nothing else. `__now` and
/// `__log` are provided by the host.
pub(super) const PRELUDE: &str = r#"
(function () {
  const timers = [];
  let seq = 0;
  globalThis.module = { exports: {} };
  globalThis.exports = globalThis.module.exports;
  globalThis.setTimeout = function (fn, ms, ...args) {
    if (typeof fn !== 'function') throw new TypeError('setTimeout needs a function');
    const id = ++seq;
    timers.push({ id, due: __now() + Math.max(0, Number(ms) || 0), fn, args });
    return id;
  };
  globalThis.clearTimeout = function (id) {
    const i = timers.findIndex((t) => t.id === id);
    if (i >= 0) timers.splice(i, 1);
  };
  globalThis.setImmediate = (fn, ...args) => globalThis.setTimeout(fn, 0, ...args);
  // The host loop: when is the next timer due (or -1), and run the earliest one.
  globalThis.__nextDue = function () {
    let due = -1;
    for (const t of timers) if (due < 0 || t.due < due) due = t.due;
    return due;
  };
  globalThis.__runTimer = function () {
    let at = 0;
    for (let i = 1; i < timers.length; i++) if (timers[i].due < timers[at].due) at = i;
    const [t] = timers.splice(at, 1);
    if (t) t.fn(...t.args);
  };
  const fmt = (args) => args.map((a) => {
    if (typeof a === 'string') return a;
    if (a instanceof Error) return a.stack ? `${a.name}: ${a.message}\n${a.stack}` : `${a.name}: ${a.message}`;
    try { const s = JSON.stringify(a); return s === undefined ? String(a) : s; } catch (e) { return String(a); }
  }).join(' ');
  globalThis.console = {
    log: (...a) => __log(0, fmt(a)),
    info: (...a) => __log(0, fmt(a)),
    debug: (...a) => __log(0, fmt(a)),
    warn: (...a) => __log(1, fmt(a)),
    error: (...a) => __log(1, fmt(a)),
  };
})();
"#;
