"""Dates stage, the component end to end: text (+ anchor) -> type, value, mod for every example
of issue 4, the non-dates, entities blocking dates, offsets, DocBin and to_disk.

All sentences are written for these tests (none is copied from the corpus)."""
from __future__ import annotations

import pytest
import spacy
from spacy.tokens import DocBin

from pipeline.stages.dates.values import NO_ANCHOR
from tests.stages.dates.helpers import dates_nlp, found, one, run


@pytest.fixture(scope="module")
def nlp():
    return dates_nlp()


# sentence, anchor, date text, type, value, mod
EXAMPLES = [
    # absolute
    ("The president visited Tokyo in October 1993 with a proposal.", None, "October 1993", "date", "1993-10", None),
    ("In 1956, the two governments issued a joint declaration.", None, "1956", "date", "1956", None),
    ("The attack of 7 October 2023 changed the region.", None, "7 October 2023", "date", "2023-10-07", None),
    ("The agreement was signed on December 29, 2024, in Ankara.", None, "December 29, 2024", "date", "2024-12-29", None),
    ("Analysts expect a recovery by mid-2025.", None, "mid-2025", "date", "2025", "MID"),
    ("He has been in office since the end of 2012.", None, "the end of 2012", "date", "2012", "END"),
    ("The leaders met in Vladivostok in early September.", "2018-10", "early September", "date", "2018-09", "START"),
    ("Tokyo made a new attempt to woo Moscow in late 2016.", None, "late 2016", "date", "2016", "END"),
    # relative, resolved against the anchor (tense decides the direction of a bare month)
    ("The president is scheduled to visit Japan in December.", "2016-09", "December", "date", "2016-12", None),
    ("The defence white paper was released in July.", "2016-09", "July", "date", "2016-07", None),
    ("Exports to the region fell sharply last year.", "2016-09", "last year", "date", "2015", None),
    ("The ministers will meet again next month.", "2016-09", "next month", "date", "2016-10", None),
    ("A decade ago, foreign firms were pushed out of the project.", "2016-09", "A decade ago", "date", "2006", None),
    ("This year the summit moves to Seoul.", "2016-09", "This year", "date", "2016", None),
    ("The talks will resume in January.", "2016-09", "January", "date", "2017-01", None),
    ("The ceasefire collapsed in November.", "2016-09", "November", "date", "2015-11", None),
    ("Since March, the navy has doubled its patrols.", "2022-09", "March", "date", "2022-03", None),
    ("The deal was agreed in February last year.", "2024-06", "February last year", "date", "2023-02", None),
    ("The envoy arrived on Tuesday and will leave on Friday.", "2023-05-17", "Tuesday", "date", "2023-05-16", None),
    ("The envoy arrived on Tuesday and will leave on Friday.", "2023-05-17", "Friday", "date", "2023-05-19", None),
    ("The confrontation that really matters today is with China.", "2016-09-20", "today", "date", "2016-09-20", None),
    ("Growth slowed in the third quarter.", "2023-11", "the third quarter", "date", "2023-Q3", None),
    ("By the end of the year, a treaty could be signed.", "2018-10", "the end of the year", "date", "2018", "END"),
    ("The embassy reopened two years ago.", "2021-03", "two years ago", "date", "2019", None),
    # durations
    ("For more than seven decades, no peace treaty has been signed.", None, "more than seven decades", "duration", "P70Y", "MORE_THAN"),
    ("The two countries have quarrelled for over seven decades.", None, "over seven decades", "duration", "P70Y", "MORE_THAN"),
    ("The two countries have quarrelled for seven decades.", None, "seven decades", "duration", "P70Y", None),
    ("It won a £24 billion increase over four years.", None, "four years", "duration", "P4Y", None),
    ("He has worked on the file for over 25 years.", None, "over 25 years", "duration", "P25Y", "MORE_THAN"),
    ("The negotiations took more than a year.", None, "more than a year", "duration", "P1Y", "MORE_THAN"),
    ("The programme ran for two years.", None, "two years", "duration", "P2Y", None),
    ("Parliament approved a three-year plan.", None, "three-year", "duration", "P3Y", None),
    ("The blockade lasted nearly a decade.", None, "nearly a decade", "duration", "P10Y", "LESS_THAN"),
    ("Trade grew over the past two decades.", None, "the past two decades", "duration", "P20Y", None),
    ("The mission lasted a year and a half.", None, "a year and a half", "duration", "P18M", None),
    ("The crisis lasted 48 hours.", None, "48 hours", "duration", "PT48H", None),
    ("Moscow has courted Tokyo for years.", None, "years", "duration", "PXY", None),
    ("Relations have shifted over the past few years.", None, "the past few years", "duration", "PXY", None),
    ("The empire lasted half a century.", None, "half a century", "duration", "P50Y", None),
    # sets
    ("The forum is held annually in Vladivostok.", None, "annually", "set", "P1Y", None),
    ("Ministers meet every year to review the plan.", None, "every year", "set", "P1Y", None),
    ("The fleet exercises each summer near the islands.", None, "each summer", "set", "XXXX-SU", None),
    ("Elections are held every four years.", None, "every four years", "set", "P4Y", None),
    ("The council meets twice a year.", None, "twice a year", "set", "P1Y", None),
    ("The annual summit was cancelled.", None, "annual", "set", "P1Y", None),
    # decades and centuries
    ("In the 1990s the economy collapsed.", None, "the 1990s", "date", "199X", None),
    ("Wars of the 21st century look different.", None, "the 21st century", "date", "20XX", None),
    ("Reform began in the late 1970s.", None, "the late 1970s", "date", "197X", "END"),
    ("Back in the ’90s the port was busy.", None, "the ’90s", "date", "199X", None),
    ("Much of the nineteenth century was peaceful here.", None, "the nineteenth century", "date", "18XX", None),
    # ranges
    ("Sanctions tightened in 2014–2016 and again later.", None, "2014–2016", "date", "2014/2016", None),
    # "from 2010 to 2014" and "between 2019 and 2021" are two dates (CONVENTIONS)
    ("Prices rose between 2019 and 2021 in every region.", None, "2019", "date", "2019", None),
    ("Prices rose between 2019 and 2021 in every region.", None, "2021", "date", "2021", None),
    ("The plan runs from 2022 to 2024 in three phases.", None, "2022", "date", "2022", None),
    ("The plan runs from 2022 to 2024 in three phases.", None, "2024", "date", "2024", None),
    ("Raids peaked in March–April 2030 near the port.", None, "March–April 2030", "date", "2030-03/2030-04", None),
    ("Figures for 2014–16 are estimates.", None, "2014–16", "date", "2014/2016", None),
    ("The drills ran on 1–3 October 2023 near the strait.", None, "1–3 October 2023", "date", "2023-10-01/2023-10-03", None),
    ("Fighting continued from January to March 2020.", None, "January", "date", "2020-01", None),
    ("Fighting continued from January to March 2020.", None, "March 2020", "date", "2020-03", None),
    # quarters and halves
    ("Output fell in Q1 2025 across the sector.", None, "Q1 2025", "date", "2025-Q1", None),
    ("Growth was weak in the first half of 2024.", None, "the first half of 2024", "date", "2024-H1", None),
    ("Orders recovered in the fourth quarter of 2022.", None, "the fourth quarter of 2022", "date", "2022-Q4", None),
    # other forms
    ("The statement came on 2023-10-07 at noon.", None, "2023-10-07", "date", "2023-10-07", None),
    ("The guidance applies from FY2025 onwards.", None, "FY2025", "date", "FY2025", None),
    ("The pact was signed in the autumn of 2016.", None, "the autumn of 2016", "date", "2016-FA", None),
    ("Pre-2014 borders are not coming back.", None, "Pre-2014", "date", "2014", "BEFORE"),
    ("The vote was scheduled for 10 a.m. local time.", None, "10 a.m.", "time", "T10:00", None),
    ("Investment has grown in recent years.", "2020-01", "recent years", "duration", "PXY", None),
    ("The first drones arrived around 2014.", None, "around 2014", "date", "2014", "APPROX"),
    ("Since the September 11 attacks, policy has changed.", "2019-05", "September 11", "date", "2001-09-11", None),
]


