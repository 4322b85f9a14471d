// claims review: vanilla JS modules, no build step. Article text and record values are untrusted: every
// piece of data reaches the page through textContent / text nodes, never through HTML parsing.
//
// The record contract (kinds in review order, their fields, facets, the id pattern) comes from the
// server (/api/contract, pipeline/contract.py): nothing about record kinds is declared here.
import { $, el, clear, toast, api, enqueue, snippet, badge, fmt } from './util.js';
import { TextView } from './textview.js';
import { ORDERS, ORDER_NAMES, matcher, sortQueue, nextPending, renderFacets } from './queue.js';
import { Editor } from './edit.js';
import { Bulk } from './bulk.js';
import { Detail } from './detail.js';
import { TeamDialog, versionOf } from './team.js';

let KINDS = [];
const C = { byName: {}, baseFields: new Set(), idRe: /^$/ };
const LIST_WINDOW = 150; // list rows rendered around the current record (the rest are counted, not drawn)
const FILTER_IDS = [['view', 'f-view'], ['doc', 'f-doc'], ['type', 'f-type'], ['status', 'f-status'], ['score', 'f-score'], ['order', 'f-order'], ['q', 'f-q']];

const S = {
  run: null, kind: null, queueAll: [], itemById: new Map(), queue: [], pos: -1, doc: null, recById: new Map(), undo: [], helpOpen: false,
  facetSelects: {}, list: { key: null, from: 0, to: 0, nodes: new Map() }, docItems: { key: null, idx: [] }, qver: 0,
};
const view = new TextView($('text'), (recs) => pickFromText(recs));
const editor = new Editor({ contract: C.byName, text: () => S.doc.text, save: (edits) => decide('edit', edits) });
const bulk = new Bulk({
  state: () => ({
    kind: S.kind, singular: singular(S.kind), groupFields: C.byName[S.kind].group_fields || [], queue: S.queue, queueAll: S.queueAll,
    current: S.queue[S.pos], filtered: S.queue.length !== S.queueAll.length, view: $('f-view').value,
  }),
  apply: (res) => applyBulk(res),
});
const detail = new Detail(C);
const team = new TeamDialog({ showConflicts: (kind) => showConflicts(kind) });
const viewParam = () => ($('f-view').value ? '&view=' + encodeURIComponent($('f-view').value) : '');
const undecided = (item) => item && (item.status === 'pending' || item.status === 'skipped');

// --- URL hash: where we are survives a reload -------------------------------------------------
function readHash() {
  const p = new URLSearchParams(location.hash.slice(1));
  const facets = {};
  for (const [key, value] of p) if (key.startsWith('f_')) facets[key.slice(2)] = value;
  const out = { kind: p.get('kind'), id: p.get('id'), facets };
  for (const [key] of FILTER_IDS) out[key] = p.get(key) || '';
  return out;
}
function writeHash() {
  const p = new URLSearchParams();
  p.set('kind', S.kind);
  for (const [key, id] of FILTER_IDS) if ($(id).value) p.set(key, $(id).value);
  for (const [field, sel] of Object.entries(S.facetSelects)) if (sel.value) p.set('f_' + field, sel.value);
  const item = S.queue[S.pos];
  if (item) p.set('id', item.id);
  history.replaceState(null, '', '#' + p.toString());
}
function filters() {
  const f = { facets: {} };
  for (const [key, id] of FILTER_IDS) f[key] = $(id).value;
  for (const [field, sel] of Object.entries(S.facetSelects)) f.facets[field] = sel.value;
  return f;
}

// --- loading ----------------------------------------------------------------------------------
function setContract(contract) {
  KINDS = contract.review_order;
  for (const kind of contract.kinds) C.byName[kind.name] = kind;
  C.baseFields = new Set([...contract.span_fields, 'review']);
  C.idRe = new RegExp(contract.id_pattern);
}
const singular = (kind) => C.byName[kind].singular;
const scoreField = (kind) => C.byName[kind].score_field;

