// Small helpers shared by the review page's modules. Data only ever becomes text nodes: no HTML parsing.
export const $ = (id) => document.getElementById(id);

export function el(tag, props, ...kids) {
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

export const clear = (node) => { while (node.firstChild) node.removeChild(node.firstChild); return node; };

let toastTimer = null;
export function toast(message, isError) {
  const t = $('toast');
  t.textContent = message;
  t.className = 'show' + (isError ? ' error' : '');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { t.className = ''; }, isError ? 4000 : 1400);
}

export async function api(path, body) {
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
export const enqueue = (fn) => { chain = chain.then(fn).catch((err) => toast(String(err.message || err), true)); return chain; };

export function snippet(text, n = 110) {
  const t = String(text).replace(/\s+/g, ' ');
  return t.length > n ? t.slice(0, n - 3) + '…' : t;
}

export const badge = (status) => el('span', { class: 'badge st-' + status }, status);
export const fmt = (n) => Number(n).toLocaleString('en');
