var CARD_H = 92;
var MU_M2 = 10000 / 15;
var DAY_MS = 86400000;

function el(tag, cls, text) {
  var e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

function fmt(v, digits) {
  if (v === null || v === undefined || v !== v) return '';
  return Number(v).toLocaleString('zh-CN', { maximumFractionDigits: digits === undefined ? 2 : digits });
}

/* 亩 are always shown with 2 decimals (6.40 亩). */
function fmtMu(v) {
  if (v === null || v === undefined || v !== v) return '';
  return Number(v).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

function isoDate(days) {
  if (days === null || days === undefined) return '';
  return new Date(days * DAY_MS).toISOString().slice(0, 10);
}
