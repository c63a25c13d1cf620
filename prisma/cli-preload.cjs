// Preloaded (node -r) for Prisma CLI runs only. The wasm schema engine leaves long timers behind that keep
// the CLI alive 10-60 s after it has finished; timers of 5 s or more must not hold the process open.
'use strict';
const LONG_MS = 5000;
for (const name of ['setTimeout', 'setInterval']) {
  const original = global[name];
  global[name] = function (fn, ms, ...rest) {
    const timer = original.call(this, fn, ms, ...rest);
    if (Number(ms) >= LONG_MS && timer && typeof timer.unref === 'function') timer.unref();
    return timer;
  };
}
