"""Milliseconds per key press on the review page over a generated 70k-word article (Debian's chromium).

    PYTHONPATH=. python -m tests.review_speed [--words 70000] [--presses 15]
    PYTHONPATH=. python -m tests.review_speed --words 3500 --docs 150 --kind entities   # a batch

prints, per key, the median and the slowest time from the key press to the page showing the next
record, and to the next painted frame after it (what a reviewer waits for). The timing runs inside
the page (``performance.now``), so Playwright's own round trips are not counted; a decision key
(``a``, ``x``) includes the server's answer. ``tests/test_review_browser.py`` asserts on it.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

# Dispatches one key press and waits until the current record shown in the side panel changes (id or
# status), then for the next frame to be painted. Returns [ms to the DOM change, ms to the frame].
PRESS_JS = """async ([key, timeoutMs]) => {
  const cur = () => {
    const r = document.querySelector('#detail .rid'), s = document.querySelector('#detail .badge');
    return (r ? r.textContent : '') + '|' + (s ? s.textContent : '');
  };
  const before = cur();
  const t0 = performance.now();
  document.body.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true, cancelable: true}));
  await new Promise((resolve, reject) => {
    const obs = new MutationObserver(() => { if (cur() !== before) { obs.disconnect(); resolve(); } });
    obs.observe(document.getElementById('detail'), {subtree: true, childList: true, characterData: true});
    setTimeout(() => { obs.disconnect(); reject(new Error('no change after ' + key)); }, timeoutMs);
  });
  const tDom = performance.now();
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  return [tDom - t0, performance.now() - t0];
}"""

KEYS = ("j", "k", "a", "x", "u")


def chromium_path() -> str | None:
    return CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")


def measure_page(page, url: str, presses: int = 15, keys=KEYS, timeout_ms: int = 20000) -> dict:
    """Open ``url`` and time ``presses`` presses of each key (``u`` undoes the decisions just made)."""
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_selector("#detail .rid", timeout=timeout_ms)
    page.wait_for_selector("#text span", timeout=timeout_ms)
    load_ms = (time.perf_counter() - t0) * 1000
    # The first presses come once the page is idle (a reviewer reads the first record before deciding).
    page.evaluate("() => new Promise((r) => requestIdleCallback(() => r(), {timeout: 3000}))")
    out: dict = {"load_ms": round(load_ms)}
    for key in keys:
        dom, frame = [], []
        for _ in range(presses):
            a, b = page.evaluate(PRESS_JS, [key, timeout_ms])
            dom.append(a)
            frame.append(b)
        out[key] = {"median_dom_ms": round(statistics.median(dom), 1), "median_frame_ms": round(statistics.median(frame), 1),
                    "max_frame_ms": round(max(frame), 1)}
    return out


def run(words: int = 70_000, presses: int = 15, docs: int = 1, kind: str = "claims") -> tuple[dict, dict]:
    from playwright.sync_api import sync_playwright

    from pipeline.review.server import start_in_thread

    from .review_long import make_long_run

    with tempfile.TemporaryDirectory() as tmp:
        out, counts = make_long_run(Path(tmp), words, n_docs=docs)
        srv = start_in_thread(out, reviewer="speed")
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1360, "height": 860})
                result = measure_page(page, srv.url + f"#kind={kind}", presses)
                browser.close()
        finally:
            srv.shutdown()
            srv.server_close()
    return counts, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=70_000)
    parser.add_argument("--presses", type=int, default=15)
    parser.add_argument("--docs", type=int, default=1, help="generated articles of --words words each")
    parser.add_argument("--kind", default="claims", help="the queue to review (claims, figures, dates, entities)")
    args = parser.parse_args()
    counts, result = run(args.words, args.presses, args.docs, args.kind)
    spans = sum(counts[k] for k in ("entities", "dates", "figures", "claims"))
    print(f"{args.docs} article(s): {counts['words']} words, {spans} highlighted records ({counts[args.kind]} {args.kind} in the queue); "
          f"page load {result['load_ms']} ms")
    for key in KEYS:
        r = result[key]
        print(f"key {key!r}: median {r['median_dom_ms']} ms to the next record, {r['median_frame_ms']} ms to the painted frame (slowest {r['max_frame_ms']} ms)")


if __name__ == "__main__":
    main()
