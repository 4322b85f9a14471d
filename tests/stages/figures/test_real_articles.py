"""Every figure of the two seed articles in ../shared/corpus, as a careful reader would record it.

The articles are read from disk (skipped when absent); nothing of their text is copied here: each figure
is named by its own text (unique in its article) plus at most a few words that locate its sentence."""
from __future__ import annotations

import pytest

from tests.conftest import SHARED_CORPUS

CORPUS = SHARED_CORPUS
ARTICLES = {
    "russia_japan_2016": "000_209a23322be7f4e8.txt",
    "swedish_brief_2018": "003_db7cbe7b08cbfd51.txt",
}

# figure text -> expected fields. "measured" is checked as a substring (what a reader would write must be
# in it), "source" likewise; None means the field must be null.
EXPECTED = {
    "russia_japan_2016": {
        "more than seven decades": dict(
            near="after the end of", value=7, unit="decade", kind="quantity", qualifier="more_than",
            measured="end of the Second World War", source=None,
        ),
        "four islands": dict(
            near="simmering dispute over", value=4, unit="islands", kind="count", qualifier=None,
            measured="islands", source=None,
        ),
        "two of the disputed islands": dict(
            near="Russia will return", value=2, unit="islands", kind="count", qualifier=None,
            measured="disputed islands", source="Russian media sources",
        ),
        # counts after a determiner are figures (CONVENTIONS); "two countries" is written twice: the
        # later one, in the sentence on the maritime drill, is the one recorded here
        "two countries": dict(
            near="maritime drill", value=2, unit="countries", kind="count", qualifier=None,
            measured="countries", source=None,
        ),
        "two counties": dict(  # sic in the article
            near="window of opportunity", value=2, unit="counties", kind="count", qualifier=None,
            measured="counties", source=None,
        ),
        "zero": dict(
            near="any substantial deal are", value=0, unit=None, kind="other", qualifier=None,
            measured="chances of any substantial deal", source=None,
        ),
    },
    "swedish_brief_2018": {
        "two further objectives": dict(
            near="Abe had", value=2, unit="objectives", kind="count", qualifier=None,
            measured="further objectives", source=None,
        ),
        "US$ 200 million": dict(
            near="(", value=200_000_000, unit="USD", kind="money", qualifier=None, currency="USD",
            scale=1_000_000, measured="contribution", source=None, compared_with="US$ 10 billion",
        ),
        "US$ 10 billion": dict(
            near="versus", value=10_000_000_000, unit="USD", kind="money", qualifier=None, currency="USD",
            scale=1_000_000_000, measured="contribution", source=None, compared_with="US$ 200 million",
        ),
        "78%": dict(
            near="poll by the Levada Center", value=78, unit="percent", kind="percent", qualifier=None,
            measured="Russian respondents against transferring the islands", source="Levada Center poll, 2016",
        ),
        "55%": dict(
            near="while", value=55, unit="percent", kind="percent", qualifier=None,
            measured="return would affect Putin", source="Levada Center poll, 2016",
        ),
        "56%": dict(
            near="believed that keeping", value=56, unit="percent", kind="percent", qualifier=None,
            measured="keeping the islands is more important", source="Levada Center poll, 2016",
        ),
        "57%": dict(
            near="Mainichi newspaper", value=57, unit="percent", kind="percent", qualifier=None,
            measured="Japan should be flexible", source="Mainichi newspaper poll",
        ),
        "four islets": dict(
            near="return of all", value=4, unit="islets", kind="count", qualifier=None,
            measured="islets", source=None,
        ),
    },
}

# The calendar years of the body (CONVENTIONS: kind "year", also inside dates: "October 1993"), in text
# order; a year glued to a name ("Vostok-2018") is none.
YEARS = {
    "russia_japan_2016": [1945, 1956, 1993],
    "swedish_brief_2018": [2012, 1945, 2014, 2016, 2016, 2016],
}

# Numbers in these articles that are NOT figures (names, codes, day numbers, pronouns, enumerations).
NOT_FIGURES = {
    "russia_japan_2016": ["G7", "One", "Second World War", "one Asian"],
    "swedish_brief_2018": ["2+2", "Vostok-2018", "First", "Second", "one of the most", "World War II"],
}


@pytest.fixture(scope="module")
def nlp():
    try:
        from pipeline.runner import build_nlp
    except ImportError:  # pragma: no cover - before the runner existed
        import spacy

        import pipeline.registry  # noqa: F401

        nlp = spacy.blank("en")
        nlp.add_pipe("claims_segmenter")
        nlp.add_pipe("claims_figures")
        nlp.initialize()
        return nlp
    return build_nlp()


def _spans(nlp, key: str):
    path = CORPUS / ARTICLES[key]
    if not path.is_file():
        pytest.skip(f"{path} not present")
    text = path.read_text(encoding="utf-8")
    doc = nlp(text)
    return text, list(doc.spans["figures"])


def _figures(nlp, key: str):
    """The figures other than calendar years, by text."""
    text, spans = _spans(nlp, key)
    return text, {s.text: (s, s._.figure) for s in spans if s._.figure["kind"] != "year"}


@pytest.mark.parametrize("key", list(ARTICLES))
def test_every_figure_and_nothing_else(nlp, key):
    text, found = _figures(nlp, key)
    assert sorted(found) == sorted(EXPECTED[key]), "figures differ from what a careful reader records"


@pytest.mark.parametrize("key", list(ARTICLES))
def test_calendar_years(nlp, key):
    text, spans = _spans(nlp, key)
    years = [s for s in spans if s._.figure["kind"] == "year"]
    assert [s._.figure["value"] for s in years] == YEARS[key]
    for s in years:
        assert s.text == str(s._.figure["value"]) == text[s.start_char:s.end_char]
        assert s._.figure["unit"] is None and s._.figure["measured"] is None and s._.figure["source"] is None


@pytest.mark.parametrize("key,figure_text", [(k, f) for k, figs in EXPECTED.items() for f in figs])
def test_figure_fields(nlp, key, figure_text):
    text, found = _figures(nlp, key)
    exp = EXPECTED[key][figure_text]
    assert figure_text in found, f"{figure_text!r} missing"
    span, fig = found[figure_text]
    # the span is where the text says, in the sentence the locating words point to
    assert text[span.start_char : span.end_char] == figure_text
    assert exp["near"] in span.sent.text
    assert fig["value"] == exp["value"]
    assert fig["unit"] == exp["unit"]
    assert fig["kind"] == exp["kind"]
    assert fig["qualifier"] == exp["qualifier"]
    for field in ("currency", "scale"):
        if field in exp:
            assert fig[field] == exp[field]
    if exp["measured"] is None:
        assert fig["measured"] is None
    else:
        assert fig["measured"] and exp["measured"] in fig["measured"], fig["measured"]
    if exp["source"] is None:
        assert fig["source"] is None, fig["source"]
    else:
        assert fig["source"] and exp["source"] in fig["source"], fig["source"]
    other = exp.get("compared_with")
    if other:
        ospan, _ = found[other]
        assert fig["compared_with"] == [ospan.start_char, ospan.end_char]
    else:
        assert fig["compared_with"] is None


@pytest.mark.parametrize("key", list(ARTICLES))
def test_names_codes_and_dates_are_not_figures(nlp, key):
    text, found = _figures(nlp, key)
    for s, _ in found.values():
        for word in NOT_FIGURES[key]:
            assert word not in s.text, f"{s.text!r} contains the non-figure {word!r}"
