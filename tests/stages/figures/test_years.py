"""Calendar years, decades and ranges of years are figures (CONVENTIONS: kind "year"; a year's value is
the year, a decade's its first year; unit null, a range of calendar years "calendar_year"), also
inside dates, and bare 4-digit numbers that are not years stay what they are. All sentences are
written for these tests (invented names)."""
from __future__ import annotations

import pytest
import spacy

import pipeline.registry  # noqa: F401  registers the factories
from tests.stages.figures.test_find import approx_eq

CALENDAR_YEAR = "calendar_year"


def _spans(nlp, text: str) -> list[tuple[str, int, int, dict]]:
    doc = nlp(text)
    return [(s.text, s.start_char, s.end_char, s._.figure) for s in doc.spans["figures"]]


def _years(nlp, text: str) -> list[tuple[str, int, int, dict]]:
    return [x for x in _spans(nlp, text) if x[3]["kind"] == "year"]


def check_year(nlp, text: str, figure_text: str, value, unit=None) -> None:
    found = {t: (a, b, f) for t, a, b, f in _years(nlp, text)}
    assert figure_text in found, (text, list(found))
    start, end, fig = found[figure_text]
    assert start == text.index(figure_text) and text[start:end] == figure_text
    assert approx_eq(fig["value"], value), fig
    assert (fig["unit"], fig["kind"], fig["qualifier"], fig["change"]) == (unit, "year", None, None), fig
    assert fig["measured"] is None and fig["source"] is None, fig


YEARS = [
    # after a preposition of time, a month, a season or "fiscal"
    ("The treaty was signed in 1956 and annulled later.", "1956", 1956),
    ("Since 2014, Caldoria has held the peninsula.", "2014", 2014),
    ("Emissions must fall by 2030, the ministry said.", "2030", 2030),
    ("The Treaty of 1978 still binds both sides.", "1978", 1978),
    ("Output recovered in late 2023.", "2023", 2023),
    ("Fiscal 2025 revenue fell short.", "2025", 2025),
    ("Ships built c. 1850 still sail.", "1850", 1850),
    ("The mandate runs until 2100.", "2100", 2100),
    # inside a date: the year is a figure, the day and the period label are not
    ("Talks resumed in May 2019 in Geneva.", "2019", 2019),
    ("The accord was signed on March 3, 2027, in Oslo.", "2027", 2027),
    ("Growth slowed in the first half of 2027.", "2027", 2027),
    ("The summit opened on 14 June 2029 in Varnia.", "2029", 2029),
    # before the noun it dates, after a determiner or a possessive
    ("The 2030 election will decide the matter.", "2030", 2030),
    ("A 2016 poll found little support for the plan.", "2016", 2016),
    ("Varnia's 2022 invasion shocked the region.", "2022", 2022),
    ("The 2016 elections were disputed.", "2016", 2016),
    ("The 2031 Lisbon summit ended early.", "2031", 2031),
    ("Prices returned to 2019 levels.", "2019", 2019),
    # opening a sentence before its verb; in brackets; joined to another year
    ("2024 was a difficult year for Caldoria.", "2024", 2024),
    ("The report (2019) said nothing new.", "2019", 2019),
    ("Elections were held in 2016, 2017 and 2019.", "2017", 2017),
    ("Elections were held in 2016, 2017 and 2019.", "2019", 2019),
    # glued to a prefix that keeps it a year (spaCy keeps the word one token)
    ("Growth peaked in mid-2025.", "mid-2025", 2025),
    ("Trade never regained its pre-2014 volume.", "pre-2014", 2014),
    # lists with an Oxford comma, "between now and", a dash of punctuation, a name after the year
    ("Reports came out in 2007, 2012, and 2018.", "2018", 2018),
    ("As in the 1967, 1973, and 1982 wars, the front held.", "1973", 1973),
    ("As in the 1967, 1973, and 1982 wars, the front held.", "1982", 1982),
    ("The risk is acute between now and 2030, officials say.", "2030", 2030),
    ("Losses peaked in the summer of 2025—a grim record.", "2025", 2025),
    ("Caldoria fought the 1967 Six-Day War alone.", "1967", 1967),
    ("The militia grew from 2009 onwards.", "2009", 2009),
    ("For example, 2018 saw a sharp rise in sales.", "2018", 2018),
]


@pytest.mark.parametrize("text,figure_text,value", YEARS)
def test_calendar_years(nlp, text, figure_text, value):
    check_year(nlp, text, figure_text, value)


DECADES = [
    ("The reforms of the 1990s failed.", "1990s", 1990),
    ("By the 2020s, the fleet had doubled.", "2020s", 2020),
    ("In the 80s the economy grew.", "80s", 1980),
    ("The song was a hit in the ’90s.", "’90s", 1990),
    ("It sold well in the late '70s.", "'70s", 1970),
    ("The mid-1990s were hard for the navy.", "mid-1990s", 1990),
    ("Many ports were built in the 1800s.", "1800s", 1800),
    ("Both the 20s and 30s were unstable.", "30s", 1930),
]


@pytest.mark.parametrize("text,figure_text,value", DECADES)
def test_decades_are_their_first_year(nlp, text, figure_text, value):
    check_year(nlp, text, figure_text, value)


