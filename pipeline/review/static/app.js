// claims review: vanilla JS, no build step. Article text and record values are untrusted: every
// piece of data reaches the page through textContent / text nodes, never through HTML parsing.
'use strict';
(() => {
  // The record contract (kinds in review order, their fields, the id pattern) comes from the
  // server (/api/contract, pipeline/contract.py): nothing about record kinds is declared here.
  let KINDS = [];
  const C = { byName: {}, baseFields: new Set(), idRe: /^$/ };
  const TOKEN_RE = /[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu;

  const S = {
    run: null, kind: null, queueAll: [], queue: [], pos: -1, doc: null,
    recById: new Map(), segsById: new Map(), curSegs: [], undo: [], edit: null, helpOpen: false,
  };
  const $ = (id) => document.getElementById(id);

  // --- DOM helpers: data only ever becomes text nodes ----------------------------------------
  function el(tag, props, ...kids) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = String(value);
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const kid of kids.flat()) {
      if (kid === null || kid === undefined || kid === false) continue;
      node.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
    }
    return node;
  }
  const clear = (node) => { while (node.firstChild) node.removeChild(node.firstChild); return node; };

  let toastTimer = null;
  function toast(message, isError) {
    const t = $('toast');
    t.textContent = message;
    t.className = 'show' + (isError ? ' error' : '');
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { t.className = ''; }, isError ? 4000 : 1400);
  }

  async function api(path, body) {
    const opts = body === undefined ? {} : {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
    };
    const res = await fetch(path, opts);
    let data;
    try { data = await res.json(); } catch (err) { data = { error: res.statusText }; }
    if (!res.ok) throw new Error(data.error || res.statusText);
    return data;
  }

  // Actions run one after another, so fast typing never races the server.
  let chain = Promise.resolve();
  const enqueue = (fn) => { chain = chain.then(fn).catch((err) => toast(String(err.message || err), true)); return chain; };

  // --- URL hash: where we are survives a reload -----------------------------------------------
  function readHash() {
    const p = new URLSearchParams(location.hash.slice(1));
    return { kind: p.get('kind'), doc: p.get('doc') || '', type: p.get('type') || '', status: p.get('status') || '', score: p.get('score') || '', order: p.get('order') || '', id: p.get('id') };
  }
  function writeHash() {
    const p = new URLSearchParams();
    p.set('kind', S.kind);
    for (const [key, id] of [['doc', 'f-doc'], ['type', 'f-type'], ['status', 'f-status'], ['score', 'f-score'], ['order', 'f-order']]) {
      if ($(id).value) p.set(key, $(id).value);
    }
    const item = S.queue[S.pos];
    if (item) p.set('id', item.id);
    history.replaceState(null, '', '#' + p.toString());
  }

  // --- loading --------------------------------------------------------------------------------
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
    for (const d of S.run.documents) {
      docSel.append(el('option', { value: d.doc_id }, d.title ? `${d.title} (${d.doc_id})` : d.doc_id));
    }
    renderKinds();
    if (S.run.orphans) toast(`${S.run.orphans} reviewed record(s) no longer exist in this run (see /api/orphans)`, true);
    setSelect(docSel, h.doc);
    $('f-status').value = h.status;
    $('f-score').value = h.score;
    $('f-order').value = h.order === 'uncertain' ? 'uncertain' : '';
    await setKind(KINDS.includes(h.kind) ? h.kind : KINDS[0], h.id, h.type);
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
      }, kind, el('span', { class: 'n' }, String(total))));
    });
  }

  async function setKind(kind, preferId, preferType) {
    cancelEdit();
    S.kind = kind;
    const data = await api('/api/queue?kind=' + encodeURIComponent(kind));
    S.queueAll = data.items;
    const typeSel = $('f-type');
    const keep = preferType !== undefined ? preferType : typeSel.value;
    clear(typeSel).append(el('option', { value: '' }, 'All types'));
    const labels = [...new Set(S.queueAll.map((i) => i.label).filter((l) => l !== null && l !== undefined))].sort();
    for (const label of labels) typeSel.append(el('option', { value: String(label) }, String(label)));
    setSelect(typeSel, keep);
    $('f-score').disabled = !scoreField(kind);
    renderKinds();
    await applyFilters(preferId);
  }

  function matches(item) {
    const doc = $('f-doc').value, type = $('f-type').value, status = $('f-status').value;
    const minScore = parseFloat($('f-score').value);
    if (doc && item.doc_id !== doc) return false;
    if (type && String(item.label) !== type) return false;
    if (status && item.status !== status) return false;
    if (!Number.isNaN(minScore) && scoreField(S.kind) && item.score !== null && item.score < minScore) return false;
    return true;
  }

  // Scores near 0.5 first (the classifier's least certain decisions teach it most when reviewed,
  // `claims train claims --review`); records without a score last; text order breaks ties.
  function byUncertainty(items) {
    const unc = (item) => (item.score === null || item.score === undefined ? Infinity : Math.abs(item.score - 0.5));
    return items.map((item, i) => [item, i]).sort((a, b) => (unc(a[0]) - unc(b[0])) || (a[1] - b[1])).map((x) => x[0]);
  }

  async function applyFilters(preferId) {
    const current = preferId || (S.queue[S.pos] || {}).id;
    S.queue = S.queueAll.filter(matches);
    if ($('f-order').value === 'uncertain') S.queue = byUncertainty(S.queue);
    let pos = S.queue.findIndex((i) => i.id === current);
    if (pos < 0 && S.doc) pos = S.queue.findIndex((i) => i.doc_id === S.doc.document.doc_id);
    if (pos < 0) pos = 0;
    if (!S.queue.length) {
      S.pos = -1;
      const docId = $('f-doc').value || (S.doc && S.doc.document.doc_id) || (S.run.documents[0] || {}).doc_id;
      if (docId && (!S.doc || S.doc.document.doc_id !== docId)) await loadDoc(docId);
      renderAll();
      writeHash();
      return;
    }
    await go(pos);
  }

  async function loadDoc(docId) {
    S.doc = await api('/api/doc?id=' + encodeURIComponent(docId));
    S.recById = new Map();
    for (const kind of KINDS) for (const r of S.doc.records[kind]) S.recById.set(r.id, Object.assign(r, { _kind: kind }));
    S.doc._tokens = null;
  }

  async function go(pos) {
    if (pos < 0 || pos >= S.queue.length) return;
    const item = S.queue[pos];
    if (!S.doc || S.doc.document.doc_id !== item.doc_id) await loadDoc(item.doc_id);
    S.pos = pos;
    renderAll();
    writeHash();
  }

  async function refresh() {
    if (S.edit || !S.run) return;
    const id = (S.queue[S.pos] || {}).id;
    S.run = await api('/api/run');
    const data = await api('/api/queue?kind=' + encodeURIComponent(S.kind));
    S.queueAll = data.items;
    const docId = S.doc && S.doc.document.doc_id;
    if (docId) await loadDoc(docId);
    renderKinds();
    await applyFilters(id);
  }

  // --- rendering ------------------------------------------------------------------------------
  function renderAll() {
    renderDoc();
    renderList();
    renderDetail();
    renderProgress();
    markCurrent();
  }

  function renderProgress() {
    const c = { pending: 0, skipped: 0, accepted: 0, rejected: 0, edited: 0 };
    for (const i of S.queueAll) c[i.status] = (c[i.status] || 0) + 1;
    const done = c.accepted + c.rejected + c.edited;
    $('progress').textContent = `${S.kind}: ${done} / ${S.queueAll.length} reviewed · ${c.accepted} accepted · ${c.rejected} rejected · ${c.edited} edited`;
    $('queue-info').textContent = S.queue.length ? `${S.pos + 1} of ${S.queue.length} in queue` : 'nothing matches the filters';
  }

  function renderDoc() {
    const doc = S.doc;
    const text = clear($('text'));
    S.segsById = new Map();
    S.curSegs = [];
    const banner = $('banner');
    if (!doc) { $('doc-title').textContent = ''; $('doc-meta').textContent = ''; banner.hidden = true; return; }
    const meta = doc.document;
    $('doc-title').textContent = meta.title || meta.doc_id;
    $('doc-meta').textContent = [meta.doc_id, (meta.authors || []).join(', '), meta.published, meta.publisher].filter(Boolean).join(' · ');
    banner.hidden = !doc.warning;
    banner.textContent = doc.warning || '';

    const ivs = [];
    for (const b of doc.boilerplate) ivs.push({ s: b.start_char, e: b.end_char, bp: true });
    for (const kind of KINDS) for (const r of doc.records[kind]) ivs.push({ s: r.start_char, e: r.end_char, kind, rec: r });
    for (const r of doc.records.claims) {
      for (const c of Array.isArray(r.cues) ? r.cues : []) {
        if (c && Number.isInteger(c.start_char) && Number.isInteger(c.end_char)) ivs.push({ s: c.start_char, e: c.end_char, cue: true });
      }
    }
    const n = doc.text.length;
    const cuts = new Set([0, n]);
    for (const iv of ivs) { iv.s = Math.max(0, Math.min(n, iv.s)); iv.e = Math.max(iv.s, Math.min(n, iv.e)); cuts.add(iv.s); cuts.add(iv.e); }
    const points = [...cuts].sort((a, b) => a - b);
    ivs.sort((a, b) => a.s - b.s);
    const frag = document.createDocumentFragment();
    let next = 0;
    let active = [];
    for (let k = 0; k < points.length - 1; k++) {
      const a = points[k], b = points[k + 1];
      if (a === b) continue;
      while (next < ivs.length && ivs[next].s <= a) active.push(ivs[next++]);
      active = active.filter((iv) => iv.e > a);
      const piece = doc.text.slice(a, b);
      const cover = active.filter((iv) => iv.s <= a && iv.e >= b && iv.e > iv.s);
      if (!cover.length) { frag.append(document.createTextNode(piece)); continue; }
      const span = document.createElement('span');
      span.textContent = piece;
      const classes = new Set();
      const recs = [];
      let claim = null;
      for (const iv of cover) {
        if (iv.bp) { classes.add('bp'); continue; }
        if (iv.cue) { classes.add('cuew'); continue; }
        classes.add('k-' + iv.kind);
        recs.push(iv.rec);
        if (iv.kind === 'claims' && (!claim || iv.e - iv.s < claim.end_char - claim.start_char)) claim = iv.rec;
        if (iv.kind === S.kind) classes.add('pick');
        if (!S.segsById.has(iv.rec.id)) S.segsById.set(iv.rec.id, []);
        S.segsById.get(iv.rec.id).push(span);
      }
      if (claim) classes.add('st-' + claim.review.status);
      if (cover.some((iv) => iv.kind === 'claims' && iv.s === a)) classes.add('cstart');
      span.className = [...classes].join(' ');
      span._recs = recs;
      frag.append(span);
    }
    text.append(frag);
  }

  function markCurrent() {
    for (const seg of S.curSegs) seg.classList.remove('cur');
    const item = S.queue[S.pos];
    S.curSegs = item ? (S.segsById.get(item.id) || []) : [];
    for (const seg of S.curSegs) seg.classList.add('cur');
    if (S.curSegs.length) S.curSegs[0].scrollIntoView({ block: 'nearest' });
  }

  function snippet(text) {
    const t = String(text).replace(/\s+/g, ' ');
    return t.length > 110 ? t.slice(0, 107) + '…' : t;
  }
  const badge = (status) => el('span', { class: 'badge st-' + status }, status);

  function renderList() {
    const list = clear($('list'));
    const docId = S.doc && S.doc.document.doc_id;
    const items = [];
    S.queue.forEach((item, idx) => { if (item.doc_id === docId) items.push([item, idx]); });
    $('list-title').textContent = `${items.length} ${S.kind} in this document${S.queue.length !== S.queueAll.length ? ' (filtered)' : ''}`;
    if (!items.length) { list.append(el('li', { class: 'empty' }, `No ${S.kind} to review here.`)); return; }
    for (const [item, idx] of items) {
      const rec = S.recById.get(item.id) || { text: item.id };
      const label = [item.label, item.score !== null && item.score !== undefined ? Number(item.score).toFixed(2) : null].filter((x) => x !== null && x !== undefined).join(' · ');
      const li = el('li', {
        class: idx === S.pos ? 'current' : null, 'data-id': item.id, 'data-status': item.status,
        onclick: () => enqueue(() => { cancelEdit(); return go(idx); }),
      }, badge(item.status), el('span', { class: 'snip' }, snippet(rec.text)), el('span', { class: 'lab' }, label));
      list.append(li);
      if (idx === S.pos) requestAnimationFrame(() => li.scrollIntoView({ block: 'nearest' }));
    }
  }

  function describeId(id) {
    const r = S.recById.get(id);
    return r ? `${snippet(r.text)} (${singular(r._kind)})` : id;
  }

  function formatValue(field, value) {
    if (value === null || value === undefined || (Array.isArray(value) && !value.length)) return '—';
    if (typeof value === 'boolean') return value ? 'yes' : 'no';
    if (typeof value === 'number') return field === 'score' ? value.toFixed(2) : String(value);
    if (typeof value === 'string') return C.idRe.test(value) ? describeId(value) : value;
    if (Array.isArray(value)) {
      if (field === 'cues') {
        return value.map((c) => (c && typeof c === 'object'
          ? el('span', { class: 'cue' }, String(c.text ?? ''), ' ', el('small', null, String(c.role ?? '')))
          : el('span', { class: 'cue' }, String(c))));
      }
      return value.map((v) => (typeof v === 'string' && C.idRe.test(v) ? describeId(v) : (typeof v === 'object' ? JSON.stringify(v) : String(v)))).join('; ');
    }
    return JSON.stringify(value);
  }

  function renderDetail() {
    const box = clear($('detail'));
    const item = S.queue[S.pos];
    const rec = item && S.recById.get(item.id);
    if (!rec) {
      const why = S.queue.length ? 'Loading…' : (S.queueAll.length ? `No ${S.kind} match the filters.` : `No ${S.kind} in this run.`);
      box.append(el('p', { class: 'empty' }, why));
      return;
    }
    const review = rec.review || { status: 'pending', original: {} };
    box.append(el('h2', null, singular(S.kind), badge(review.status), el('span', { class: 'rid' }, rec.id)));
    box.append(el('div', { class: 'quote' }, rec.text));
    const table = el('table');
    const fields = C.byName[S.kind].detail_fields.filter((f) => f in rec);
    for (const f of Object.keys(rec)) if (!C.baseFields.has(f) && !f.startsWith('_') && !fields.includes(f)) fields.push(f);
    for (const f of fields) {
      const cell = el('td', null, formatValue(f, rec[f]));
      if (review.original && f in review.original) cell.append(el('span', { class: 'was' }, 'was: ' + (formatValue(f, review.original[f]) || '—')));
      table.append(el('tr', { 'data-field': f }, el('td', null, f.replace(/_/g, ' ')), cell));
    }
    if (review.original && ('start_char' in review.original || 'end_char' in review.original)) {
      table.append(el('tr', null, el('td', null, 'span'), el('td', null, `${rec.start_char}–${rec.end_char}`, el('span', { class: 'was' }, `was: ${review.original.start_char ?? rec.start_char}–${review.original.end_char ?? rec.end_char}`))));
    }
    if (review.reviewer) table.append(el('tr', null, el('td', null, 'reviewed'), el('td', null, `${review.reviewer}, ${review.time || ''}`)));
    box.append(table);
    box.append(el('p', { class: 'hint' }, 'a accept · x reject · space skip · e edit · u undo · j/k next/prev · ? help'));
  }

  // --- decisions ------------------------------------------------------------------------------
  function applyRecord(kind, rec) {
    if (!rec) return;
    if (S.doc && S.doc.document.doc_id === rec.doc_id) {
      const list = S.doc.records[kind];
      const i = list.findIndex((r) => r.id === rec.id);
      if (i >= 0) list[i] = Object.assign(rec, { _kind: kind });
      S.recById.set(rec.id, Object.assign(rec, { _kind: kind }));
    }
    if (kind === S.kind) {
      const labelField = C.byName[kind].label_field, score = scoreField(kind);
      for (const item of S.queueAll) {
        if (item.id !== rec.id) continue;
        item.status = rec.review.status;
        item.label = rec[labelField] ?? null;
        item.score = score ? (rec[score] ?? null) : null;
        item.start_char = rec.start_char;
      }
    }
    const counts = (S.run.status_counts || {})[kind];
    if (counts && kind === S.kind) {
      for (const k of Object.keys(counts)) counts[k] = 0;
      for (const i of S.queueAll) counts[i.status] = (counts[i.status] || 0) + 1;
    }
  }

  async function decide(decision, edits) {
    const item = S.queue[S.pos];
    if (!item) return;
    const body = { record_id: item.id, kind: S.kind, decision };
    if (edits) body.edits = edits;
    const res = await api('/api/decisions', body);
    S.undo.push({ id: res.decision.id, record_id: item.id, kind: S.kind });
    applyRecord(res.kind, res.record);
    toast({ accept: 'accepted', reject: 'rejected', skip: 'skipped', edit: 'edited' }[decision]);
    if (S.pos < S.queue.length - 1) await go(S.pos + 1);
    else { renderAll(); toast('end of the queue'); }
  }

  async function undo() {
    const last = S.undo.pop();
    const body = last ? { decision: 'undo', target: last.id, record_id: last.record_id, kind: last.kind } : { decision: 'undo' };
    let res;
    try { res = await api('/api/decisions', body); } catch (err) { toast('undo: ' + err.message, true); return; }
    const kind = res.kind;
    if (res.record) {
      if (kind !== S.kind) await setKind(kind, res.record.id);
      applyRecord(kind, res.record);
      let idx = S.queue.findIndex((i) => i.id === res.record.id);
      if (idx < 0) { S.queue = S.queueAll.filter(matches); idx = S.queue.findIndex((i) => i.id === res.record.id); }
      if (idx >= 0) await go(idx); else renderAll();
    }
    toast(`undid ${res.undone.decision}`);
  }

  // --- editing --------------------------------------------------------------------------------
  function tokens() {
    if (!S.doc._tokens) S.doc._tokens = [...S.doc.text.matchAll(TOKEN_RE)].map((m) => [m.index, m.index + m[0].length]);
    return S.doc._tokens;
  }

  function startEdit() {
    const item = S.queue[S.pos];
    const rec = item && S.recById.get(item.id);
    if (!rec) return;
    S.edit = { rec, kind: S.kind, start: rec.start_char, end: rec.end_char };
    const form = clear($('edit'));
    form.hidden = false;
    form.append(el('h3', null, `Edit ${singular(S.kind)}`));
    const table = el('table');
    for (const field of C.byName[S.kind].editable) {
      let input;
      const value = rec[field.name];
      if (field.input === 'choice') {
        input = el('select', { name: field.name });
        const options = [...field.allowed];
        if (value !== null && value !== undefined && !options.includes(value)) options.unshift(value);
        if (value === null || value === undefined) input.append(el('option', { value: '' }, '—'));
        for (const o of options) input.append(el('option', { value: String(o) }, String(o)));
        input.value = value === null || value === undefined ? '' : String(value);
      } else if (field.input === 'bool') {
        input = el('input', { type: 'checkbox', name: field.name });
        input.checked = Boolean(value);
      } else {
        input = el('input', { type: field.input === 'number' ? 'number' : 'text', name: field.name, step: field.input === 'number' ? 'any' : null });
        input.value = value === null || value === undefined ? '' : String(value);
      }
      input._initial = field.input === 'bool' ? input.checked : input.value;
      table.append(el('tr', null, el('td', null, el('label', null, field.name)), el('td', null, input)));
    }
    const nudge = (label, which, dir) => el('button', { type: 'button', title: label, onclick: () => moveBoundary(which, dir) }, label);
    table.append(el('tr', null, el('td', null, 'span'), el('td', { class: 'nudge' },
      'start ', nudge('◀', 'start', -1), nudge('▶', 'start', 1), '  end ', nudge('◀', 'end', -1), nudge('▶', 'end', 1))));
    form.append(table, el('div', { class: 'span-preview', id: 'span-preview' }));
    form.append(el('p', { class: 'hint' }, 'Shift+←/→ move the end, Shift+↑/↓ move the start (one word). Enter saves, Esc cancels.'));
    form.append(el('div', { class: 'buttons' },
      el('button', { type: 'submit' }, 'Save'),
      el('button', { type: 'button', onclick: () => { cancelEdit(); } }, 'Cancel')));
    renderSpanPreview();
    const first = form.querySelector('select, input');
    if (first) first.focus();
  }

  function renderSpanPreview() {
    const box = clear($('span-preview'));
    const { start, end } = S.edit;
    const text = S.doc.text;
    const before = text.slice(Math.max(0, start - 60), start);
    const after = text.slice(end, end + 60);
    box.append(el('span', { class: 'ctx' }, (start > 60 ? '…' : '') + before), el('mark', null, text.slice(start, end)),
      el('span', { class: 'ctx' }, after + (end + 60 < text.length ? '…' : '')));
  }

  function moveBoundary(which, dir) {
    const ed = S.edit;
    if (!ed) return;
    const toks = tokens();
    if (which === 'end') {
      if (dir > 0) { const t = toks.find(([, e]) => e > ed.end); if (t) ed.end = t[1]; }
      else { const t = [...toks].reverse().find(([, e]) => e < ed.end && e > ed.start); if (t) ed.end = t[1]; }
    } else if (dir < 0) { const t = [...toks].reverse().find(([s]) => s < ed.start); if (t) ed.start = t[0]; }
    else { const t = toks.find(([s]) => s > ed.start && s < ed.end); if (t) ed.start = t[0]; }
    renderSpanPreview();
  }

  function cancelEdit() {
    if (!S.edit) return;
    S.edit = null;
    const form = clear($('edit'));
    form.hidden = true;
    if (document.activeElement && form.contains(document.activeElement)) document.activeElement.blur();
  }

  async function saveEdit() {
    const ed = S.edit;
    if (!ed) return;
    const rec = ed.rec;
    const edits = {};
    for (const field of C.byName[ed.kind].editable) {
      const input = $('edit').querySelector(`[name="${field.name}"]`);
      // Only what the reviewer changed is sent (a value the form cannot show, e.g. a range, stays as is).
      if ((field.input === 'bool' ? input.checked : input.value) === input._initial) continue;
      let value;
      if (field.input === 'bool') value = input.checked;
      else if (field.input === 'number') value = input.value.trim() === '' ? null : Number(input.value);
      else value = input.value.trim() === '' ? null : input.value.trim();
      edits[field.name] = value;
    }
    if (ed.start !== rec.start_char) edits.start_char = ed.start;
    if (ed.end !== rec.end_char) edits.end_char = ed.end;
    cancelEdit();
    if (!Object.keys(edits).length) { toast('nothing changed'); return; }
    await decide('edit', edits);
  }

  // --- keyboard -------------------------------------------------------------------------------
  function isTyping(target) {
    return target && (target.tagName === 'TEXTAREA' || target.tagName === 'SELECT' ||
      (target.tagName === 'INPUT' && !['checkbox', 'radio', 'button', 'submit'].includes(target.type)));
  }

  function toggleHelp(open) {
    S.helpOpen = open === undefined ? !S.helpOpen : open;
    $('help').hidden = !S.helpOpen;
    if (S.helpOpen) $('help-close').focus();
  }

  function onKey(ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const key = ev.key;
    if (S.helpOpen) {
      if (key === 'Escape' || key === '?') { ev.preventDefault(); toggleHelp(false); }
      return;
    }
    if (S.edit) {
      const inText = ev.target.tagName === 'INPUT' && (ev.target.type === 'text' || ev.target.type === 'number');
      if (key === 'Escape') { ev.preventDefault(); cancelEdit(); return; }
      if (key === 'Enter' && ev.target.tagName !== 'BUTTON') { ev.preventDefault(); enqueue(saveEdit); return; }
      if (ev.shiftKey && !inText && ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown'].includes(key)) {
        ev.preventDefault();
        if (key === 'ArrowLeft') moveBoundary('end', -1);
        if (key === 'ArrowRight') moveBoundary('end', 1);
        if (key === 'ArrowUp') moveBoundary('start', -1);
        if (key === 'ArrowDown') moveBoundary('start', 1);
      }
      return;
    }
    if (isTyping(ev.target)) {
      if (key === 'Escape' || key === 'Enter') ev.target.blur();
      return;
    }
    const actions = {
      a: () => decide('accept'),
      x: () => decide('reject'),
      ' ': () => decide('skip'),
      u: () => undo(),
      e: () => startEdit(),
      j: () => go(S.pos + 1),
      ArrowDown: () => go(S.pos + 1),
      k: () => go(S.pos - 1),
      ArrowUp: () => go(S.pos - 1),
    };
    KINDS.forEach((kind, i) => { actions[String(i + 1)] = () => setKind(kind); });
    if (key === '?') { ev.preventDefault(); toggleHelp(); return; }
    if (key === 'Escape') return;
    const action = actions[key];
    if (!action) return;
    ev.preventDefault();
    if (ev.target && ev.target.blur && ev.target !== document.body) ev.target.blur();
    enqueue(action);
  }

  function onTextClick(ev) {
    const span = ev.target.closest ? ev.target.closest('span') : null;
    if (!span || !span._recs) return;
    const mine = span._recs.filter((r) => r._kind === S.kind).sort((a, b) => (a.end_char - a.start_char) - (b.end_char - b.start_char));
    if (!mine.length) return;
    const idx = S.queue.findIndex((i) => i.id === mine[0].id);
    if (idx < 0) { toast('that record is hidden by the filters'); return; }
    enqueue(() => { cancelEdit(); return go(idx); });
  }

  document.addEventListener('DOMContentLoaded', () => {
    document.addEventListener('keydown', onKey, true);
    $('text').addEventListener('click', onTextClick);
    $('help-button').addEventListener('click', () => toggleHelp());
    $('help-close').addEventListener('click', () => toggleHelp(false));
    $('edit').addEventListener('submit', (ev) => { ev.preventDefault(); enqueue(saveEdit); });
    for (const id of ['f-doc', 'f-type', 'f-status', 'f-score', 'f-order']) {
      $(id).addEventListener('change', (ev) => {
        if (ev.target.tagName === 'SELECT') ev.target.blur();
        enqueue(() => applyFilters());
      });
    }
    window.addEventListener('focus', () => enqueue(refresh));
    enqueue(init);
  });
})();
