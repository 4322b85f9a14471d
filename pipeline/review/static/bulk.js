// Bulk decisions: accept or reject a whole group of undecided records in one action (every record
// matching the filters, every mention of one canonical entity or kb id, every record with the same
// text...), per document or over the whole run. Each record still gets its own line in review.jsonl;
// the lines share a batch id, and `u` undoes the whole batch.
import { $, el, clear, fmt, snippet, api, toast } from './util.js';

const undecided = (item) => item.status === 'pending' || item.status === 'skipped';

// The scopes offered for the current record: [{label, ids}] (ids of undecided records only).
export function bulkScopes({ kind, singular, groupFields, queue, queueAll, current, filtered }) {
  const scopes = [];
  const pendingIn = (items) => items.filter(undecided).map((i) => i.id);
  scopes.push({ label: `every pending ${singular} ${filtered ? 'matching the filters' : 'in the queue'}`, ids: pendingIn(queue) });
  if (!current) return scopes;
  const groups = groupFields.map((f) => [f, current.facets[f]]).filter(([, v]) => v !== null && v !== undefined && v !== '');
  groups.push(['text', current.text]);
  for (const [field, value] of groups) {
    const same = queueAll.filter((i) => (field === 'text' ? i.text : i.facets[field]) === value);
    const what = field === 'text' ? `reading “${snippet(value, 60)}”` : `with ${field.replace(/_/g, ' ')} “${snippet(String(value), 60)}”`;
    scopes.push({ label: `every pending ${singular} ${what} in this document`, ids: pendingIn(same.filter((i) => i.doc_id === current.doc_id)) });
    scopes.push({ label: `every pending ${singular} ${what} in the whole run`, ids: pendingIn(same) });
  }
  return scopes;
}

export class Bulk {
  // ctx: {state: () => args of bulkScopes, apply: async (response) => void}
  constructor(ctx) {
    this.ctx = ctx;
    this.scopes = null;
    this.sel = 0;
    this.kind = null;
  }

  get open() { return this.scopes !== null; }

  show() {
    const st = this.ctx.state();
    this.kind = st.kind;
    this.view = st.view || '';
    this.scopes = bulkScopes(st);
    this.sel = Math.max(0, this.scopes.findIndex((s, i) => i > 0 && s.ids.length > 1));
    if (!this.scopes[this.sel].ids.length) this.sel = 0;
    $('bulk-title').textContent = `Decide many ${st.kind} at once`;
    this.render();
    $('bulk').hidden = false;
    $('bulk-list').focus();
  }

  close() {
    this.scopes = null;
    $('bulk').hidden = true;
  }

  render() {
    const list = clear($('bulk-list'));
    this.scopes.forEach((scope, i) => {
      list.append(el('li', {
        class: (i === this.sel ? 'sel' : '') + (scope.ids.length ? '' : ' none'), 'data-n': scope.ids.length,
        onclick: () => { this.sel = i; this.render(); },
      }, el('kbd', null, String(i + 1)), ' ', scope.label, el('b', null, fmt(scope.ids.length))));
    });
  }

  async run(decision) {
    const scope = this.scopes[this.sel];
    const kind = this.kind;
    this.close();
    if (!scope.ids.length) { toast('nothing pending in that group'); return; }
    const res = await api('/api/bulk', { kind, decision, record_ids: scope.ids, view: this.view });
    await this.ctx.apply(res);
    toast(`${decision === 'accept' ? 'accepted' : 'rejected'} ${fmt(res.n)} ${kind}` + (res.already_decided ? ` (${fmt(res.already_decided)} already decided, left as they were)` : '') + ' · u undoes');
  }

  // Keys while the dialog is open; returns the action to queue, or null.
  key(ev) {
    const key = ev.key;
    ev.preventDefault();
    if (key === 'Escape' || key === 'b') { this.close(); return null; }
    if (key === 'ArrowDown' || key === 'j') this.sel = Math.min(this.scopes.length - 1, this.sel + 1);
    else if (key === 'ArrowUp' || key === 'k') this.sel = Math.max(0, this.sel - 1);
    else if (/^[1-9]$/.test(key) && Number(key) <= this.scopes.length) this.sel = Number(key) - 1;
    else if (key === 'a') return () => this.run('accept');
    else if (key === 'x') return () => this.run('reject');
    this.render();
    return null;
  }
}
