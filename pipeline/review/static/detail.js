// The current record in the side panel: its fields in the contract's order (edits shown beside the
// values they replaced), and, in a team, each reviewer's outcome.
import { $, el, clear, snippet, badge } from './util.js';
import { reviewersBox } from './team.js';

export class Detail {
  constructor(C) { this.C = C; }

  describeId(id, recById) {
    const r = recById.get(id);
    return r ? `${snippet(r.text)} (${this.C.byName[r._kind].singular})` : id;
  }

  formatValue(field, value, recById) {
    const idRe = this.C.idRe;
    if (value === null || value === undefined || (Array.isArray(value) && !value.length)) return '—';
    if (typeof value === 'boolean') return value ? 'yes' : 'no';
    if (typeof value === 'number') return field === 'score' ? value.toFixed(2) : String(value);
    if (typeof value === 'string') return idRe.test(value) ? this.describeId(value, recById) : value;
    if (Array.isArray(value)) {
      if (field === 'cues') {
        return value.map((c) => (c && typeof c === 'object'
          ? el('span', { class: 'cue' }, String(c.text ?? ''), ' ', el('small', null, String(c.role ?? '')))
          : el('span', { class: 'cue' }, String(c))));
      }
      return value.map((v) => (typeof v === 'string' && idRe.test(v) ? this.describeId(v, recById) : (typeof v === 'object' ? JSON.stringify(v) : String(v)))).join('; ');
    }
    return JSON.stringify(value);
  }

  // ctx: {kind, rec, empty, me, recById, onTake}
  render({ kind, rec, empty, me, recById, onTake }) {
    const box = clear($('detail'));
    if (!rec) { box.append(el('p', { class: 'empty' }, empty)); return; }
    const C = this.C;
    const review = rec.review || { status: 'pending', original: {} };
    box.append(el('h2', null, C.byName[kind].singular, badge(review.status), el('span', { class: 'rid' }, rec.id)));
    box.append(el('div', { class: 'quote' }, rec.text));
    const table = el('table');
    const fields = C.byName[kind].detail_fields.filter((f) => f in rec);
    for (const f of Object.keys(rec)) if (!C.baseFields.has(f) && !f.startsWith('_') && !fields.includes(f)) fields.push(f);
    for (const f of fields) {
      const cell = el('td', null, this.formatValue(f, rec[f], recById));
      if (review.original && f in review.original) cell.append(el('span', { class: 'was' }, 'was: ' + (this.formatValue(f, review.original[f], recById) || '—')));
      table.append(el('tr', { 'data-field': f }, el('td', null, f.replace(/_/g, ' ')), cell));
    }
    if (review.original && ('start_char' in review.original || 'end_char' in review.original)) {
      table.append(el('tr', null, el('td', null, 'span'), el('td', null, `${rec.start_char}–${rec.end_char}`, el('span', { class: 'was' }, `was: ${review.original.start_char ?? rec.start_char}–${review.original.end_char ?? rec.end_char}`))));
    }
    if (review.reviewer) table.append(el('tr', null, el('td', null, 'reviewed'), el('td', null, `${review.reviewer}, ${review.time || ''}`)));
    box.append(table);
    const team = reviewersBox(review, me, onTake);
    if (team) box.append(team);
    box.append(el('p', { class: 'hint' }, 'a accept · x reject · space skip · e edit · u undo · b bulk · j/k next/prev · n next pending · / search · v view · t team · ? help'));
  }
}
