// The article text with its records highlighted, built incrementally so long articles stay fast.
//
// The text is cut into blocks of about BLOCK_CHARS characters at paragraph breaks; every block starts
// as one plain text node (cheap even for 70k words). A block gets its highlighted spans only when it
// comes near the screen (IntersectionObserver) or holds the record being reviewed; a decision
// repaints only the blocks of the records it changed. Key presses therefore touch a few hundred
// spans, never the whole article.
import { clear } from './util.js';

const BLOCK_CHARS = 1500;
const MAX_PARAGRAPH_SEARCH = 8000; // no line break that far: cut at a space instead
const MARGIN = '1200px 0px'; // paint blocks this close to the screen

export function blockBounds(text) {
  const n = text.length;
  const out = [];
  let start = 0;
  while (start < n) {
    let end = n;
    const target = start + BLOCK_CHARS;
    if (target < n) {
      const nl = text.indexOf('\n', target);
      if (nl >= 0 && nl - target < MAX_PARAGRAPH_SEARCH) {
        end = nl;
        while (end < n && text[end] === '\n') end++;
      } else {
        const sp = text.slice(target, target + MAX_PARAGRAPH_SEARCH).search(/\s/);
        end = sp >= 0 ? target + sp + 1 : Math.min(n, target + MAX_PARAGRAPH_SEARCH);
      }
    }
    out.push([start, end]);
    start = end;
  }
  return out;
}

export class TextView {
  constructor(root, onPick) {
    this.root = root;
    this.onPick = onPick;
    this.io = null;
    this.doc = null;
    this.cur = null;
    root.addEventListener('click', (ev) => this.click(ev));
  }

  // doc: {text, boilerplate, records: {kind: [record]}}; recById: id -> record (kept current by the app).
  load(doc, kinds, recById) {
    if (this.io) this.io.disconnect();
    clear(this.root);
    this.doc = doc;
    this.kinds = kinds;
    this.recById = recById;
    this.cur = null;
    const text = doc.text;
    this.starts = [];
    this.blocks = blockBounds(text).map(([s, e], i) => {
      this.starts.push(s);
      const node = document.createElement('div');
      node.className = 'blk';
      node.textContent = text.slice(s, e);
      node._blk = i;
      return { s, e, node, ivs: [], done: false, segs: new Map() };
    });
    const frag = document.createDocumentFragment();
    for (const b of this.blocks) frag.append(b.node);
    this.root.append(frag);
    this.recBlocks = new Map();
    for (const bp of doc.boilerplate) this.addInterval({ s: bp.start_char, e: bp.end_char, bp: true });
    for (const kind of kinds) for (const r of doc.records[kind]) this.addRecord(kind, r);
    this.io = new IntersectionObserver((entries) => {
      for (const entry of entries) if (entry.isIntersecting) this.paint(entry.target._blk);
    }, { rootMargin: MARGIN });
    for (const b of this.blocks) this.io.observe(b.node);
  }

  blockOf(pos) {
    let lo = 0, hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= pos) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  addInterval(iv) {
    const n = this.doc.text.length;
    iv.s = Math.max(0, Math.min(n, iv.s));
    iv.e = Math.max(iv.s, Math.min(n, iv.e));
    if (iv.e === iv.s || !this.blocks.length) return [];
    const first = this.blockOf(iv.s), last = this.blockOf(iv.e - 1);
    const touched = [];
    for (let i = first; i <= last; i++) { this.blocks[i].ivs.push(iv); touched.push(i); }
    return touched;
  }

  addRecord(kind, rec) {
    const touched = new Set(this.addInterval({ s: rec.start_char, e: rec.end_char, kind, id: rec.id }));
    if (kind === 'claims') {
      for (const c of Array.isArray(rec.cues) ? rec.cues : []) {
        if (c && Number.isInteger(c.start_char) && Number.isInteger(c.end_char)) {
          for (const i of this.addInterval({ s: c.start_char, e: c.end_char, cue: true, owner: rec.id })) touched.add(i);
        }
      }
    }
    this.recBlocks.set(rec.id, [...touched].filter((i) => this.blocks[i].ivs.some((iv) => iv.id === rec.id)));
    return touched;
  }

