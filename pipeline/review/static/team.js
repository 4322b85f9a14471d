// Reviewing as a team: each reviewer's outcome on the current record (with a way to settle a
// conflict by taking one reviewer's version), and the team dialog (`t`): who decided how much, the
// agreement between reviewers (percent and Cohen's kappa per kind and field), the conflicts to settle.
import { $, el, clear, fmt, api, badge } from './util.js';

const DECIDED = ['accepted', 'rejected', 'edited'];

function describeEdits(edits) {
  return Object.entries(edits || {}).filter(([k]) => k !== 'text').map(([k, v]) => `${k}: ${v === null ? '—' : v}`).join(', ');
}

// The decision that adopts one reviewer's version of a record (sent with adjudicate: true).
export function versionOf(review, name) {
  const mine = (review.by_reviewer || {})[name];
  if (!mine || !DECIDED.includes(mine.status)) return null;
  if (mine.status === 'rejected') return { decision: 'reject' };
  const edits = Object.fromEntries(Object.entries(mine.edits || {}).filter(([k]) => k !== 'text'));
  return Object.keys(edits).length ? { decision: 'edit', edits } : { decision: 'accept' };
}

// Rows of the detail panel: one per reviewer, with "take" buttons when the record is in conflict.
export function reviewersBox(review, me, onTake) {
  const names = Object.keys(review.by_reviewer || {});
  if (!names.length || (names.length === 1 && names[0] === me && !review.adjudicated_by && review.team_status !== 'conflict')) return null;
  const conflict = review.team_status === 'conflict' || review.status === 'conflict';
  const box = el('div', { class: 'reviewers' + (conflict ? ' conflict' : '') });
  const head = conflict ? 'Reviewers disagree: a, x or e settles it, or take one version' : 'Reviewers';
  box.append(el('h3', null, head, review.team_status && review.team_status !== review.status ? el('span', { class: 'team' }, ' team: ', badge(review.team_status)) : null));
  const table = el('table');
  names.forEach((name, i) => {
    const r = review.by_reviewer[name];
    const take = conflict && DECIDED.includes(r.status)
      ? el('button', { type: 'button', class: 'take', title: `Shift+${i + 1}`, onclick: () => onTake(name) }, `take (⇧${i + 1})`) : null;
    table.append(el('tr', { 'data-reviewer': name }, el('td', null, name + (name === me ? ' (you)' : '')), el('td', null, badge(r.status), ' ', describeEdits(r.edits)), el('td', null, take)));
  });
  box.append(table);
  if (review.adjudicated_by) box.append(el('p', { class: 'hint' }, `settled by ${review.adjudicated_by}`));
  return box;
}

function pct(stats) {
  if (!stats || !stats.n) return '–';
  const kappa = stats.kappa === null ? 'n/a' : stats.kappa.toFixed(2);
  return `${Math.round(stats.agreement * 100)}% · κ ${kappa} · n ${fmt(stats.n)}`;
}

export class TeamDialog {
  // ctx: {showConflicts: async (kind) => void}
  constructor(ctx) {
    this.ctx = ctx;
    this.isOpen = false;
    this.firstConflict = null;
  }

  get open() { return this.isOpen; }

  async show() {
    const data = await api('/api/agreement');
    const box = clear($('team-body'));
    box.append(el('p', null, data.reviewers.length ? `Reviewers: ${data.reviewers.join(', ')}` : 'No decisions yet.'));
    this.firstConflict = null;
    for (const [kind, info] of Object.entries(data.kinds)) {
      const done = Object.entries(info.decided_by).map(([name, n]) => `${name} ${fmt(n)}`).join(' · ');
      const conflicts = info.conflicts ? el('button', { type: 'button', 'data-kind': kind, onclick: () => this.goConflicts(kind) }, `${fmt(info.conflicts)} conflicts: show (c)`) : '0 conflicts';
      if (info.conflicts && !this.firstConflict) this.firstConflict = kind;
      box.append(el('h3', null, kind), el('p', { class: 'hint' }, `${fmt(info.records)} records · decided: ${done || '—'} · `, conflicts, ` · ${fmt(info.adjudicated)} settled`));
      if (!info.pairs.length) continue;
      const fields = Object.keys(info.pairs[0].fields);
      const table = el('table', { class: 'agreement', 'data-kind': kind }, el('tr', null, el('th', null, 'pair'), el('th', null, 'both decided'),
        el('th', null, 'accept / reject'), ...fields.map((f) => el('th', null, f))));
      for (const p of info.pairs) {
        table.append(el('tr', null, el('td', null, `${p.a} / ${p.b}`), el('td', null, fmt(p.n)), el('td', null, pct(p.verdict)),
          ...fields.map((f) => el('td', null, pct(p.fields[f])))));
      }
      box.append(table);
    }
    box.append(el('p', { class: 'hint' }, 'Agreement over the records both reviewers decided; fields over the ones both accepted. κ: Cohen\'s kappa. Also: claims review OUT_DIR --agreement'));
    $('team').hidden = false;
    this.isOpen = true;
  }

  close() {
    this.isOpen = false;
    $('team').hidden = true;
  }

  async goConflicts(kind) {
    this.close();
    await this.ctx.showConflicts(kind);
  }

  key(ev) {
    ev.preventDefault();
    if (ev.key === 'Escape' || ev.key === 't') { this.close(); return null; }
    if (ev.key === 'c' && this.firstConflict) { const kind = this.firstConflict; return () => this.goConflicts(kind); }
    return null;
  }
}