@pytest.mark.parametrize("text,anchor,date_text,type_,value,mod", EXAMPLES)
def test_examples(nlp, text, anchor, date_text, type_, value, mod):
    d = one(nlp, text, date_text, anchor)
    assert (d["type"], d["value"], d["mod"]) == (type_, value, mod)


def test_range_begin_end(nlp):
    d = one(nlp, "Sanctions tightened in 2014–2016 and again later.", "2014–2016")
    assert (d["begin"], d["end"], d["relative"]) == ("2014", "2016", False)
    d = one(nlp, "Raids peaked in March–April 2030 near the port.", "March–April 2030")
    assert (d["begin"], d["end"]) == ("2030-03", "2030-04")


def test_relative_records_their_anchor(nlp):
    d = one(nlp, "The ministers will meet again next month.", "next month", "2016-09-20")
    assert (d["relative"], d["anchor"], d["unresolved"]) == (True, "2016-09-20", None)
    d = one(nlp, "The president visited Tokyo in October 1993.", "October 1993", "2016-09-20")
    assert (d["relative"], d["anchor"]) == (False, None)


@pytest.mark.parametrize("text,date_text", [
    ("The president is scheduled to visit Japan in December.", "December"),
    ("Exports to the region fell sharply last year.", "last year"),
    ("A decade ago, foreign firms were pushed out.", "A decade ago"),
    ("The envoy arrived on Tuesday.", "Tuesday"),
])
def test_no_anchor_leaves_relative_unresolved(nlp, text, date_text):
    d = one(nlp, text, date_text, None)
    assert (d["value"], d["relative"], d["unresolved"]) == (None, True, NO_ANCHOR)


