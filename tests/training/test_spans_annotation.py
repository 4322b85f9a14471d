"""The held-out span sample: windows, label checking, resolving text + occurrence to offsets, and
the scoring functions. Every text here is invented."""
from __future__ import annotations

import json

import pytest

from pipeline.training.spans_annotation import (
    check_label,
    head_window,
    occurrences,
    resolve_labels,
    tail_window,
)
from pipeline.training.spans_eval import (
    agreement,
    date_label,
    evaluate,
    figure_label,
    match,
    normalize_unit,
    prf,
    same_date_value,
)

TEXT = ("Baltic Notes\n\nBy Elena Varga\n\nVarga met Banca Rossi officials in Tallinn last May. "
        "Rossi said 3.5 per cent of Tallinn\u2019s budget\u2014about EUR 40bn\u2014goes to defence.\n\n"
        "Body paragraph that is long enough to be the body of the article and not a bio at all, really.\n\n"
        "Elena Varga is a senior fellow at the Institute of Baltic Studies.\n")
HEAD = [0, 160]
BIO = [TEXT.index("Elena Varga is"), len(TEXT) - 1]


def test_head_window_ends_at_the_paragraph_end_nearest_the_target():
    text = "T\n\n" + "a" * 100 + "\n\n" + "b" * 100 + "\n\n" + "c" * 100
    assert head_window(text, target=150, minimum=50) == (0, 103)
    assert head_window(text, target=200, minimum=50) == (0, 205)


def test_tail_window_finds_the_bio_block():
    assert tail_window(TEXT, ["Elena Varga"], 160) == (BIO[0], BIO[1])
    assert tail_window("Title\n\nA plain last paragraph with many words in it that is no bio of anyone.\n", [], 5) is None


def test_occurrences_are_whole_words_across_windows_with_plain_quotes():
    first, second = TEXT.index("Varga"), TEXT.index("Varga met")
    assert occurrences(TEXT, [HEAD, BIO], "Varga") == [(first, first + 5), (second, second + 5), (BIO[0] + 6, BIO[0] + 11)]
    at = TEXT.index("Tallinn\u2019s")
    assert occurrences(TEXT, [HEAD], "Tallinn's") == [(at, at + 9)]
    assert occurrences(TEXT, [HEAD], "Ross") == []  # not inside "Rossi"


def _lines(*labels):
    return list(enumerate(labels, 1))


def test_resolve_all_skips_occurrences_inside_a_longer_span_and_marks_the_bio():
    spans, errors = resolve_labels(TEXT, [HEAD, BIO], _lines(
        {"kind": "entity", "text": "Banca Rossi", "label": "ORG"},
        {"kind": "entity", "text": "Rossi", "label": "PERSON", "canonical": "Marco Rossi", "n": "all"},
        {"kind": "entity", "text": "Varga", "label": "PERSON", "canonical": "Elena Varga", "n": 2},
        {"kind": "entity", "text": "Elena Varga", "label": "PERSON", "n": 2},
        {"kind": "figure", "text": "3.5 per cent", "value": 3.5, "unit": "percent", "figure_kind": "percent"},
        {"kind": "date", "text": "last May", "type": "relative", "value": "2031-05"},
    ))
    assert errors == []
    banca, rossi = TEXT.index("Banca Rossi"), TEXT.index("Rossi said")
    assert [(e["start_char"], e["end_char"], e["label"], e["canonical"], e["boilerplate"]) for e in spans["entities"]] == [
        (TEXT.index("Varga met"), TEXT.index("Varga met") + 5, "PERSON", "Elena Varga", False),
        (banca, banca + 11, "ORG", "Banca Rossi", False),
        (rossi, rossi + 5, "PERSON", "Marco Rossi", False),
        (BIO[0], BIO[0] + 11, "PERSON", "Elena Varga", True),
    ]
    start = TEXT.index("3.5")
    assert spans["figures"] == [{"start_char": start, "end_char": start + 12, "value": 3.5, "unit": "percent",
                                 "kind": "percent", "qualifier": None}]
    assert spans["dates"][0]["value"] == "2031-05" and TEXT[spans["dates"][0]["start_char"]:spans["dates"][0]["end_char"]] == "last May"


