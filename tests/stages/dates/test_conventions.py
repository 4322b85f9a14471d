"""Dates stage, the classes of misses and errors of issue 18, as CONVENTIONS.md defines them: text +
publication date -> date text, offsets, type, value, mod. All sentences are written for these tests."""
from __future__ import annotations

import pytest

from tests.stages.dates.helpers import dates_nlp, found, run

ANCHOR = "2030-05-14"


@pytest.fixture(scope="module")
def nlp():
    return dates_nlp()


# sentence, date text, type, value, mod
CASES = [
    # rates after amounts and sets (CONVENTIONS: sets and rates are dates)
    ("Rents reached $900 per month in the capital.", "per month", "set", "P1M", None),
    ("The subsidy costs US$ 5 billion a year.", "a year", "set", "P1Y", None),
    ("Exports reached 7 million barrels per day.", "per day", "set", "P1D", None),
    ("The bonds pay 4% per annum.", "per annum", "set", "P1Y", None),
    ("Exports fell 12% year-on-year in March.", "year-on-year", "set", "P1Y", None),
    ("The mission lasted a year and a half.", "a year and a half", "duration", "P18M", None),
    # anaphoric and deictic relatives
    ("The envoy arrived this past Sunday.", "this past Sunday", "date", "2030-05-12", None),
    ("At the present time, no talks are planned.", "the present time", "date", "2030-05-14", None),
    ("Turnout was higher in earlier years.", "earlier years", "date", None, None),
    ("No deal is likely in the near future.", "the near future", "date", None, None),
    ("Both sides will test each other in the weeks and months to come.", "the weeks and months to come", "date", None, None),
    # short decades and ordinal centuries
    ("The movement peaked in the 70s.", "the 70s", "date", "197X", None),
    ("The port grew in the late 80s.", "the late 80s", "date", "198X", "END"),
    ("The city was founded in the 12th century.", "the 12th century", "date", "11XX", None),
    # durations with ranges or "or so"
    ("The talks could take 2-4 years.", "2-4 years", "duration", "[P2Y,P4Y]", None),
    ("Repairs will take two to three months.", "two to three months", "duration", "[P2M,P3M]", None),
    ("The project will take 20 years or so.", "20 years or so", "duration", "P20Y", "APPROX"),
    ("The fleet will grow over the next 20 or so years.", "the next 20 or so years", "duration", "P20Y", "APPROX"),
    # vague durations
    ("Imports have surged in recent months.", "recent months", "duration", "PXM", None),
    ("Prices climbed in recent years.", "recent years", "duration", "PXY", None),
    # spans that must not be too short
    ("The parade was held on Independence Day, 2027.", "Independence Day, 2027", "date", "2027-07-04", None),
    ("Talks resumed after Thanksgiving 2029.", "Thanksgiving 2029", "date", "2029-11-22", None),
    ("Exports rose in the first seven months of 2029.", "the first seven months of 2029", "date", "2029-01/2029-07", None),
    ("Output fell in the last two quarters of 2028.", "the last two quarters of 2028", "date", "2028-Q3/2028-Q4", None),
    ("The vote opened at 9:30 Kyiv time.", "9:30 Kyiv time", "time", "T09:30+03:00", None),
    ("On 2 January 2030, at 10:00 GMT, the vote closed.", "10:00 GMT", "time", "2030-01-02T10:00+00:00", None),
    ("The fair runs June 3 to 17.", "June 3 to 17", "date", "2030-06-03/2030-06-17", None),
    # "N months prior" is a date; "the next decade" a decade
    ("The treaty had been signed three months prior.", "three months prior", "date", "2030-02", None),
    ("Spending will double over the next decade.", "the next decade", "date", "204X", None),
    ("This decade will be decisive.", "This decade", "date", "203X", None),
]


@pytest.mark.parametrize("text,date_text,type_,value,mod", CASES)
def test_conventions(nlp, text, date_text, type_, value, mod):
    doc = run(nlp, text, ANCHOR)
    spans = {s.text: s for s in doc.spans["dates"]}
    assert date_text in spans, (text, list(spans))
    span = spans[date_text]
    assert (span.start_char, span.end_char) == (text.index(date_text), text.index(date_text) + len(date_text))
    d = span._.date
    assert (d["type"], d["value"], d["mod"]) == (type_, value, mod)


def test_coordinated_years_are_two_dates(nlp):
    dates = found(nlp, "Elections were held in 2016 and 2017, and again from 2019 to 2021.", ANCHOR)
    assert [(t, d["value"]) for t, d in dates.items()] == [("2016", "2016"), ("2017", "2017"), ("2019", "2019"), ("2021", "2021")]


def test_a_year_opening_a_name_is_a_date(nlp):
    text = "Delegates gathered at the 2031 Lisbon summit after Shield-2029 and Outlook 2040."
    doc = nlp.make_doc(text)
    doc._.published = ANCHOR
    spans = []
    for name in ("2031 Lisbon summit", "Shield-2029", "Outlook 2040"):
        a = text.index(name)
        spans.append(doc.char_span(a, a + len(name), label="EVENT"))
    doc.ents = spans
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    assert [(s.text, s._.date["value"]) for s in doc.spans["dates"]] == [("2031", "2031")]


def test_a_holiday_named_as_an_entity_is_a_date(nlp):
    text = "The parade was held on Independence Day, 2027."
    doc = nlp.make_doc(text)
    a = text.index("Independence Day")
    doc.ents = [doc.char_span(a, a + len("Independence Day"), label="EVENT")]
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    assert [(s.text, s._.date["value"]) for s in doc.spans["dates"]] == [("Independence Day, 2027", "2027-07-04")]


@pytest.mark.parametrize("text,sub", [
    ("He retired at 65 years of age.", "65 years"),           # ages are not dates
    ("A 54-year-old farmer was arrested.", "54-year"),
    ("The fleet is more than 30 years old.", "30 years"),
    ("Her essay “Twenty Years On” revisits the treaty.", "Twenty Years"),  # a feature title
    ("The accord was signed three months prior to the vote.", "three months prior"),  # relative to an event
    ("The talks lasted a month.", "a month"),                 # no amount before: a duration, not a rate
    ("The Good Friday Agreement still holds.", "Good Friday"),  # a holiday inside a name
])
def test_not_these_dates(nlp, text, sub):
    dates = found(nlp, text, ANCHOR)
    if sub == "a month":
        assert dates["a month"]["type"] == "duration"
        return
    if sub == "three months prior":  # the duration stays ("three months"), no date "prior"
        assert list(dates) == ["three months"] and dates["three months"]["type"] == "duration"
        return
    assert not [t for t in dates if sub in t or t in sub], dates


def test_movable_feast_without_a_year_has_no_value(nlp):
    d = found(nlp, "The ministers met again after Easter.", ANCHOR)["Easter"]
    assert (d["type"], d["value"]) == ("date", None)
