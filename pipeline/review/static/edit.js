// Editing one record: the fields the contract makes editable, and its span moved word by word.
import { $, el, clear, toast } from './util.js';

const TOKEN_RE = /[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu;

export class Editor {
  // ctx: {contract: kind name -> contract kind, text: () => document text, save: async (edits) => void}
  constructor(ctx) {
    this.ctx = ctx;
    this.state = null;
    this.tokensOf = null;
    this.tokens = null;
  }

  get active() { return this.state !== null; }

  wordTokens() {
    const text = this.ctx.text();
    if (this.tokensOf !== text) {
      this.tokens = [...text.matchAll(TOKEN_RE)].map((m) => [m.index, m.index + m[0].length]);
      this.tokensOf = text;
    }
    return this.tokens;
  }

  start(kind, rec) {
    const spec = this.ctx.contract[kind];
    this.state = { rec, kind, start: rec.start_char, end: rec.end_char };
    const form = clear($('edit'));
    form.hidden = false;
    form.append(el('h3', null, `Edit ${spec.singular}`));
    const table = el('table');
    for (const field of spec.editable) {
      const input = fieldInput(field, rec[field.name]);
      input._initial = field.input === 'bool' ? input.checked : input.value;
      table.append(el('tr', null, el('td', null, el('label', null, field.name)), el('td', null, input)));
    }
    const nudge = (label, which, dir) => el('button', { type: 'button', title: label, onclick: () => this.move(which, dir) }, label);
    table.append(el('tr', null, el('td', null, 'span'), el('td', { class: 'nudge' },
      'start ', nudge('◀', 'start', -1), nudge('▶', 'start', 1), '  end ', nudge('◀', 'end', -1), nudge('▶', 'end', 1))));
    form.append(table, el('div', { class: 'span-preview', id: 'span-preview' }));
    form.append(el('p', { class: 'hint' }, 'Shift+←/→ move the end, Shift+↑/↓ move the start (one word). Enter saves, Esc cancels.'));
    form.append(el('div', { class: 'buttons' },
      el('button', { type: 'submit' }, 'Save'),
      el('button', { type: 'button', onclick: () => { this.cancel(); } }, 'Cancel')));
    this.preview();
    const first = form.querySelector('select, input');
    if (first) first.focus();
  }

  preview() {
    const box = clear($('span-preview'));
    const { start, end } = this.state;
    const text = this.ctx.text();
    const before = text.slice(Math.max(0, start - 60), start);
    const after = text.slice(end, end + 60);
    box.append(el('span', { class: 'ctx' }, (start > 60 ? '…' : '') + before), el('mark', null, text.slice(start, end)),
      el('span', { class: 'ctx' }, after + (end + 60 < text.length ? '…' : '')));
  }

  move(which, dir) {
    const ed = this.state;
    if (!ed) return;
    const toks = this.wordTokens();
    if (which === 'end') {
      if (dir > 0) { const t = toks.find(([, e]) => e > ed.end); if (t) ed.end = t[1]; }
      else { const t = findLast(toks, ([, e]) => e < ed.end && e > ed.start); if (t) ed.end = t[1]; }
    } else if (dir < 0) { const t = findLast(toks, ([s]) => s < ed.start); if (t) ed.start = t[0]; }
    else { const t = toks.find(([s]) => s > ed.start && s < ed.end); if (t) ed.start = t[0]; }
    this.preview();
  }

  cancel() {
    if (!this.state) return;
    this.state = null;
    const form = clear($('edit'));
    form.hidden = true;
    if (document.activeElement && form.contains(document.activeElement)) document.activeElement.blur();
  }

  async save() {
    const ed = this.state;
    if (!ed) return;
    const rec = ed.rec;
    const edits = {};
    for (const field of this.ctx.contract[ed.kind].editable) {
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
    this.cancel();
    if (!Object.keys(edits).length) { toast('nothing changed'); return; }
    await this.ctx.save(edits);
  }

  // Keys while the form is open; returns true when the key was handled.
  key(ev) {
    const key = ev.key;
    const inText = ev.target.tagName === 'INPUT' && (ev.target.type === 'text' || ev.target.type === 'number');
    if (key === 'Escape') { ev.preventDefault(); this.cancel(); return true; }
    if (key === 'Enter' && ev.target.tagName !== 'BUTTON') { ev.preventDefault(); return 'save'; }
    if (ev.shiftKey && !inText && ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown'].includes(key)) {
      ev.preventDefault();
      if (key === 'ArrowLeft') this.move('end', -1);
      if (key === 'ArrowRight') this.move('end', 1);
      if (key === 'ArrowUp') this.move('start', -1);
      if (key === 'ArrowDown') this.move('start', 1);
    }
    return true;
  }
}

function findLast(items, pred) {
  for (let i = items.length - 1; i >= 0; i--) if (pred(items[i])) return items[i];
  return undefined;
}

function fieldInput(field, value) {
  let input;
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
  return input;
}