async function init() {
  setContract(await api('/api/contract'));
  S.run = await api('/api/run');
  const h = readHash();
  $('who').textContent = 'reviewer: ' + S.run.reviewer;
  const docSel = $('f-doc');
  for (const d of S.run.documents) docSel.append(el('option', { value: d.doc_id }, d.title ? `${d.title} (${d.doc_id})` : d.doc_id));
  for (const order of ORDERS) $('f-order').append(el('option', { value: order }, ORDER_NAMES[order]));
  renderViews();
  setSelect($('f-view'), h.view);
  renderKinds();
  if (S.run.orphans) toast(`${S.run.orphans} reviewed record(s) no longer exist in this run (see /api/orphans)`, true);
  setSelect(docSel, h.doc);
  setSelect($('f-status'), h.status);
  setSelect($('f-order'), h.order);
  $('f-score').value = h.score;
  $('f-q').value = h.q;
  await setKind(KINDS.includes(h.kind) ? h.kind : KINDS[0], h.id, h.type, h.facets);
}

// The team's merged review, or one reviewer's own decisions (yours first).
function renderViews() {
  const sel = $('f-view');
  const keep = sel.value;
  clear(sel).append(el('option', { value: '' }, 'team view'));
  const me = S.run.reviewer;
  for (const name of [me, ...(S.run.reviewers || []).filter((n) => n !== me)]) sel.append(el('option', { value: name }, name === me ? `mine (${name})` : `${name}'s view`));
  setSelect(sel, keep);
}

function setSelect(sel, value) {
  if (value && ![...sel.options].some((o) => o.value === value)) return;
  sel.value = value || '';
}

function renderKinds() {
  const nav = clear($('kinds'));
  KINDS.forEach((kind, i) => {
    const counts = (S.run.status_counts || {})[kind] || {};
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    nav.append(el('button', {
      type: 'button', 'aria-pressed': String(kind === S.kind), title: `review ${kind} (${i + 1})`,
      onclick: () => enqueue(() => setKind(kind)),
    }, kind, el('span', { class: 'n' }, fmt(total))));
  });
}

function setQueueAll(items) {
  S.queueAll = items;
  S.itemById = new Map(items.map((i) => [i.id, i]));
}

async function setKind(kind, preferId, preferType, preferFacets) {
  editor.cancel();
  const keepFacets = preferFacets || (kind === S.kind ? filters().facets : {});
  S.kind = kind;
  $('text').dataset.kind = kind;
  const data = await api('/api/queue?kind=' + encodeURIComponent(kind) + viewParam());
  setQueueAll(data.items);
  const typeSel = $('f-type');
  const keep = preferType !== undefined ? preferType : typeSel.value;
  const labelField = C.byName[kind].label_field || 'type';
  clear(typeSel).append(el('option', { value: '' }, 'any ' + labelField));
  const labels = [...new Set(S.queueAll.map((i) => i.label).filter((l) => l !== null && l !== undefined))].sort();
  for (const label of labels) typeSel.append(el('option', { value: String(label) }, String(label)));
  setSelect(typeSel, keep);
  $('f-score').disabled = !scoreField(kind);
  S.facetSelects = renderFacets($('facets'), C.byName[kind].facets || [], S.queueAll, keepFacets, onFilterChange);
  renderKinds();
  await applyFilters(preferId);
}