def test_resolve_reports_missing_texts_large_n_and_overlaps_by_line():
    _, errors = resolve_labels(TEXT, [HEAD], _lines(
        {"kind": "entity", "text": "Riga", "label": "GPE"},
        {"kind": "entity", "text": "Tallinn", "label": "GPE", "n": 3},
        {"kind": "entity", "text": "Banca Rossi", "label": "ORG"},
        {"kind": "entity", "text": "Rossi", "label": "PERSON", "n": 1},
    ))
    assert errors == [
        "line 1: text 'Riga' not found (whole words) in the windows",
        "line 2: n=3 but 'Tallinn' occurs 2 time(s)",
        f"line 4: overlaps the span of line 3 (characters {TEXT.index('Banca')}-{TEXT.index('Banca') + 11})",
    ]


@pytest.mark.parametrize("label, problem", [
    ({"kind": "entity", "text": "Varga", "label": "PER"}, "label 'PER' not one of"),
    ({"kind": "figure", "text": "12%", "value": 12, "unit": "percent", "figure_kind": "count"}, "only it"),
    ({"kind": "figure", "text": "$3m", "value": 3e6, "unit": "$", "figure_kind": "money"}, "ISO currency"),
    ({"kind": "figure", "text": "2031", "value": 2031, "figure_kind": "year"}, "unit must be given"),
    ({"kind": "date", "text": "three years", "type": "duration", "value": "3Y"}, "is not a duration"),
    ({"kind": "date", "text": "May 2031", "type": "date", "value": "May 2031"}, "is not a date"),
    ({"kind": "date", "text": "May 2031", "type": "date", "value": "2031-05", "n": 0}, 'n must be'),
    ({"kind": "place", "text": "Riga"}, "kind 'place'"),
])
def test_check_label_names_the_problem(label, problem):
    assert any(problem in p for p in check_label(label)), check_label(label)


@pytest.mark.parametrize("label", [
    {"kind": "figure", "text": "2-3%", "value": [2, 3], "unit": "percent", "figure_kind": "percent", "qualifier": "about"},
    {"kind": "figure", "text": "2029-31", "value": [2029, 2031], "unit": "calendar_year", "figure_kind": "year"},
    {"kind": "date", "text": "2-4 years", "type": "duration", "value": ["P2Y", "P4Y"]},
    {"kind": "date", "text": "the first seven months of 2030", "type": "date", "value": "2030-01/2030-07"},
    {"kind": "date", "text": "last weekend", "type": "relative", "value": "2030-W17-WE"},
    {"kind": "date", "text": "the same day", "type": "relative", "value": None},
    {"kind": "date", "text": "09:30 Kyiv time", "type": "date", "value": "2030-05-02T09:30+03:00"},
])
def test_check_label_accepts_the_guides_forms(label):
    assert check_label(label) == []


def _span(a, b, **kw):
    return {"start_char": a, "end_char": b, **kw}


def test_match_is_one_to_one_and_prefers_larger_overlaps():
    gold = [_span(0, 10), _span(12, 20)]
    pred = [_span(5, 14), _span(0, 10), _span(13, 19)]
    assert match(gold, pred, loose=False) == [(0, 1)]
    assert match(gold, pred, loose=True) == [(0, 1), (1, 2)]
    assert match(gold, pred, loose=True, gold_labels=["ORG", "GPE"], pred_labels=["ORG", "GPE", "LOC"]) == [(0, 0)]


def test_prf_values():
    assert prf(3, 4, 6) == {"p": 0.5, "r": 0.75, "f": 0.6, "tp": 3, "gold": 4, "pred": 6}
    assert prf(0, 0, 0)["f"] == 0.0


