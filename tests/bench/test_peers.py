"""The peers on the held-out windows (pipeline/bench/peers.py): the text they read, how their hits
become records, and the scorer's value P/R/F1 (invented texts; the peers themselves are optional)."""
from __future__ import annotations

from datetime import datetime

import pytest

from pipeline.bench.peers import PeerMissing, WindowText, _date_records, peer_records, timex_value, window_texts
from pipeline.io import Article
from pipeline.training.spans_eval import compare_table, evaluate, prf

TEXT = ("Caldoria signed the pact in May 2019.\n\nIts army has 4,000 troops. Varnia spent $3 billion.\n\n"
        "A later paragraph lies outside the window.")


def test_window_texts_are_the_body_sentences_clipped_to_the_windows():
    article = Article(doc_id="a", source="a.txt", text=TEXT, published="2020-01-15")
    window_end = TEXT.index("Varnia") + len("Varnia spent")
    [texts] = window_texts([article], [{"windows": [[0, window_end]]}])
    assert [t for _, t in texts.sentences] == ["Caldoria signed the pact in May 2019.", "Its army has 4,000 troops.",
                                               "Varnia spent"]
    for start, t in texts.sentences:
        assert TEXT[start:start + len(t)] == t
    assert texts.published == "2020-01-15" and texts.words == 7 + 5 + 2


class _Periods:
    def __init__(self, period):
        self.period = period

    def get_date_data(self, text):
        return self


@pytest.mark.parametrize("period,value", [("year", "2019"), ("month", "2019-05"), ("day", "2019-05-03"),
                                          ("week", "2019-W18"), ("time", "2019-05-03T09:30"), (None, "2019-05-03")])
def test_timex_value_at_the_peers_granularity(period, value):
    assert timex_value("x", datetime(2019, 5, 3, 9, 30), _Periods(period)) == value


def test_date_records_find_each_hit_left_to_right():
    sentence = "In May 2019 and again in May 2019 they met yesterday."
    hits = [("May 2019", datetime(2019, 5, 1)), ("May 2019", datetime(2019, 5, 1)), ("yesterday", datetime(2020, 1, 14))]
    records = _date_records(sentence, 100, hits, _Periods("month"))
    assert [(r["start_char"] - 100, r["end_char"] - 100) for r in records] == [(3, 11), (25, 33), (43, 52)]
    assert [r["relative"] for r in records] == [False, False, True] and records[0]["value"] == "2019-05"


def test_an_unknown_or_missing_peer_is_said_so():
    with pytest.raises(ValueError):
        peer_records("heideltime", [])
    try:
        import quantulum3  # noqa: F401
    except ImportError:
        with pytest.raises(PeerMissing):
            peer_records("quantulum3", [WindowText([(0, "3 km")], None)])


def test_dateparser_records_when_installed():
    pytest.importorskip("dateparser")
    [records], seconds = peer_records("dateparser", [WindowText([(10, "The pact was signed on 3 May 2019.")], "2020-01-15")])
    assert seconds > 0
    assert [(r["start_char"], r["end_char"], r["value"]) for r in records] == [(30, 43, "2019-05-03")]  # dateparser takes "on 3 May 2019"


def test_value_prf_and_the_comparison_table():
    gold = {"windows": [[0, 100]], "figures": [
        {"start_char": 0, "end_char": 3, "value": 12, "unit": "percent", "kind": "percent"},
        {"start_char": 10, "end_char": 14, "value": 2019, "unit": None, "kind": "year"}]}
    ours = evaluate("figures", [(gold, [{"start_char": 0, "end_char": 3, "value": 12, "unit": "percent", "kind": "percent"},
                                        {"start_char": 10, "end_char": 14, "value": 2019, "unit": None, "kind": "year"}])])
    theirs = evaluate("figures", [(gold, [{"start_char": 0, "end_char": 2, "value": 12, "unit": "percent", "kind": "other"},
                                          {"start_char": 10, "end_char": 14, "value": 19, "unit": None, "kind": "other"},
                                          {"start_char": 30, "end_char": 34, "value": 3, "unit": None, "kind": "other"}])])
    assert ours["value_prf"] == prf(2, 2, 2) and theirs["value_prf"] == prf(1, 2, 3)
    ours["system"], theirs["system"] = "pipeline", "peer"
    table = compare_table("figures", [ours, theirs], {"words": 10, "stage_words_per_s": 1000, "peer_words_per_s": 10,
                                                      "stage_x_peer": 100.0})
    assert "pipeline" in table and "0.400" in table and "(100.0x)" in table