// The queue after filters and order; the current record stays when it still matches, else the
// first pending record (of the same document when there is one) comes up.
async function applyFilters(preferId) {
  const current = preferId || (S.queue[S.pos] || {}).id;
  const f = filters();
  S.queue = sortQueue(S.queueAll.filter(matcher(f, Boolean(scoreField(S.kind)))), f.order);
  S.qver++;
  let pos = current ? S.queue.findIndex((i) => i.id === current) : -1;
  const docId = S.doc && S.doc.document.doc_id;
  if (pos < 0) pos = S.queue.findIndex((i) => i.doc_id === docId && (i.status === 'pending' || i.status === 'skipped'));
  if (pos < 0) pos = nextPending(S.queue, -1);
  if (pos < 0) pos = S.queue.findIndex((i) => i.doc_id === docId);
  if (pos < 0) pos = 0;
  if (!S.queue.length) {
    S.pos = -1;
    const showDoc = $('f-doc').value || docId || (S.run.documents[0] || {}).doc_id;
    if (showDoc && showDoc !== docId) await loadDoc(showDoc);
    view.mark(null);
    renderSide();
    writeHash();
    return;
  }
  await go(pos);
}

async function loadDoc(docId) {
  S.doc = await api('/api/doc?id=' + encodeURIComponent(docId) + viewParam());
  S.recById = new Map();
  for (const kind of KINDS) for (const r of S.doc.records[kind]) S.recById.set(r.id, Object.assign(r, { _kind: kind }));
  renderDocHeader();
  view.load(S.doc, KINDS, S.recById);
}

async function go(pos) {
  if (pos < 0 || pos >= S.queue.length) return;
  const item = S.queue[pos];
  if (!S.doc || S.doc.document.doc_id !== item.doc_id) await loadDoc(item.doc_id);
  S.pos = pos;
  view.mark(item.id);
  renderSide();
  writeHash();
}

async function refresh() {
  if (editor.active || !S.run) return;
  const before = S.run.review_version;
  S.run = await api('/api/run');
  if (S.run.review_version === before) return; // nobody decided anything since: nothing to reload
  const id = (S.queue[S.pos] || {}).id;
  setQueueAll((await api('/api/queue?kind=' + encodeURIComponent(S.kind) + viewParam())).items);
  const docId = S.doc && S.doc.document.doc_id;
  if (docId) await loadDoc(docId);
  renderViews();
  renderKinds();
  await applyFilters(id);
}

// --- rendering the side panel and the counters ------------------------------------------------
function renderDocHeader() {
  const banner = $('banner');
  const meta = S.doc.document;
  $('doc-title').textContent = meta.title || meta.doc_id;
  $('doc-meta').textContent = [meta.doc_id, (meta.authors || []).join(', '), meta.published, meta.publisher].filter(Boolean).join(' · ');
  banner.hidden = !S.doc.warning;
  banner.textContent = S.doc.warning || '';
}

function renderSide() {
  renderList();
  renderDetail();
  renderProgress();
}

function renderProgress() {
  const c = { pending: 0, skipped: 0, accepted: 0, rejected: 0, edited: 0, conflict: 0 };
  for (const i of S.queueAll) c[i.status] = (c[i.status] || 0) + 1;
  const done = c.accepted + c.rejected + c.edited;
  const conflicts = c.conflict ? ` · ${fmt(c.conflict)} conflicts` : '';
  $('progress').textContent = `${S.kind}: ${fmt(done)} / ${fmt(S.queueAll.length)} reviewed · ${fmt(c.accepted)} accepted · ${fmt(c.rejected)} rejected · ${fmt(c.edited)} edited${conflicts}`;
  let pending = 0;
  for (const i of S.queue) if (i.status === 'pending' || i.status === 'skipped') pending++;
  $('queue-info').textContent = S.queue.length ? `${fmt(S.pos + 1)} of ${fmt(S.queue.length)} in queue` : 'nothing matches the filters';
  $('queue-pending').textContent = S.queue.length ? `${fmt(pending)} pending` : '';
}

// Positions in the queue of the current document's records (cached per queue and document).
function docItems() {
  const docId = S.doc && S.doc.document.doc_id;
  const key = `${S.qver}|${docId}`;
  if (S.docItems.key !== key) {
    const idx = [];
    S.queue.forEach((item, i) => { if (item.doc_id === docId) idx.push(i); });
    S.docItems = { key, idx };
  }
  return S.docItems.idx;
}

