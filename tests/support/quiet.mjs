// Imported first by the oracle scripts: drops TF.js's "install tfjs-node" banner so
// test logs show only what matters.
const warn = console.warn;
console.warn = (...args) => {
  if (String(args[0]).includes('tfjs-node') || /^=+$/.test(String(args[0]).trim())) return;
  warn(...args);
};