def test_evaluate_entities_counts_windows_labels_and_unknown_names():
    gold = {"windows": [[0, 100]], "entities": [
        _span(0, 11, label="PERSON", canonical="Elena Varga", gazetteer=False, boilerplate=True),
        _span(20, 27, label="GPE", canonical="Tallinn", gazetteer=True, boilerplate=False),
        _span(30, 41, label="ORG", canonical="Banca Rossi", gazetteer=False, boilerplate=False)]}
    pred = [_span(0, 11, label="PERSON", canonical="Elena Varga"),
            _span(20, 27, label="LOC", canonical="Tallinn"),
            _span(36, 41, label="ORG", canonical="Rossi"),
            _span(150, 160, label="GPE", canonical="Riga")]  # outside the window: not counted
    result = evaluate("entities", [(gold, pred)])
    assert result["scores"]["ALL"]["strict"] == prf(1, 3, 3)
    assert result["scores"]["ALL"]["loose"] == prf(2, 3, 3)
    assert result["scores"]["ALL (any label)"]["strict"] == prf(2, 3, 3)
    assert result["scores"]["GPE"]["loose"] == prf(0, 1, 0)
    assert result["values"]["canonical"] == {"accuracy": 0.6667, "correct": 2, "matched": 3}
    assert result["recall_by_group"]["not in gazetteer"]["loose"] == {"r": 1.0, "tp": 2, "gold": 2}
    assert result["recall_by_group"]["not in gazetteer"]["strict"]["r"] == 0.5
    assert result["recall_by_group"]["boilerplate"]["strict"]["r"] == 1.0


def test_evaluate_figures_and_dates_values():
    gold = {"windows": [[0, 100]],
            "figures": [_span(0, 3, value=12, unit="percent", kind="percent"),
                        _span(10, 18, value=4, unit="islands", kind="count"),
                        _span(20, 24, value=2031, unit=None, kind="year")],
            "dates": [_span(30, 45, type="duration", value="P10Y"), _span(50, 58, type="relative", value="2031-05")]}
    figs = [_span(0, 3, value=12.0, unit="percent", kind="percent"),
            _span(10, 14, value=4, unit="island", kind="count")]
    result = evaluate("figures", [(gold, figs)])
    assert result["scores"]["ALL"]["strict"] == prf(1, 3, 2)
    assert result["scores"]["ALL"]["loose"] == prf(2, 3, 2)
    assert result["values"]["value"]["accuracy"] == 1.0 and result["values"]["unit"]["accuracy"] == 1.0
    assert result["value_prf"] == prf(2, 3, 2)  # loosely matched, any label, same value
    dates = [_span(30, 45, type="duration", value="P1DE", relative=False),
             _span(50, 58, type="date", value="2031-06", relative=True)]
    result = evaluate("dates", [(gold, dates)])
    assert result["scores"]["ALL"]["strict"] == prf(2, 2, 2)
    assert result["values"]["value"] == {"accuracy": 0.5, "correct": 1, "matched": 2}
    assert result["value_prf"] == prf(1, 2, 2)


def test_prediction_labels_in_the_guides_terms():
    assert figure_label({"kind": "range", "unit": "percent"}) == "percent"
    assert figure_label({"kind": "range", "unit": "USD"}) == "money"
    assert figure_label({"kind": "other", "unit": "multiplier"}) == "multiplier"
    assert figure_label({"kind": "other", "unit": None, "value": 2031}) == "year"
    assert figure_label({"kind": "quantity", "unit": "year"}) == "quantity"
    assert date_label({"type": "time", "relative": False}) == "date"
    assert date_label({"type": "date", "relative": True}) == "relative"
    assert normalize_unit("Brigades") == normalize_unit("brigade") == "brigade"
    assert normalize_unit("countries") == "country" and normalize_unit("people") == "person"
    assert same_date_value(["P2Y", "P4Y"], ["P2Y", "P4Y"]) and same_date_value("P2DE", "P20Y")


def test_agreement_of_two_passes():
    first = [{"sha256": "a", "windows": [[0, 100]],
              "entities": [_span(0, 5, label="GPE", canonical="Riga"), _span(10, 15, label="ORG", canonical="Nord")],
              "figures": [_span(20, 23, value=12, unit="percent", kind="percent")], "dates": []}]
    second = [json.loads(json.dumps(first[0]))]
    second[0]["entities"][1]["label"] = "PERSON"
    second[0]["figures"][0]["value"] = 13
    result = agreement(first, second)
    assert result["articles"] == 1
    assert result["entities"]["strict_f1"] == 0.5 and result["entities"]["span_only_loose_f1"] == 1.0
    assert result["figures"]["loose_f1"] == 1.0 and result["figures"]["values"]["value"]["accuracy"] == 0.0