// The list shows a window of rows around the current record; moving inside it only moves a class.
function renderList() {
  const idx = docItems();
  const at = Math.max(0, idx.indexOf(S.pos));
  const L = S.list;
  const inside = L.key === S.docItems.key && at >= L.from && at < L.to && (at - L.from >= 10 || L.from === 0) && (L.to - at > 10 || L.to === idx.length);
  if (!inside) buildList(idx, at);
  for (const li of L.nodes.values()) li.classList.toggle('current', Number(li.dataset.pos) === S.pos);
  const li = L.nodes.get((S.queue[S.pos] || {}).id);
  if (li) li.scrollIntoView({ block: 'nearest' });
}

function buildList(idx, at) {
  const L = S.list;
  const list = clear($('list'));
  L.key = S.docItems.key;
  L.from = Math.max(0, Math.min(at - Math.floor(LIST_WINDOW / 3), idx.length - LIST_WINDOW));
  L.to = Math.min(idx.length, L.from + LIST_WINDOW);
  L.nodes = new Map();
  const filtered = S.queue.length !== S.queueAll.length ? ' (filtered)' : '';
  const shown = idx.length > LIST_WINDOW ? ` · showing ${fmt(L.from + 1)}–${fmt(L.to)}` : '';
  $('list-title').textContent = `${fmt(idx.length)} ${S.kind} in this document${filtered}${shown}`;
  if (!idx.length) { list.append(el('li', { class: 'empty' }, `No ${S.kind} to review here.`)); return; }
  if (L.from > 0) list.append(el('li', { class: 'more' }, `… ${fmt(L.from)} more above`));
  for (let k = L.from; k < L.to; k++) {
    const pos = idx[k];
    const item = S.queue[pos];
    const label = [item.label, item.score !== null && item.score !== undefined ? Number(item.score).toFixed(2) : null].filter((x) => x !== null && x !== undefined).join(' · ');
    const li = el('li', {
      'data-id': item.id, 'data-status': item.status, 'data-pos': pos,
      onclick: () => enqueue(() => { editor.cancel(); return go(pos); }),
    }, badge(item.status), el('span', { class: 'snip' }, snippet(item.text)), el('span', { class: 'lab' }, label));
    list.append(li);
    L.nodes.set(item.id, li);
  }
  if (L.to < idx.length) list.append(el('li', { class: 'more' }, `… ${fmt(idx.length - L.to)} more below`));
}

function renderDetail() {
  const item = S.queue[S.pos];
  const rec = item && S.recById.get(item.id);
  let empty = null;
  if (!rec) empty = S.queue.length ? 'Loading…' : (S.queueAll.length ? `No ${S.kind} match the filters.` : `No ${S.kind} in this run.`);
  detail.render({ kind: S.kind, rec, empty, me: S.run.reviewer, recById: S.recById, onTake: (name) => enqueue(() => take(name)) });
}

// --- decisions --------------------------------------------------------------------------------
function applyRecord(kind, rec) {
  if (!rec) return;
  if (S.doc && S.doc.document.doc_id === rec.doc_id) {
    const list = S.doc.records[kind];
    const i = list.findIndex((r) => r.id === rec.id);
    Object.assign(rec, { _kind: kind });
    if (i >= 0) list[i] = rec;
    S.recById.set(rec.id, rec);
    view.update(kind, rec);
  }
  if (kind !== S.kind) return;
  const labelField = C.byName[kind].label_field, score = scoreField(kind);
  const item = S.itemById.get(rec.id);
  if (item) {
    Object.assign(item, { status: rec.review.status, label: rec[labelField] ?? null, score: score ? (rec[score] ?? null) : null, start_char: rec.start_char, text: rec.text });
    for (const f of Object.keys(item.facets)) item.facets[f] = rec[f] ?? null;
    delete item._search;
  }
  const li = S.list.nodes.get(rec.id);
  if (li) { li.dataset.status = rec.review.status; li.replaceChild(badge(rec.review.status), li.firstChild); }
}

