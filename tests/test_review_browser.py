"""The review page in a real browser: Playwright driving Debian's chromium (never a downloaded one).

Keyboard-only review (accept two claims, reject one, edit one, reload, undo) checked against
review.jsonl and the page, and untrusted article text rendered as text: no dialog fires, no
element is created from it. Set CLAIMS_SCREENSHOT=1 to refresh docs/review.png.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from pipeline.review.server import start_in_thread

from .review_run import make_run, record

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "review.png"

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed (pip install -e '.[test]')")
expect = sync_api.expect  # retries until the page shows the value: no race with the page's own rendering

if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
    if os.environ.get("CI"):  # CI must prove the browser path, not skip it
        raise RuntimeError("CI: Debian's chromium is missing; .ci/install-browser.sh (make setup) should have installed it")
    pytest.skip("Debian's chromium is not installed (/usr/bin/chromium; `make setup` installs it with apt-get as root)", allow_module_level=True)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def app(tmp_path):
    out = make_run(tmp_path)
    srv = start_in_thread(out, reviewer="ann")
    yield srv, out
    srv.shutdown()
    srv.server_close()


@pytest.fixture()
def page(browser):
    # bypass_csp: the page's Content-Security-Policy would block injected script anyway; switching it
    # off proves the escaping itself keeps article text inert (and lets wait_for_function evaluate).
    context = browser.new_context(viewport={"width": 1360, "height": 860}, bypass_csp=True)
    pg = context.new_page()
    pg.set_default_timeout(5000)
    dialogs, errors = [], []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.dialogs, pg.errors = dialogs, errors
    yield pg
    context.close()
    assert not errors, errors


def statuses(page) -> list[str]:
    return page.eval_on_selector_all("#list li[data-id]", "els => els.map(e => e.dataset.status)")


def wait_current(page, record_id: str) -> None:
    page.wait_for_selector(f'#list li.current[data-id="{record_id}"]')


def decisions(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "review.jsonl").read_text(encoding="utf-8").splitlines()]


def test_keyboard_review_survives_a_reload(app, page):
    srv, out = app
    texts = [
        "Russia's plan to expand traffic on the Northern Sea Route will fall short of its targets.",
        "\u201cThe route will remain a seasonal curiosity for at least a decade,\u201d said Lars Henriksen, a shipping analyst in Oslo.",
        "Western governments should not mistake this slowdown for a retreat.",
        "Beijing is likely to keep investing in Arctic ports because it wants leverage over future trade lanes.",
    ]
    c = [record(out, "claims", t) for t in texts]
    page.goto(srv.url)
    wait_current(page, c[0]["id"])
    expect(page.locator("#doc-title")).to_have_text("Ice, Ports and Patience: Moscow's Northern Bet")
    assert statuses(page) == ["pending"] * 4

    page.keyboard.press("a")
    wait_current(page, c[1]["id"])  # auto-advance
    page.keyboard.press("a")
    wait_current(page, c[2]["id"])
    page.keyboard.press("x")
    wait_current(page, c[3]["id"])
    page.keyboard.press("e")
    page.wait_for_selector("#edit select[name=type]:focus")
    page.select_option("#edit select[name=type]", "evaluation")
    page.keyboard.press("Shift+ArrowLeft")  # the span's end moves one word left: drops the final "."
    expect(page.locator("#span-preview mark")).to_have_text(texts[3][:-1])
    page.keyboard.press("Enter")
    page.wait_for_selector("#edit", state="hidden")
    page.wait_for_function("document.querySelector('#doc-title').textContent.startsWith('Baltic Cables')")

    log = decisions(out)
    assert [(d["record_id"], d["decision"], d["reviewer"]) for d in log] == [
        (c[0]["id"], "accept", "ann"), (c[1]["id"], "accept", "ann"), (c[2]["id"], "reject", "ann"), (c[3]["id"], "edit", "ann")]
    assert log[3]["edits"] == {"type": "evaluation", "end_char": c[3]["end_char"] - 1, "text": texts[3][:-1]}

    page.reload()
    page.wait_for_selector("#list li.current")
    page.keyboard.press("k")  # back to the edited claim in the first document
    wait_current(page, c[3]["id"])
    assert statuses(page) == ["accepted", "accepted", "rejected", "edited"]
    expect(page.locator('#detail tr[data-field="type"]')).to_have_text("typeevaluationwas: interpretation")
    assert page.locator("#text .k-claims.st-accepted").count() >= 2
    assert page.locator("#text .k-claims.st-rejected").count() >= 1
    if os.environ.get("CLAIMS_SCREENSHOT"):
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOT))

    page.keyboard.press("u")  # after a reload: undoes the reviewer's latest decision (the edit)
    page.wait_for_selector(f'#list li.current[data-id="{c[3]["id"]}"][data-status="pending"]')
    last = decisions(out)[-1]
    assert (last["decision"], last["target"], last["record_id"]) == ("undo", log[3]["id"], c[3]["id"])
    expect(page.locator('#detail tr[data-field="type"]')).to_have_text("typeinterpretation")


def test_filters_help_and_other_kinds(app, page):
    srv, out = app
    page.goto(srv.url + "#kind=claims&status=pending&type=prediction")
    page.wait_for_selector("#list li.current")
    expect(page.locator("#queue-info")).to_have_text("1 of 4 in queue")
    page.keyboard.press("?")
    assert page.is_visible("#help")
    page.keyboard.press("Escape")
    assert page.is_hidden("#help")
    page.keyboard.press("2")  # figures are reviewed the same way
    fig = record(out, "figures", "36 million tonnes")
    page.wait_for_function("document.querySelector('#progress').textContent.startsWith('figures')")
    page.select_option("#f-type", "")
    page.select_option("#f-status", "")
    wait_current(page, fig["id"])
    page.keyboard.press("x")
    page.wait_for_selector(f'#list li[data-id="{fig["id"]}"][data-status="rejected"]')
    assert decisions(out)[-1]["kind"] == "figures"
    page.keyboard.press("u")  # undo within the session: back to the figure, pending again
    page.wait_for_selector(f'#list li.current[data-id="{fig["id"]}"][data-status="pending"]')
    reject, undo = decisions(out)[-2:]
    assert (undo["decision"], undo["target"]) == ("undo", reject["id"])


def test_untrusted_text_renders_as_text(app, page):
    srv, out = app
    page.goto(srv.url + "#kind=claims&doc=escapes")
    page.wait_for_selector("#list li.current")
    expect(page.locator("#doc-title")).to_have_text("Testing <script>alert(1)</script> and other tags")
    text = page.text_content("#text")
    assert "<script>alert(1)</script>" in text and "<img src=x onerror=alert(1)>" in text and "<b>Kyiv</b>" in text
    assert page.get_by_text("<img src=x onerror=alert(1)>", exact=True).first.is_visible()
    assert "<img src=x onerror=alert(1)>" in page.text_content("#detail")  # the speaker field
    page.keyboard.press("4")  # the entity whose text is a script tag
    # The claim shown before the key press has a quote too: wait for the entity's own text, not for
    # any quote (under load the old one was still on screen when the assertion ran).
    expect(page.locator("#detail .quote")).to_have_text("<script>alert(1)</script>")
    page.wait_for_timeout(200)  # give any injected handler a chance to fire
    assert page.locator("img").count() == 0 and page.locator("b").count() == 0
    assert page.locator("script").count() == 1  # only the app's own
    assert page.dialogs == []


def test_report_renders_untrusted_text_as_text(tmp_path, browser):
    from pipeline.report import write_report

    out = make_run(tmp_path)
    path = write_report(out)
    pg = browser.new_page(bypass_csp=True)  # the report's own CSP would block scripts: test the escaping alone
    dialogs = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.goto(path.as_uri())
    for summary in pg.locator("details > summary").all():  # open the folded sections (the entities table)
        summary.click()
    assert pg.get_by_text("<script>alert(1)</script>", exact=True).first.is_visible()
    assert pg.locator("img").count() == 0 and pg.locator("script").count() == 0
    assert dialogs == []
    pg.close()


def test_claims_can_be_ordered_most_uncertain_first(app, page):
    srv, out = app
    claims = [json.loads(line) for line in (out / "claims.jsonl").read_text(encoding="utf-8").splitlines()]
    order = sorted(range(len(claims)), key=lambda i: (abs(claims[i]["score"] - 0.5), i))
    assert order[:2] != [0, 1], "the fixture run must order differently by uncertainty than by text"
    page.goto(srv.url + "#kind=claims&order=uncertain")
    wait_current(page, claims[order[0]]["id"])
    page.keyboard.press("j")  # next: the next most uncertain claim, wherever it stands
    wait_current(page, claims[order[1]]["id"])
    assert page.locator("#f-order").input_value() == "uncertain"


# --- the queue: next pending, search, order, facets, keyboard, long articles ----------------------


def test_the_page_opens_on_the_next_pending_record(app, page):
    srv, out = app
    from pipeline.review.decisions import append_decision, make_decision

    claims = [json.loads(line) for line in (out / "claims.jsonl").read_text(encoding="utf-8").splitlines()]
    for c in claims[:2]:  # the first two are decided already (by someone else, earlier)
        append_decision(out, make_decision(c["id"], "claims", "accept", reviewer="bob", doc_id=c["doc_id"]))
    page.goto(srv.url)
    wait_current(page, claims[2]["id"])
    assert statuses(page)[:3] == ["accepted", "accepted", "pending"]
    expect(page.locator("#queue-pending")).to_have_text("6 pending")
    page.keyboard.press("a")  # the next pending one comes next; n jumps over decided ones
    wait_current(page, claims[3]["id"])
    page.keyboard.press("k")
    page.keyboard.press("k")
    wait_current(page, claims[1]["id"])
    page.keyboard.press("n")
    wait_current(page, claims[3]["id"])


def test_search_order_and_facets_from_the_keyboard(app, page):
    srv, out = app
    beijing = record(out, "claims", "Beijing is likely to keep investing in Arctic ports because it wants leverage over future trade lanes.")
    western = record(out, "claims", "Western governments should not mistake this slowdown for a retreat.")
    nato = record(out, "claims", "NATO will probably expand its patrols in the Baltic Sea before 2026, said Ingrid Holm of the Baltic Security Centre.")
    page.goto(srv.url)
    page.wait_for_selector("#list li.current")
    page.keyboard.press("/")
    page.keyboard.type("arctic PORTS")  # case-insensitive, in the record's text
    expect(page.locator("#queue-info")).to_have_text("1 of 1 in queue")
    wait_current(page, beijing["id"])
    page.keyboard.press("Enter")  # back to the queue: keys decide again
    page.keyboard.press("c")
    expect(page.locator("#queue-info")).to_have_text("4 of 8 in queue")
    page.keyboard.press("/")
    page.keyboard.type("ingrid holm")  # search also looks at the speaker
    wait_current(page, nato["id"])
    page.keyboard.press("Escape")
    page.keyboard.press("c")
    page.keyboard.press("o")  # document order -> highest score first
    expect(page.locator("#f-order")).to_have_value("score")
    page.keyboard.press("k")
    page.keyboard.press("k")
    page.keyboard.press("k")
    wait_current(page, western["id"])  # the highest score (0.91) is first in this order
    expect(page.locator("#queue-info")).to_have_text("1 of 8 in queue")

    page.goto(srv.url + "#kind=claims&f_hedged=true")  # facets: hedged claims only, from the URL
    page.reload()
    page.wait_for_selector("#list li.current")
    expect(page.locator("#queue-info")).to_contain_text(" of 2 in queue")
    page.goto(srv.url + "#kind=claims&f_speaker=~none")  # the author's own claims
    page.reload()
    page.wait_for_selector("#list li.current")
    expect(page.locator("#queue-info")).to_contain_text(" of 4 in queue")
    page.keyboard.press("f")  # the filters from the keyboard: focus, arrows change, Esc returns
    assert page.evaluate("document.activeElement.id") == "f-doc"
    page.keyboard.press("ArrowDown")
    expect(page.locator("#f-doc")).to_have_value("arctic-ports")
    expect(page.locator("#queue-info")).to_contain_text(" of 3 in queue")  # the author's claims in that document
    page.keyboard.press("Escape")
    page.keyboard.press("p")
    expect(page.locator("#f-status")).to_have_value("pending")
    assert "status=pending" in page.url and "doc=arctic-ports" in page.url


def test_a_long_article_stays_fast_and_the_counters_stay_in_view(tmp_path, browser):
    """Issue 19: a 70k-word article with ~16.7k highlighted records; every key press under 100 ms."""
    from .review_long import make_long_run
    from .review_speed import measure_page

    out, counts = make_long_run(tmp_path, 70_000)
    assert counts["words"] >= 70_000 and sum(counts[k] for k in ("entities", "dates", "figures", "claims")) > 16_000
    srv = start_in_thread(out, reviewer="ann")
    pg = browser.new_page(viewport={"width": 1360, "height": 860})
    try:
        result = measure_page(pg, srv.url + "#kind=claims", presses=5)
        print("ms per key press:", result)
        for key in ("j", "k", "a", "x", "u"):
            assert result[key]["median_frame_ms"] < 100, (key, result[key])
        text = (tmp_path / "articles" / "long-article.txt").read_text(encoding="utf-8")
        assert pg.evaluate("document.getElementById('text').textContent.length") == len(text)
        painted = pg.evaluate("document.querySelectorAll('#text .blk > span').length")
        assert 0 < painted < 3000, painted  # only the blocks near the screen carry their highlights
        last = json.loads((out / "claims.jsonl").read_text(encoding="utf-8").splitlines()[-1])
        pg.goto(srv.url + f"#kind=claims&id={last['id']}")
        pg.reload()
        pg.wait_for_selector(f'#list li.current[data-id="{last["id"]}"]')
        pg.wait_for_selector("#text .cur")
        assert pg.evaluate("window.scrollY") > 10_000
        top = pg.evaluate("document.getElementById('progress').getBoundingClientRect().top")
        assert 0 <= top < 50  # the header with the counters is still on screen
        assert pg.locator("#list li[data-id]").count() <= 150  # the list draws a window, not 2,684 rows
        expect(pg.locator("#list-title")).to_contain_text(f"{counts['claims']:,} claims in this document")
    finally:
        pg.close()
        srv.shutdown()
        srv.server_close()


# --- bulk decisions -----------------------------------------------------------------------------


@pytest.fixture()
def two_docs(tmp_path):
    from .review_long import make_long_run

    out, _ = make_long_run(tmp_path, 1500, n_docs=2)
    srv = start_in_thread(out, reviewer="ann")
    yield srv, out
    srv.shutdown()
    srv.server_close()


def jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_bulk_accept_of_one_entity_marks_every_mention_and_undo_takes_it_back(two_docs, page):
    srv, out = two_docs
    entities = jsonl(out / "entities.jsonl")
    first = entities[0]
    mentions = [e["id"] for e in entities if e["canonical"] == first["canonical"]]
    in_doc = [e["id"] for e in entities if e["canonical"] == first["canonical"] and e["doc_id"] == first["doc_id"]]
    assert len(mentions) > len(in_doc) > 1
    page.goto(srv.url + "#kind=entities")
    wait_current(page, first["id"])
    page.keyboard.press("b")
    page.wait_for_selector("#bulk:not([hidden])")
    rows = page.locator("#bulk-list li")
    expect(rows.nth(1)).to_contain_text(f"with canonical “{first['canonical']}” in this document")
    assert [rows.nth(i).get_attribute("data-n") for i in range(3)] == [str(len(entities)), str(len(in_doc)), str(len(mentions))]
    page.keyboard.press("3")  # ... in the whole run
    page.keyboard.press("a")
    page.wait_for_selector("#bulk", state="hidden")
    page.wait_for_selector(f'#list li[data-id="{first["id"]}"][data-status="accepted"]')
    log = decisions(out)
    assert sorted(d["record_id"] for d in log) == sorted(mentions)  # one line per mention, in both documents
    assert {d["decision"] for d in log} == {"accept"} and len({d["batch"] for d in log}) == 1
    page.wait_for_selector("#list li.current[data-status='pending']")  # the queue moved on to a pending one
    accepted = page.eval_on_selector_all("#list li[data-status='accepted']", "els => els.map(e => e.dataset.id)")
    assert sorted(accepted) == sorted(i for i in in_doc if page.locator(f'#list li[data-id="{i}"]').count())

    page.keyboard.press("u")  # undo: the whole bulk action
    page.wait_for_selector(f'#list li[data-id="{first["id"]}"][data-status="pending"]')
    undo = decisions(out)[len(mentions):]
    assert len(undo) == len(mentions) and {d["decision"] for d in undo} == {"undo"} and {d["batch"] for d in undo} == {log[0]["batch"]}
    assert page.locator("#list li[data-status='accepted']").count() == 0


def test_bulk_reject_of_every_pending_claim_matching_the_filters(two_docs, page):
    srv, out = two_docs
    claims = jsonl(out / "claims.jsonl")
    hedged = [c["id"] for c in claims if c["hedged"]]
    decided = hedged[0]
    page.goto(srv.url + f"#kind=claims&id={decided}")
    wait_current(page, decided)
    page.keyboard.press("a")  # a hedged claim decided before the bulk action: left as it is
    page.wait_for_selector(f'#list li[data-id="{decided}"][data-status="accepted"]')
    page.goto(srv.url + "#kind=claims&f_hedged=true")
    page.reload()
    page.wait_for_selector("#list li.current")
    page.keyboard.press("b")
    expect(page.locator("#bulk-list li").first).to_contain_text("every pending claim matching the filters")
    page.keyboard.press("1")
    page.keyboard.press("x")
    page.wait_for_selector("#bulk", state="hidden")
    page.wait_for_function(f"document.querySelector('#progress').textContent.includes('{len(hedged) - 1} rejected')")
    rejected = [d["record_id"] for d in decisions(out) if d["decision"] == "reject"]
    assert sorted(rejected) == sorted(h for h in hedged if h != decided)
    assert page.locator("#text .k-claims.st-rejected").count() > 0  # the marks in the text follow
    queue = json.loads(page.evaluate("fetch('/api/queue?kind=claims').then(r => r.text())"))["items"]
    assert {i["status"] for i in queue if i["id"] not in hedged and i["id"] != decided} == {"pending"}


# --- a team: conflicts, adjudication, agreement, per-reviewer views ------------------------------


def test_two_reviewers_conflict_show_up_and_are_settled(tmp_path, browser):
    from pipeline.review.api import ReviewApp

    out = make_run(tmp_path)
    claims = jsonl(out / "claims.jsonl")
    c0, c1, c2 = claims[:3]
    ann, bob = ReviewApp(out, reviewer="ann"), ReviewApp(out, reviewer="bob")
    for who, rec, body in ((ann, c0, {"decision": "accept"}), (bob, c0, {"decision": "reject"}),
                           (ann, c1, {"decision": "edit", "edits": {"type": "evaluation"}}), (bob, c1, {"decision": "accept"}),
                           (ann, c2, {"decision": "accept"}), (bob, c2, {"decision": "accept"})):
        who.api_decide({"record_id": rec["id"], "view": who.reviewer, **body})  # each in their own view
    srv = start_in_thread(out, reviewer="carol")
    context = browser.new_context(viewport={"width": 1360, "height": 860})
    page = context.new_page()
    page.set_default_timeout(5000)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(srv.url + "#kind=claims")
        page.wait_for_selector("#list li.current")
        expect(page.locator("#progress")).to_contain_text("2 conflicts")
        page.keyboard.press("t")  # the team: agreement and conflicts
        page.wait_for_selector("#team:not([hidden])")
        expect(page.locator("#team-body")).to_contain_text("Reviewers: ann, bob")
        row = page.locator('table.agreement[data-kind="claims"] tr').nth(1)
        # verdicts (acc, rej) (acc, acc) (acc, acc): 67%, kappa 0; type over the two both accepted:
        # (evaluation, prediction) (recommendation, recommendation): 50%, chance 1/4, kappa 1/3
        expect(row).to_contain_text("ann / bob")
        expect(row.locator("td").nth(2)).to_have_text("67% · κ 0.00 · n 3")
        expect(row.locator("td").nth(3)).to_have_text("50% · κ 0.33 · n 2")
        page.keyboard.press("c")  # show the conflicts
        page.wait_for_selector("#team", state="hidden")
        expect(page.locator("#f-status")).to_have_value("conflict")
        expect(page.locator("#queue-info")).to_have_text("1 of 2 in queue")
        wait_current(page, c0["id"])
        expect(page.locator("#detail .reviewers.conflict")).to_contain_text("Reviewers disagree")
        expect(page.locator('#detail .reviewers tr[data-reviewer="ann"]')).to_contain_text("accepted")
        expect(page.locator('#detail .reviewers tr[data-reviewer="bob"]')).to_contain_text("rejected")
        if os.environ.get("CLAIMS_SCREENSHOT"):
            page.screenshot(path=str(SCREENSHOT.with_name("review-team.png")))

        page.keyboard.press("x")  # carol settles the first conflict: rejected
        wait_current(page, c1["id"])
        page.keyboard.press("Shift+Digit1")  # the second: take ann's version (the first reviewer listed)
        page.wait_for_selector(f'#list li[data-id="{c1["id"]}"][data-status="edited"]')
        settle = decisions(out)[-2:]
        assert [(d["record_id"], d["decision"], d["reviewer"], d.get("adjudicate"), d["edits"]) for d in settle] == [
            (c0["id"], "reject", "carol", True, {}), (c1["id"], "edit", "carol", True, {"type": "evaluation"})]
        expect(page.locator("#progress")).not_to_contain_text("conflicts")
        expect(page.locator("#detail .reviewers")).to_contain_text("settled by carol")

        page.keyboard.press("c")  # every status again, then the reviewers' own views
        page.keyboard.press("v")
        expect(page.locator("#f-view")).to_have_value("carol")
        expect(page.locator("#progress")).to_contain_text("0 / 8 reviewed")  # carol decided none herself
        page.keyboard.press("v")
        expect(page.locator("#f-view")).to_have_value("ann")
        expect(page.locator("#progress")).to_contain_text("3 / 8 reviewed")
        assert "view=ann" in page.url
        n = len(decisions(out))
        page.keyboard.press("a")  # another reviewer's view is read only
        expect(page.locator("#toast")).to_contain_text("ann's view is read only")
        assert len(decisions(out)) == n
        assert not errors, errors
    finally:
        context.close()
        srv.shutdown()
        srv.server_close()