def test_coarse_anchor_is_reported(nlp):
    d = one(nlp, "The envoy arrived on Tuesday.", "Tuesday", "2023-05")
    assert d["value"] is None and d["unresolved"] == "anchor 2023-05 has no day"
    d = one(nlp, "Exports fell last month.", "last month", "2023")
    assert d["value"] is None and d["unresolved"] == "anchor 2023 has no month"


def test_discourse_reference(nlp):
    text = "A poll in 2016 found broad opposition. A second poll in the same year disagreed. Two years later, talks resumed."
    dates = found(nlp, text, "2019-05")
    assert dates["the same year"]["value"] == "2016" and dates["the same year"]["anchor"] == "2016"
    assert dates["Two years later"]["value"] == "2018"


def test_narrating_paragraph_lends_its_year(nlp):
    text = ("Soviet troops left in February 1989. In May, Gorbachev flew to Beijing; in May of the same year "
            "students filled the square.\n\nPrices rose by 2023. Storage was full in mid-June.\n\n"
            "The fleet sailed in May 2018 and the waivers ended in May.")
    doc = run(nlp, text, "2024-07")
    dates = [(s.text, s._.date["value"], s._.date["anchor"]) for s in doc.spans["dates"]]
    assert dates == [
        ("February 1989", "1989-02", None),
        ("May", "1989-05", "1989-02"),               # the paragraph narrates 1989
        ("May of the same year", "1989-05", "1989-05"),  # the last date before it
        ("2023", "2023", None),
        ("mid-June", "2024-06", "2024-07"),          # a bare year sets no narrative
        ("May 2018", "2018-05", None),
        ("May", "2024-05", "2024-07"),               # not the same May again
    ]


def test_coordinated_dates_share_the_year(nlp):
    dates = found(nlp, "Interviews took place in June and July 2024, and in December and January 2022.", "2025-03")
    assert dates["June"]["value"] == "2024-06" and dates["June"]["relative"] is False
    assert dates["December"]["value"] == "2021-12"


# sentence, substring that must not be (inside) a date
NOT_DATES = [
    ("Prime Minister Theresa May said little.", "May"),
    ("Moscow may hand back two islands.", "may"),
    ("Protesters march on the capital; the march was peaceful.", "march"),
    ("The Second World War ended without a treaty.", "Second World War"),
    ("Moscow began the Vostok-2018 exercises.", "2018"),
    ("Some 78% of respondents were against the transfer.", "78"),
    ("The stake is worth US$ 200 million.", "200"),
    ("About 2,000 troops are stationed there.", "2,000"),
    ("The ministers agreed on a 2+2 format.", "2+2"),
    ("The Framework 2.0 document was leaked.", "2.0"),
    ("It bought F-35 and Su-35 jets.", "35"),
    ("See pp. 28–29 and p. 12 of the report.", "28–29"),
    ("Russia deploys 410 nuclear weapons there.", "410"),
    ("More than 2000 troops crossed the border.", "2000"),
    ("Security Council Resolution 2231 remains in force.", "2231"),
    ("Resolutions 1970 and 1973 concerned Libya.", "1973"),
    ("The Arab Spring shook the region.", "Spring"),
    ("Shoppers crowded stores on Black Friday.", "Friday"),
    ("Russia Today broadcast the speech.", "Today"),
    ("The Vision 2030 plan aims to diversify the economy.", "2030"),
    ("Rates rose by 2.5 percent in March 2019.", "2.5"),
    ("The fall of Kabul surprised allies.", "fall"),
    ("One day, Russia will regret it.", "One day"),
    ("Its population is 1500 km from the coast.", "1500"),
]


@pytest.mark.parametrize("text,sub", NOT_DATES)
def test_not_dates(nlp, text, sub):
    doc = run(nlp, text, "2020-01-15")
    start = text.index(sub)
    end = start + len(sub)
    hits = [s.text for s in doc.spans["dates"] if s.start_char < end and start < s.end_char]
    assert not hits, f"{hits} overlaps {sub!r}"