// Many records changed at once (a bulk decision or its undo): queue items, records, marks, list.
function applyItems(kind, items) {
  if (kind !== S.kind) return;
  for (const upd of items) {
    const item = S.itemById.get(upd.id);
    if (item) { item.status = upd.status; delete item._search; }
  }
  const inDoc = [];
  for (const upd of items) {
    const rec = S.recById.get(upd.id);
    if (rec && upd.review) { rec.review = upd.review; inDoc.push(upd.id); }
  }
  view.refresh(inDoc);
  S.list.key = null; // rebuild the list rows with their new statuses
}

async function applyBulk(res) {
  applyItems(res.kind, res.items);
  if (res.batch) S.undo.push({ batch: res.batch, kind: res.kind, n: res.n });
  if (!undecided(S.queue[S.pos])) await advance();
  else renderSide();
}

// Another reviewer's view shows their decisions: yours are made in the team view or your own.
function readOnly() {
  const view = $('f-view').value;
  if (!view || view === S.run.reviewer) return false;
  toast(`${view}'s view is read only: v switches to yours or the team's`, true);
  return true;
}

// In the team view a decision on a record in conflict (or already settled) settles it: an adjudication.
async function decide(decision, edits) {
  const item = S.queue[S.pos];
  if (!item || readOnly()) return;
  const rec = S.recById.get(item.id);
  const review = (rec && rec.review) || {};
  const settles = !$('f-view').value && decision !== 'skip' && (review.status === 'conflict' || Boolean(review.adjudicated_by));
  const body = { record_id: item.id, kind: S.kind, decision, view: $('f-view').value };
  if (edits) body.edits = edits;
  if (settles) body.adjudicate = true;
  const res = await api('/api/decisions', body);
  S.undo.push({ id: res.decision.id, record_id: item.id, kind: S.kind });
  applyRecord(res.kind, res.record);
  toast(settles ? 'settled' : { accept: 'accepted', reject: 'rejected', skip: 'skipped', edit: 'edited' }[decision]);
  await advance();
}

// Settle a conflict by taking one reviewer's version (Shift+1, Shift+2... in the reviewers' order).
async function take(nameOrIndex) {
  const item = S.queue[S.pos];
  const rec = item && S.recById.get(item.id);
  if (!rec || !rec.review || !rec.review.by_reviewer) return;
  const names = Object.keys(rec.review.by_reviewer);
  const name = typeof nameOrIndex === 'number' ? names[nameOrIndex] : nameOrIndex;
  const version = name && versionOf(rec.review, name);
  if (!version || $('f-view').value || rec.review.status !== 'conflict') { toast('only a conflict is settled, in the team view', true); return; }
  const res = await api('/api/decisions', { record_id: item.id, kind: S.kind, view: '', adjudicate: true, ...version });
  S.undo.push({ id: res.decision.id, record_id: item.id, kind: S.kind });
  applyRecord(res.kind, res.record);
  toast(`settled: ${name}'s version`);
  await advance();
}

async function showConflicts(kind) {
  $('f-view').value = '';
  $('f-status').value = 'conflict';
  S.doc = null;
  await setKind(kind);
}

async function changeView() {
  const id = (S.queue[S.pos] || {}).id;
  S.doc = null; // records are shown as the view sees them: reload
  S.undo = [];
  await setKind(S.kind, id);
}

function cycleView() {
  const sel = $('f-view');
  sel.selectedIndex = (sel.selectedIndex + 1) % sel.options.length;
  toast(sel.options[sel.selectedIndex].textContent);
  return changeView();
}

// After a decision: the next pending record after this one (the queue wraps), else simply the next.
async function advance() {
  let next = nextPending(S.queue, S.pos);
  if (next < 0 || next === S.pos) next = S.pos + 1 < S.queue.length ? S.pos + 1 : -1;
  if (next >= 0) await go(next);
  else { renderSide(); toast('end of the queue: nothing pending'); }
}