  // A record changed (status, fields or span): move its intervals and repaint the blocks involved.
  update(kind, rec) {
    if (!this.doc) return;
    const touched = new Set();
    for (const b of this.blocks.keys()) {
      const block = this.blocks[b];
      const before = block.ivs.length;
      block.ivs = block.ivs.filter((iv) => iv.id !== rec.id && iv.owner !== rec.id);
      if (block.ivs.length !== before) touched.add(b);
    }
    for (const i of this.addRecord(kind, rec)) touched.add(i);
    for (const i of touched) if (this.blocks[i].done) this.paint(i, true);
    if (this.cur) this.mark(this.cur, false);
  }

  // Records whose review status changed (a bulk decision): repaint their painted blocks, once each.
  refresh(ids) {
    if (!this.doc) return;
    const blocks = new Set();
    for (const id of ids) for (const i of this.recBlocks.get(id) || []) blocks.add(i);
    for (const i of blocks) if (this.blocks[i].done) this.paint(i, true);
  }

  paint(i, force) {
    const b = this.blocks[i];
    if (!b || (b.done && !force)) return;
    const text = this.doc.text;
    const ivs = b.ivs.map((iv) => ({ ...iv, s: Math.max(iv.s, b.s), e: Math.min(iv.e, b.e), full: iv })).filter((iv) => iv.e > iv.s);
    const cuts = new Set([b.s, b.e]);
    for (const iv of ivs) { cuts.add(iv.s); cuts.add(iv.e); }
    const points = [...cuts].sort((x, y) => x - y);
    ivs.sort((x, y) => x.s - y.s);
    const frag = document.createDocumentFragment();
    b.segs = new Map();
    let next = 0;
    let active = [];
    for (let k = 0; k < points.length - 1; k++) {
      const a = points[k], z = points[k + 1];
      while (next < ivs.length && ivs[next].s <= a) active.push(ivs[next++]);
      active = active.filter((iv) => iv.e > a);
      const piece = text.slice(a, z);
      const cover = active.filter((iv) => iv.s <= a && iv.e >= z);
      if (!cover.length) { frag.append(document.createTextNode(piece)); continue; }
      frag.append(this.segment(b, piece, a, cover));
    }
    clear(b.node).append(frag);
    b.done = true;
    if (this.cur && (this.recBlocks.get(this.cur) || []).includes(i)) for (const seg of b.segs.get(this.cur) || []) seg.classList.add('cur');
  }

  segment(b, piece, a, cover) {
    const span = document.createElement('span');
    span.textContent = piece;
    const classes = new Set();
    const recs = [];
    let claim = null;
    for (const iv of cover) {
      if (iv.bp) { classes.add('bp'); continue; }
      if (iv.cue) { classes.add('cuew'); continue; }
      const rec = this.recById.get(iv.id);
      if (!rec) continue;
      classes.add('k-' + iv.kind);
      recs.push(rec);
      if (iv.kind === 'claims' && (!claim || iv.full.e - iv.full.s < claim.end_char - claim.start_char)) claim = rec;
      if (!b.segs.has(iv.id)) b.segs.set(iv.id, []);
      b.segs.get(iv.id).push(span);
      if (iv.kind === 'claims' && iv.full.s === a) classes.add('cstart');
    }
    if (claim) classes.add('st-' + claim.review.status);
    span.className = [...classes].join(' ');
    span._recs = recs;
    return span;
  }

  segments(id) {
    const out = [];
    for (const i of this.recBlocks.get(id) || []) out.push(...(this.blocks[i].segs.get(id) || []));
    return out;
  }

  // Highlight the record being reviewed (painting its blocks first) and bring it into view.
  mark(id, scroll = true) {
    if (this.cur) for (const seg of this.segments(this.cur)) seg.classList.remove('cur');
    this.cur = id;
    if (!id) return;
    for (const i of this.recBlocks.get(id) || []) this.paint(i);
    const segs = this.segments(id);
    for (const seg of segs) seg.classList.add('cur');
    if (scroll && segs.length) segs[0].scrollIntoView({ block: 'nearest' });
  }

  painted() { return this.blocks ? this.blocks.filter((b) => b.done).length : 0; }

  click(ev) {
    const span = ev.target.closest ? ev.target.closest('span') : null;
    if (span && span._recs) this.onPick(span._recs);
  }
}