def test_entities_block_dates(nlp):
    text = "The 1956 Soviet-Japanese Joint Declaration promised two islands. The Vostok-2018 drill followed."
    doc = nlp.make_doc(text)
    doc._.published = "2018-10"
    start = text.index("1956")
    decl = doc.char_span(start, start + len("1956 Soviet-Japanese Joint Declaration"), label="EVENT")
    doc.ents = [decl]
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    # a year opening a name as a word of its own is still a date (CONVENTIONS: "the 2031 Lisbon
    # summit"); one joined by a hyphen is not
    assert [s.text for s in doc.spans["dates"]] == ["1956"]
    # without the entity, a bare year is a date
    assert found(nlp, "The 1956 declaration promised two islands.")["1956"]["value"] == "1956"


def test_date_closing_an_entity_after_of_is_kept(nlp):
    text = "Talks built on the Joint Declaration of 1956, not on the 1956 Joint Declaration."
    doc = nlp.make_doc(text)
    a = text.index("Joint Declaration of 1956")
    b = text.index("1956 Joint Declaration")
    doc.ents = [doc.char_span(a, a + len("Joint Declaration of 1956"), label="LAW"),
                doc.char_span(b, b + len("1956 Joint Declaration"), label="LAW")]
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    assert [(s.text, s.start_char) for s in doc.spans["dates"]] == [("1956", text.index("1956")), ("1956", b)]


def test_entities_in_span_group_block_dates(nlp):
    text = "Moscow hosted the Zapad 2021 drills in September 2021."
    doc = nlp.make_doc(text)
    start = text.index("Zapad")
    doc.spans["entities"] = [doc.char_span(start, start + len("Zapad 2021"), label="EVENT")]
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    assert [s.text for s in doc.spans["dates"]] == ["September 2021"]


def test_offsets_and_extent_convention(nlp):
    text = "In the 1990s, and again in December, and between 2019 and 2021, prices rose."
    doc = run(nlp, text, "2020-05")
    spans = [(s.text, s.start_char, s.end_char) for s in doc.spans["dates"]]
    assert spans == [
        ("the 1990s", text.index("the 1990s"), text.index("the 1990s") + 9),
        ("December", text.index("December"), text.index("December") + 8),
        ("2019", text.index("2019"), text.index("2019") + 4),
        ("2021", text.index("2021"), text.index("2021") + 4),
    ]
    for s in doc.spans["dates"]:
        assert doc.text[s.start_char:s.end_char] == s.text
        assert s.label_ == s._.date["type"].upper()


def test_boilerplate_is_skipped(nlp):
    text = ("A Title Line About Islands\n\nMain Image Credit A photo taken in 1945. Courtesy of Wikimedia.\n\n"
            "The islands were seized in 1945 and are still claimed.")
    doc = run(nlp, text)
    assert [(s.text, s.start_char) for s in doc.spans["dates"]] == [("1945", text.rindex("1945"))]


def test_docbin_round_trip(nlp):
    doc = run(nlp, "Tokyo tried again in late 2016. The president will visit in December.", "2016-09")
    data = DocBin(docs=[doc], store_user_data=True).to_bytes()
    back = list(DocBin(store_user_data=True).from_bytes(data).get_docs(nlp.vocab))[0]
    assert [(s.text, s.label_, s._.date) for s in back.spans["dates"]] == \
           [(s.text, s.label_, s._.date) for s in doc.spans["dates"]]
    assert back.spans["dates"][1]._.date["value"] == "2016-12"


def test_to_disk_from_disk(nlp, tmp_path):
    comp = nlp.get_pipe("claims_dates")
    comp.to_disk(tmp_path / "dates")
    assert (tmp_path / "dates" / "dates" / "patterns.tsv").is_file()
    nlp2 = spacy.blank("en")
    nlp2.add_pipe("claims_segmenter")
    nlp2.add_pipe("claims_dates")
    nlp2.initialize()
    nlp2.get_pipe("claims_dates").from_disk(tmp_path / "dates")
    text = "In 1956, a declaration was signed; talks lasted two years."
    doc1, doc2 = run(nlp, text), run(nlp2, text)
    assert [(s.text, s._.date["value"]) for s in doc2.spans["dates"]] == \
           [(s.text, s._.date["value"]) for s in doc1.spans["dates"]] == [("1956", "1956"), ("two years", "P2Y")]


def test_whole_pipeline_save_and_load(nlp, tmp_path):
    nlp.to_disk(tmp_path / "pipe")
    loaded = spacy.load(tmp_path / "pipe")
    doc = run(loaded, "The summit is held annually.")
    assert [s.text for s in doc.spans["dates"]] == ["annually"]


def test_no_pipe_problems(nlp):
    assert nlp.analyze_pipes()["problems"] == {"claims_segmenter": [], "claims_dates": []}