async function undo() {
  const last = S.undo.pop();
  let body = { decision: 'undo' };
  if (last && last.batch) body = { decision: 'undo', batch: last.batch };
  else if (last) body = { decision: 'undo', target: last.id, record_id: last.record_id, kind: last.kind };
  body.view = $('f-view').value;
  let res;
  try { res = await api('/api/decisions', body); } catch (err) { toast('undo: ' + err.message, true); return; }
  const kind = res.kind;
  if (res.undone_batch) {
    if (kind !== S.kind) await setKind(kind);
    applyItems(kind, res.items);
    const first = S.queue.findIndex((i) => i.id === (res.items[0] || {}).id);
    if (first >= 0) await go(first); else renderSide();
    toast(`undid the bulk ${res.decision} of ${fmt(res.n)} ${kind}`);
    return;
  }
  if (res.record) {
    if (kind !== S.kind) await setKind(kind, res.record.id);
    applyRecord(kind, res.record);
    let idx = S.queue.findIndex((i) => i.id === res.record.id);
    if (idx < 0) { await applyFilters(res.record.id); idx = S.queue.findIndex((i) => i.id === res.record.id); }
    if (idx >= 0) await go(idx); else renderSide();
  }
  toast(`undid ${res.undone.decision}`);
}

async function goNextPending() {
  const next = nextPending(S.queue, S.pos);
  if (next < 0) toast('nothing pending in the queue'); else await go(next);
}

// The first record of the next (dir 1) or previous (dir -1) document in the queue.
async function goDocument(dir) {
  const docId = (S.queue[S.pos] || {}).doc_id;
  for (let i = S.pos + dir; i >= 0 && i < S.queue.length; i += dir) {
    if (S.queue[i].doc_id !== docId) {
      let first = i;
      while (first - 1 >= 0 && S.queue[first - 1].doc_id === S.queue[i].doc_id) first--;
      return go(dir > 0 ? i : first);
    }
  }
  toast(dir > 0 ? 'last document in the queue' : 'first document in the queue');
}

function pickFromText(recs) {
  const mine = recs.filter((r) => r._kind === S.kind).sort((a, b) => (a.end_char - a.start_char) - (b.end_char - b.start_char));
  if (!mine.length) return;
  const idx = S.queue.findIndex((i) => i.id === mine[0].id);
  if (idx < 0) { toast('that record is hidden by the filters'); return; }
  enqueue(() => { editor.cancel(); return go(idx); });
}

// --- filters from the keyboard ----------------------------------------------------------------
function cycleOrder() {
  const sel = $('f-order');
  sel.value = ORDERS[(ORDERS.indexOf(sel.value) + 1) % ORDERS.length];
  toast('order: ' + ORDER_NAMES[sel.value]);
  return applyFilters();
}
function togglePending() {
  const sel = $('f-status');
  sel.value = sel.value === 'pending' ? '' : 'pending';
  toast(sel.value ? 'showing pending records only' : 'showing every status');
  return applyFilters();
}
function clearFilters() {
  for (const [, id] of FILTER_IDS) if (id !== 'f-order' && id !== 'f-view') $(id).value = '';
  for (const sel of Object.values(S.facetSelects)) sel.value = '';
  toast('filters cleared');
  return applyFilters();
}

let lastFilterKey = 0;
let searchTimer = null;
function onFilterChange(ev) {
  // A select changed with the mouse gives the keys back to the page; from the keyboard it keeps focus.
  if (ev && ev.target.tagName === 'SELECT' && performance.now() - lastFilterKey > 500) ev.target.blur();
  enqueue(() => applyFilters());
}

