// The review queue: which records of a kind are shown (filters, free-text search) and in what order.
// Pure functions over the compact items of /api/queue, so a 50k-record queue filters in milliseconds.
import { el, clear, fmt } from './util.js';

export const ORDERS = ['', 'score', 'uncertain']; // document order, highest score first, most uncertain first
export const ORDER_NAMES = { '': 'Document order', score: 'Highest score first', uncertain: 'Most uncertain first' };
export const ANY = '', NONE = '~none', SOME = '~any';
const MAX_FACET_OPTIONS = 300;

// The filter values the page shows, in one object: {doc, type, status, score, q, facets: {field: value}}.
export function matcher(f, hasScore) {
  const minScore = parseFloat(f.score);
  const needle = (f.q || '').trim().toLowerCase();
  const facets = Object.entries(f.facets || {}).filter(([, v]) => v !== ANY);
  return (item) => {
    if (f.doc && item.doc_id !== f.doc) return false;
    if (f.type && String(item.label) !== f.type) return false;
    if (f.status && item.status !== f.status) return false;
    if (!Number.isNaN(minScore) && hasScore && item.score !== null && item.score < minScore) return false;
    for (const [field, want] of facets) if (!facetMatches(item.facets[field], want)) return false;
    if (needle && !searchText(item).includes(needle)) return false;
    return true;
  };
}

function facetMatches(value, want) {
  const empty = value === null || value === undefined || value === '';
  if (want === NONE) return empty;
  if (want === SOME) return !empty;
  return !empty && String(value) === want;
}

// What free-text search looks in: the record's text, its label and its facet values (speaker, canonical name...).
function searchText(item) {
  if (item._search === undefined) {
    item._search = [item.text, item.label, ...Object.values(item.facets || {})].filter((v) => v !== null && v !== undefined).join(' \u0001 ').toLowerCase();
  }
  return item._search;
}

// Items keep their document order (the server's) as the tie-break of every other order.
export function sortQueue(items, order) {
  if (order === 'uncertain') {
    // Scores near 0.5 first (the classifier's least certain decisions teach it most when reviewed,
    // `claims train claims --review`); records without a score last.
    const unc = (item) => (item.score === null || item.score === undefined ? Infinity : Math.abs(item.score - 0.5));
    return items.map((item, i) => [item, i]).sort((a, b) => (unc(a[0]) - unc(b[0])) || (a[1] - b[1])).map((x) => x[0]);
  }
  if (order === 'score') {
    const sc = (item) => (item.score === null || item.score === undefined ? -Infinity : item.score);
    return items.map((item, i) => [item, i]).sort((a, b) => (sc(b[0]) - sc(a[0])) || (a[1] - b[1])).map((x) => x[0]);
  }
  return items;
}

// The next pending item after position `pos` (wrapping around), or -1.
export function nextPending(queue, pos) {
  const n = queue.length;
  for (let k = 1; k <= n; k++) {
    const i = (pos + k) % n;
    if (queue[i].status === 'pending' || queue[i].status === 'skipped') return i;
  }
  return -1;
}

// One <select> per facet of the kind (speaker, hedged, canonical name...), options from the queue itself.
export function renderFacets(box, facetNames, items, keep, onChange) {
  clear(box);
  const selects = {};
  for (const field of facetNames) {
    const counts = new Map();
    let bools = true;
    for (const item of items) {
      const v = item.facets[field];
      if (v === null || v === undefined || v === '') continue;
      if (typeof v !== 'boolean') bools = false;
      counts.set(String(v), (counts.get(String(v)) || 0) + 1);
    }
    const sel = el('select', { id: 'facet-' + field, 'data-facet': field, onchange: onChange });
    sel.append(el('option', { value: ANY }, 'any ' + field.replace(/_/g, ' ')));
    if (bools) {
      sel.append(el('option', { value: 'true' }, `${field}: yes`), el('option', { value: 'false' }, `${field}: no`));
    } else {
      sel.append(el('option', { value: NONE }, `no ${field}`), el('option', { value: SOME }, `any ${field} given`));
      const top = [...counts.entries()].sort((a, b) => (b[1] - a[1]) || a[0].localeCompare(b[0])).slice(0, MAX_FACET_OPTIONS);
      for (const [value, n] of top) sel.append(el('option', { value }, `${value} (${fmt(n)})`));
    }
    const want = keep[field];
    if (want !== undefined && [...sel.options].some((o) => o.value === want)) sel.value = want;
    box.append(el('label', { title: field }, sel));
    selects[field] = sel;
  }
  return selects;
}