RANGES = [
    ("The 2021–2025 plan was adopted.", "2021–2025", [2021, 2025]),
    ("The budget covers 2019-20.", "2019-20", [2019, 2020]),
    ("Its fiscal year 2019/20 ended badly.", "2019/20", [2019, 2020]),
    ("Output grew between 2021 and 2025.", "2021 and 2025", [2021, 2025]),
    ("The reforms ran from 2010 to 2014.", "2010 to 2014", [2010, 2014]),
    ("Ivan Petrov (1931–2022) led the talks.", "1931–2022", [1931, 2022]),
    ("Emissions stayed at 2010 to 2014 levels.", "2010 to 2014", [2010, 2014]),
    ("The 2014-15 successes did not last.", "2014-15", [2014, 2015]),
    ("The 1980s–1990s boom faded.", "1980s–1990s", [1980, 1990]),  # decades: their first years
    ("Ivan Petrov (1937−1945 in exile) returned.", "1937−1945", [1937, 1945]),
]


@pytest.mark.parametrize("text,figure_text,value", RANGES)
def test_a_range_of_years_is_one_figure(nlp, text, figure_text, value):
    check_year(nlp, text, figure_text, value, CALENDAR_YEAR)


def test_two_years_joined_by_and_are_two_figures(nlp):
    text = "The drills took place in 2016 and 2017."
    assert [(t, a, f["value"], f["unit"]) for t, a, _, f in _years(nlp, text)] == [
        ("2016", text.index("2016"), 2016, None), ("2017", text.index("2017"), 2017, None)]


NOT_YEARS = [
    # names and titles
    "Exercise Shield-2029 began on Monday.",
    "The Outlook 2040 report was published.",
    "Zapad-2021 alarmed the Baltic states.",
    "The F-2030 prototype flew over the base.",
    "Vision 2030 promised a new economy.",
    # labels, references, codes, times, days
    "See pp. 2019–2021 of the annual report.",
    "Resolution 2031 was adopted without a vote.",
    "At 1900 hours the convoy left.",
    "The 2030-05-02 deadline was missed.",
    "The B-52s and F-16s flew north.",
    "In their 20s, most recruits leave the army.",
    "She left the service in her early 30s.",
    # quantities, amounts and counts
    "The road is 1990 km long.",
    "The ministry paid $2025 per soldier.",
    "Its 2000-strong force left the town.",
    "Output rose from 1950 to 2040 tonnes.",
    "The 2000 soldiers left the base.",
    "A total of 1850 arrived by sea.",
    "One of 2000 applicants was chosen.",
    "The page count reached 2019.",
    "Between 1800-1900 troops guarded the pass.",
]


@pytest.mark.parametrize("text", NOT_YEARS)
def test_numbers_that_are_not_years(nlp, text):
    assert _years(nlp, text) == []


COUNTS_NOT_YEARS = [
    ("A total of 1850 troops arrived.", "1850 troops", 1850, "troops", "count"),
    ("The army of 1900 men marched north.", "1900 men", 1900, "men", "count"),
    ("The division deployed 2,000 troops.", "2,000 troops", 2000, "troops", "count"),
    ("Caldoria won 2019 votes in the district.", "2019 votes", 2019, "votes", "count"),
    ("The road is 1990 km long.", "1990 km", 1990, "km", "quantity"),
]


@pytest.mark.parametrize("text,figure_text,value,unit,kind", COUNTS_NOT_YEARS)
def test_four_digit_counts_stay_counts(nlp, text, figure_text, value, unit, kind):
    found = {t: (a, b, f) for t, a, b, f in _spans(nlp, text)}
    assert figure_text in found, (text, list(found))
    start, end, fig = found[figure_text]
    assert text[start:end] == figure_text and start == text.index(figure_text)
    assert (fig["value"], fig["unit"], fig["kind"]) == (value, unit, kind)


def test_years_take_no_part_in_changes_comparisons_or_counted_nouns(nlp):
    text = "Of the 27 members, 19 agreed in 2019, up from 12 in 2016."
    found = {t: f for t, _, _, f in _spans(nlp, text)}
    for year in ("2019", "2016"):
        assert (found[year]["kind"], found[year]["unit"], found[year]["change"], found[year]["compared_with"]) == (
            "year", None, None, None)
    assert found["19"]["unit"] == "members"


@pytest.fixture(scope="module")
def nlp_with_dates():
    nlp = spacy.blank("en")
    for name in ("claims_segmenter", "claims_dates", "claims_figures"):
        nlp.add_pipe(name)
    nlp.initialize()
    return nlp


def test_a_year_inside_a_date_gives_both_records(nlp_with_dates):
    text = "Talks resumed in May 2019 and ended on March 3, 2027."
    doc = nlp_with_dates(text)
    dates = [s.text for s in doc.spans["dates"]]
    assert "May 2019" in dates and "March 3, 2027" in dates
    years = [(s.text, s.start_char, s._.figure["value"]) for s in doc.spans["figures"] if s._.figure["kind"] == "year"]
    assert years == [("2019", text.index("2019"), 2019), ("2027", text.index("2027"), 2027)]
    assert [s.text for s in doc.spans["figures"] if s._.figure["kind"] != "year"] == []  # not the day "3"


@pytest.mark.parametrize("text,years", [
    ("Fighting in Varnia’s 2023 Offensive", ["2023"]),            # a heading: the same rules
    ("Deterrence since the 2022 Lisbon Summit", ["2022"]),
    ("The Outlook 2040 Report", []),                               # a title word before the year
    ("National Defence Strategy 2018 Summary", []),
])
def test_years_in_headings(nlp, text, years):
    assert [t for t, _, _, _ in _years(nlp, text)] == years