// --- keyboard ---------------------------------------------------------------------------------
function isTyping(target) {
  return target && (target.tagName === 'TEXTAREA' || target.tagName === 'SELECT' ||
    (target.tagName === 'INPUT' && !['checkbox', 'radio', 'button', 'submit'].includes(target.type)));
}

function toggleHelp(open) {
  S.helpOpen = open === undefined ? !S.helpOpen : open;
  $('help').hidden = !S.helpOpen;
  if (S.helpOpen) $('help-close').focus();
}

const ACTIONS = {
  a: () => decide('accept'),
  x: () => decide('reject'),
  ' ': () => decide('skip'),
  u: () => undo(),
  e: () => { const item = S.queue[S.pos]; const rec = item && S.recById.get(item.id); if (rec && !readOnly()) editor.start(S.kind, rec); },
  j: () => go(S.pos + 1),
  ArrowDown: () => go(S.pos + 1),
  k: () => go(S.pos - 1),
  ArrowUp: () => go(S.pos - 1),
  n: () => goNextPending(),
  ']': () => goDocument(1),
  '[': () => goDocument(-1),
  o: () => cycleOrder(),
  p: () => togglePending(),
  c: () => clearFilters(),
  b: () => { if (!readOnly()) bulk.show(); },
  v: () => cycleView(),
  t: () => team.show(),
};

function onKey(ev) {
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const key = ev.key;
  if (S.helpOpen) {
    if (key === 'Escape' || key === '?') { ev.preventDefault(); toggleHelp(false); }
    return;
  }
  if (editor.active) {
    if (editor.key(ev) === 'save') enqueue(() => editor.save());
    return;
  }
  for (const dialog of [bulk, team]) {
    if (!dialog.open) continue;
    const action = dialog.key(ev);
    if (action) enqueue(action);
    return;
  }
  if (isTyping(ev.target)) {
    if (ev.target.closest && ev.target.closest('#filters')) lastFilterKey = performance.now();
    if (key === 'Escape' || key === 'Enter') { ev.preventDefault(); ev.target.blur(); }
    return;
  }
  if (key === '?') { ev.preventDefault(); toggleHelp(); return; }
  if (ev.shiftKey && /^Digit[1-9]$/.test(ev.code)) { ev.preventDefault(); const n = Number(ev.code.slice(5)) - 1; enqueue(() => take(n)); return; }
  if (key === '/') { ev.preventDefault(); $('f-q').focus(); $('f-q').select(); return; }
  if (key === 'f') { ev.preventDefault(); $('f-doc').focus(); return; }
  const n = /^[1-9]$/.test(key) ? Number(key) - 1 : -1;
  const action = n >= 0 ? (n < KINDS.length ? () => setKind(KINDS[n]) : null) : ACTIONS[key];
  if (!action) return;
  ev.preventDefault();
  if (ev.target && ev.target.blur && ev.target !== document.body) ev.target.blur();
  enqueue(action);
}

function keepBarHeight() {
  const bar = $('bar');
  const set = () => document.documentElement.style.setProperty('--bar-h', bar.offsetHeight + 'px');
  new ResizeObserver(set).observe(bar);
  set();
}

document.addEventListener('keydown', onKey, true);
$('help-button').addEventListener('click', () => toggleHelp());
$('help-close').addEventListener('click', () => toggleHelp(false));
$('edit').addEventListener('submit', (ev) => { ev.preventDefault(); enqueue(() => editor.save()); });
for (const id of ['f-doc', 'f-type', 'f-status', 'f-score', 'f-order']) $(id).addEventListener('change', onFilterChange);
$('f-view').addEventListener('change', (ev) => { if (performance.now() - lastFilterKey > 500) ev.target.blur(); enqueue(changeView); });
$('team-close').addEventListener('click', () => team.close());
$('f-q').addEventListener('input', () => { clearTimeout(searchTimer); searchTimer = setTimeout(() => enqueue(() => applyFilters()), 150); });
window.addEventListener('focus', () => enqueue(refresh));
keepBarHeight();
enqueue(init);
