"""Claims stage: detection, type, hedging, certainty, negation, speaker; records, cues, schema, DocBin.

Every sentence here was written for these tests in the style of foreign-policy commentary
(no text is copied from the corpus). The pipeline is blank English + the segmenter + the claims
stage, so results do not depend on the entity/date/figure stages; a separate test adds spans of
those kinds by hand to check ``about``/``evidence`` linking.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span

import pipeline.registry  # noqa: F401  registers the factories
from pipeline.extensions import SPANS_CLAIMS, SPANS_DATES, SPANS_ENTITIES, SPANS_FIGURES, ensure_extensions
from pipeline.records import build_context
from pipeline.resources import PACKAGE_ROOT, ResourceError
from pipeline.stages import claims as C
from pipeline.stages.segment import body_sentences

SCHEMA = json.loads((PACKAGE_ROOT.parent / "schemas" / "claims.schema.json").read_text(encoding="utf-8"))


def _blank_with_sentences() -> Language:
    nlp = spacy.blank("en")
    if "claims_segmenter" in Language.factories:
        nlp.add_pipe("claims_segmenter")
    else:  # before the segmenter existed
        nlp.add_pipe("sentencizer")
    return nlp


@pytest.fixture(scope="module")
def nlp():
    nlp = _blank_with_sentences()
    nlp.add_pipe("claims_claims")
    nlp.initialize()
    return nlp


def claims_of(nlp, text: str) -> list[tuple[str, dict]]:
    """(text, claim dict) of every claim (plain values: the Doc may be garbage-collected)."""
    doc = nlp(text)
    return [(s.text, s._.claim) for s in doc.spans[SPANS_CLAIMS]]


def claim_at(nlp, text: str, prefix: str) -> Span | None:
    """The claim whose text starts with ``prefix`` (None if that sentence is not a claim)."""
    doc = nlp(text)
    start = doc.text.index(prefix)
    for span in doc.spans[SPANS_CLAIMS]:
        if span.start_char <= start < span.end_char:
            return span
    return None


# (text, the sentence/clause under test, expected (type, hedged, certainty, speaker) or None = not a claim)
CASES = [
    # -- predictions
    ("Tokyo will be disappointed by the outcome of the summit.", "Tokyo", ("prediction", False, "high", "author")),
    ("Beijing is likely to respond with economic pressure rather than force.", "Beijing", ("prediction", True, "medium", "author")),
    ("The sanctions regime will probably erode over the next two years.", "The sanctions", ("prediction", True, "medium", "author")),
    ("It is virtually inconceivable that the Kremlin will return the islands.", "It is", ("prediction", False, "high", "author")),
    ("The chances of a comprehensive settlement this year are zero.", "The chances", ("prediction", False, "high", "author")),
    ("Moscow is unlikely to abandon its claims in the Arctic.", "Moscow", ("prediction", True, "medium", "author")),
    ("The ceasefire may collapse before the spring.", "The ceasefire", ("prediction", True, "low", "author")),
    ("It is possible that the junta will delay the elections again.", "It is", ("prediction", True, "low", "author")),
    # -- evaluations
    ("Japan's strategy toward Russia is fundamentally unrealistic.", "Japan", ("evaluation", False, "high", "author")),
    ("The forward deployment is a costly relic of the Cold War.", "The forward", ("evaluation", False, "high", "author")),
    ("Clearly, the European response has been inadequate.", "Clearly", ("evaluation", False, "high", "author")),
    ("The new defence white paper seems strangely silent on China.", "The new", ("evaluation", True, "medium", "author")),
    ("Arguably, the alliance has never been stronger.", "Arguably", ("evaluation", True, "medium", "author")),
    ("The agreement is somewhat vague on verification.", "The agreement", ("evaluation", True, "medium", "author")),
    ("Perhaps the most important lesson is that deterrence works.", "Perhaps", ("evaluation", True, "low", "author")),
    ("Russia clearly has the upper hand in the negotiations.", "Russia", ("evaluation", False, "high", "author")),
    ("I believe the sanctions have failed to change the Kremlin's behaviour.", "I believe", ("evaluation", True, "medium", "author")),
    ("The 2015 agreement was a costly mistake.", "The 2015", ("evaluation", False, "high", "author")),
    # -- causal
    ("Russia's energy ties with China pose an additional obstacle to closer cooperation with Japan.", "Russia", ("causal", False, "high", "author")),
    ("Falling oil prices forced Moscow to postpone its naval modernisation.", "Falling", ("causal", False, "high", "author")),
    ("The stalemate is largely due to domestic politics in both capitals.", "The stalemate", ("causal", False, "high", "author")),
    ("Because Tehran fears isolation, it has courted Beijing more openly.", "Because", ("causal", False, "high", "author")),
    ("The sanctions did not weaken Moscow's resolve.", "The sanctions", ("causal", False, "high", "author")),
    # -- recommendations
    ("The European Union should adopt a common position on Chinese investment.", "The European", ("recommendation", False, "high", "author")),
    ("A thaw in relations with Seoul is advisable.", "A thaw", ("recommendation", False, "high", "author")),
    ("Washington needs to reassure its allies before the summit.", "Washington", ("recommendation", False, "high", "author")),
    ("We recommend that NATO expand its air-defence exercises in the Baltic.", "We recommend", ("recommendation", False, "high", "author")),
    # -- interpretations
    ("Putin's proposal might be aimed at placing the territorial issue on the back burner.", "Putin", ("interpretation", True, "low", "author")),
    ("The naval exercise is a signal of Beijing's growing confidence.", "The naval", ("interpretation", False, "high", "author")),
    ("Ankara seeks to play Moscow and Washington against each other.", "Ankara", ("interpretation", False, "high", "author")),
    ("In essence, the summit was an attempt to reassure domestic audiences.", "In essence", ("interpretation", False, "high", "author")),
    ("Beijing appears to be trying to split the alliance.", "Beijing", ("interpretation", True, "medium", "author")),
    ("Russia has no intention of returning the islands.", "Russia", ("interpretation", False, "high", "author")),
    # -- attribution: quotation with the attribution after it, before it, over two sentences
    (
        "‘The two countries need to seize this window of opportunity’, said former Ambassador to Japan Alexander Panov in an interview.",
        "‘The two",
        ("recommendation", False, "high", "Alexander Panov"),
    ),
    ("“The sanctions are a costly failure,” the minister said.", "“The sanctions", ("evaluation", False, "high", "minister")),
    ("Panov said: “Japan should be patient with Moscow.”", "Panov said", ("recommendation", False, "high", "Panov")),
    (
        "“We will not bargain over sovereignty. Any deal must respect the 1956 declaration,” said Foreign Minister Taro Kono.",
        "“We will",
        ("prediction", False, "high", "Taro Kono"),
    ),
    (
        "“We will not bargain over sovereignty. Any deal must respect the 1956 declaration,” said Foreign Minister Taro Kono.",
        "Any deal",
        ("recommendation", False, "high", "Taro Kono"),
    ),
    # -- attribution: reported speech
    ("Panov argued that the Japanese strategy was unrealistic.", "Panov", ("evaluation", False, "high", "Panov")),
    ("According to the Levada Center, most Russians oppose any territorial concession and will continue to do so.", "According", ("prediction", False, "high", "Levada Center")),
    ("The talks will resume in March, according to Russian media sources.", "The talks", ("prediction", False, "high", "Russian media sources")),
    ("If current Japanese officials are to be believed, a compromise deal is within reach.", "If current", ("evaluation", False, "high", "Japanese officials")),
    ("A 2019 survey by the Pew Research Center found that most Germans considered China a serious threat.", "A 2019", ("evaluation", False, "high", "Pew Research Center")),
    # -- one sentence, two speakers: the clause after ", but" is the author's
    ("Panov said the talks would fail, but a compromise will probably emerge by the spring.", "Panov said", ("prediction", False, "high", "Panov")),
    ("Panov said the talks would fail, but a compromise will probably emerge by the spring.", "but a compromise", ("prediction", True, "medium", "author")),
    # -- not claims: background facts, events, schedules, headings, lead-ins, questions, boilerplate
    ("In 1956, Japan and the Soviet Union issued a joint declaration.", "In 1956", None),
    ("Foreign Minister Kono visited Moscow in March 2018.", "Foreign Minister", None),
    ("The president is scheduled to visit Tokyo in December.", "The president", None),
    ("The summit took place in Helsinki in July.", "The summit", None),
    ("Will Tokyo ever recover the islands?", "Will Tokyo", None),
    ("Strategic Environment\n\nThe alliance is weaker than it looks.", "Strategic Environment", None),
    ("Defence objectives include:\n\nDeterring aggression against allies;", "Defence objectives", None),
    ("Image credit: Kremlin press service.\n\nThe alliance is weaker than it looks.", "Image credit", None),
]


@pytest.mark.parametrize("text, prefix, expected", CASES, ids=[f"{i:02d}-{c[1][:14]}" for i, c in enumerate(CASES)])
def test_claim_type_hedge_certainty_speaker(nlp, text, prefix, expected):
    span = claim_at(nlp, text, prefix)
    if expected is None:
        assert span is None, f"not a claim, got {span._.claim if span is not None else None}"
        return
    assert span is not None, "expected a claim"
    got = span._.claim
    assert (got["type"], got["hedged"], got["certainty"], got["speaker"]) == expected
    assert span.label_ == got["type"]


@pytest.mark.parametrize(
    "text, prefix, negated",
    [
        ("The sanctions did not weaken Moscow's resolve.", "The sanctions", True),
        ("It is virtually inconceivable that the Kremlin will return the islands.", "It is", True),
        ("The chances of a comprehensive settlement this year are zero.", "The chances", True),
        ("Moscow is unlikely to abandon its claims in the Arctic.", "Moscow", True),
        ("Tokyo is not only investing too much, it also expects too much.", "Tokyo", False),
        ("There is no doubt that the embargo hurts Europe more than Russia.", "There is", False),
        ("Tokyo will be disappointed by the outcome of the summit.", "Tokyo", False),
    ],
)
def test_negation(nlp, text, prefix, negated):
    span = claim_at(nlp, text, prefix)
    assert span is not None
    assert span._.claim["negated"] is negated


@pytest.mark.parametrize(
    "text, prefix, cue, quote",
    [
        ("‘The islands are ours’, said the former ambassador.", "‘The", "said", "direct"),
        ("Panov argued that the Japanese strategy was unrealistic.", "Panov", "argued", "indirect"),
        ("The talks will resume in March, according to Russian media sources.", "The talks", "according to", "indirect"),
        ("Tokyo will be disappointed by the outcome of the summit.", "Tokyo", None, None),
    ],
)
def test_attribution_cue_and_quote_kind(nlp, text, prefix, cue, quote):
    data = claim_at(nlp, text, prefix)._.claim
    assert data["attribution_cue"] == cue
    assert data["quote"] == quote


def test_clause_split_offsets(nlp):
    text = "Panov said the talks would fail, but a compromise will probably emerge by the spring."
    got = claims_of(nlp, text)
    assert [t for t, _ in got] == [
        "Panov said the talks would fail",
        "but a compromise will probably emerge by the spring.",
    ]
    assert [d["speaker"] for _, d in got] == ["Panov", "author"]


def test_multi_paragraph_quote_keeps_speaker(nlp):
    text = (
        "The minister was blunt. As Foreign Minister Taro Kono put it:\n\n"
        "“Japan will not trade sovereignty for investment. The islands are not for sale.”\n\n"
        "Moscow has not replied."
    )
    doc = nlp(text)
    got = {s.text: s._.claim["speaker"] for s in doc.spans[SPANS_CLAIMS]}
    assert got["“Japan will not trade sovereignty for investment."] == "Taro Kono"
    assert got["The islands are not for sale.”"] == "Taro Kono"


def test_pronoun_speaker_resolves_to_last_named_speaker(nlp):
    text = (
        "“Sanctions alone will not end the war,” the former ambassador Alexander Panov said. "
        "He argued that Europe should open a channel to Moscow."
    )
    span = claim_at(nlp, text, "He argued")
    assert span._.claim["speaker"] == "Alexander Panov"
    assert span._.claim["type"] == "recommendation"


@pytest.mark.parametrize(
    "text, prefix, speaker",
    [
        ("Sputnik quoted an expert, Kristina Voda, who argued that the paper was an attempt to reassure Beijing.", "Sputnik", "Kristina Voda"),
        ("Analysts who believe that sanctions work are mistaken.", "Analysts", "author"),
        ("As Volker Hauck and Sophie Desmidt note, the initiative is badly underfunded.", "As Volker", "Volker Hauck and Sophie Desmidt"),
        ("Nothing he would do, Kennedy emphasized, would endanger the allies.", "Nothing", "Kennedy"),
        ("The government should stress that the deal is fair.", "The government", "author"),
        ("A 2019 study by the Stockholm International Peace Research Institute (SIPRI) shows that exports fell sharply.", "A 2019", "Stockholm International Peace Research Institute"),
    ],
)
def test_speaker_rules(nlp, text, prefix, speaker):
    assert claim_at(nlp, text, prefix)._.claim["speaker"] == speaker


def test_scare_quotes_do_not_change_speaker_or_type(nlp):
    span = claim_at(nlp, "The so-called ‘charm offensive’ has failed to move Moscow.", "The so-called")
    assert span._.claim["speaker"] == "author"
    assert span._.claim["quote"] is None
    assert span._.claim["type"] == "evaluation"


def test_cues_explain_the_decision(nlp):
    text = "Putin's proposal might be aimed at placing the territorial issue on the back burner."
    span = claim_at(nlp, text, "Putin")
    cues = {(c[2], c[3]) for c in span._.claim["cues"]}
    assert ("hedge", "might") in cues
    assert ("interpretation", "aimed at") in cues
    for start, end, _role, cue_text in span._.claim["cues"]:
        assert text[start:end] == cue_text


def test_chances_are_zero_cue_span(nlp):
    text = "The Russians are happy to let Japan speculate, but the chances of any substantial deal are zero."
    doc = nlp(text)
    cues = [c for s in doc.spans[SPANS_CLAIMS] for c in s._.claim["cues"] if c[2] == "booster"]
    assert [c[3] for c in cues] == ["the chances of any substantial deal are zero"]


def test_would_in_conditional_is_not_a_hedge(nlp):
    span = claim_at(nlp, "If Putin intended to compromise, he would have prepared Russian public opinion.", "If Putin")
    assert span is not None
    assert span._.claim["hedged"] is False


def test_fronted_concessive_hedge_does_not_hedge_main_claim(nlp):
    span = claim_at(nlp, "Although relations may have warmed somewhat, Japan has failed to win any concession.", "Although")
    assert span._.claim["hedged"] is False
    assert span._.claim["type"] == "evaluation"


def test_will_as_noun_is_not_a_prediction(nlp):
    span = claim_at(nlp, "The political will in Berlin is simply lacking.", "The political")
    assert span is not None and span._.claim["type"] == "evaluation"


@pytest.mark.parametrize("text, prefix, is_claim", [
    # an author bio inside the body is background, not a claim ...
    ("Maria Lopez is a senior fellow at the Atlantic Institute.", "Maria", False),
    ("She is a professor of politics at Lund University.", "She", False),
    # ... but only a capitalised name opens a bio (the frame is matched case-insensitively: its
    # name part must not be, or any sentence with a role noun read as a bio)
    ("This approach was the founder's worst mistake, and it will cost Moscow dearly.", "This", True),
])
def test_bio_frame_needs_a_name(nlp, text, prefix, is_claim):
    assert (claim_at(nlp, text, prefix) is not None) is is_claim


def test_boilerplate_spans_never_yield_claims(nlp):
    doc = nlp.make_doc("Japan will surely be disappointed. Tokyo should act now.")
    for name, proc in nlp.pipeline:
        if name == "claims_claims":
            ensure_extensions()
            doc.spans["boilerplate"] = [Span(doc, 0, 6, label="caption")]
        doc = proc(doc)
    assert [s.text for s in doc.spans[SPANS_CLAIMS]] == ["Tokyo should act now."]


# --- records, offsets, schema, evidence/about links ------------------------------------------------------

ARTICLE = (
    "Russia and Japan: Wrong Premise\n\n"
    "Japan is putting too much faith in its ability to woo Russia. Tokyo will be disappointed.\n\n"
    "In 1956, the two countries issued a joint declaration.\n\n"
    "According to a 2016 poll by the Levada Center, 78% of Russians opposed a transfer. "
    "Public opinion therefore constrains the Kremlin.\n\n"
    "‘The two countries need to take advantage of this window’, said former Ambassador Alexander Panov."
)


def _annotated_article(nlp) -> Doc:
    """The article with hand-made entity, figure and date spans (as the other stages would add)."""
    ensure_extensions()
    doc = nlp.make_doc(ARTICLE)
    procs = dict(nlp.pipeline)
    for name, proc in nlp.pipeline:
        if name == "claims_claims":
            break
        doc = proc(doc)

    def char_span(text: str, label: str, nth: int = 0) -> Span:
        start = -1
        for _ in range(nth + 1):
            start = ARTICLE.index(text, start + 1)
        return doc.char_span(start, start + len(text), label=label)

    ents = [
        char_span("Japan", "GPE", 1), char_span("Russia", "GPE", 1), char_span("Tokyo", "GPE"),
        char_span("Levada Center", "ORG"), char_span("Kremlin", "ORG"), char_span("Alexander Panov", "PERSON"),
    ]
    doc.spans[SPANS_ENTITIES] = ents
    doc.ents = ents
    doc.spans[SPANS_FIGURES] = [char_span("78%", "PERCENT")]
    doc.spans[SPANS_DATES] = [char_span("1956", "DATE"), char_span("2016", "DATE")]
    return procs["claims_claims"](doc)


def _records(doc: Doc) -> list[dict]:
    kinds = {k: list(doc.spans[k]) for k in (SPANS_ENTITIES, SPANS_FIGURES, SPANS_DATES, SPANS_CLAIMS)}
    ctx = build_context(doc, "doc-1", kinds)
    return C.build_records(doc, ctx), ctx


def test_records_offsets_cues_and_schema(nlp):
    doc = _annotated_article(nlp)
    records, _ = _records(doc)
    assert records, "expected claim records"
    for r in records:
        assert ARTICLE[r["start_char"]:r["end_char"]] == r["text"]
        for cue in r["cues"]:
            assert ARTICLE[cue["start_char"]:cue["end_char"]] == cue["text"]
        jsonschema.validate(r, SCHEMA)
    texts = [r["text"] for r in records]
    assert "Russia and Japan: Wrong Premise" not in texts
    assert not any(t.startswith("In 1956") for t in texts)


def test_records_link_speaker_about_and_evidence(nlp):
    doc = _annotated_article(nlp)
    records, ctx = _records(doc)
    by_prefix = {r["text"][:12]: r for r in records}
    panov = by_prefix["‘The two cou"]
    assert panov["speaker"] == "Alexander Panov"
    assert panov["speaker_entity"] == ctx.id_of(SPANS_ENTITIES, doc.spans[SPANS_ENTITIES][5])
    poll = by_prefix["According to"]
    assert poll["speaker"] == "Levada Center"
    fig_id = ctx.id_of(SPANS_FIGURES, doc.spans[SPANS_FIGURES][0])
    date_2016 = ctx.id_of(SPANS_DATES, doc.spans[SPANS_DATES][1])
    assert fig_id in poll["evidence"] and date_2016 in poll["evidence"]
    # the conclusion right after the poll rests on the poll's figure
    conclusion = by_prefix["Public opinio"[:12]]
    assert conclusion["type"] == "causal"
    assert fig_id in conclusion["evidence"]
    faith = by_prefix["Japan is put"]
    assert faith["about"] == [ctx.id_of(SPANS_ENTITIES, doc.spans[SPANS_ENTITIES][0]), ctx.id_of(SPANS_ENTITIES, doc.spans[SPANS_ENTITIES][1])]


def _plain(value):
    """msgpack hands lists back as tuples: compare as JSON would."""
    return json.loads(json.dumps(value))


def test_docbin_round_trip(nlp):
    doc = _annotated_article(nlp)
    before = [(s.start_char, s.end_char, s.label_, _plain(s._.claim)) for s in doc.spans[SPANS_CLAIMS]]
    assert len(before) >= 4
    data = DocBin(docs=[doc], store_user_data=True).to_bytes()
    restored = list(DocBin(store_user_data=True).from_bytes(data).get_docs(nlp.vocab))[0]
    after = [(s.start_char, s.end_char, s.label_, _plain(s._.claim)) for s in restored.spans[SPANS_CLAIMS]]
    assert after == before
    # records built from the restored Doc equal those built from the original
    assert _records(restored)[0] == _records(doc)[0]


def test_to_disk_from_disk_round_trip(nlp, tmp_path):
    text = "Beijing is likely to respond with economic pressure. We recommend that NATO act now."
    expected = [(t, d["type"]) for t, d in claims_of(nlp, text)]
    assert expected
    nlp.to_disk(tmp_path / "model")
    loaded = spacy.load(tmp_path / "model")
    assert [(t, d["type"]) for t, d in claims_of(loaded, text)] == expected
    assert (tmp_path / "model" / "claims_claims" / "claims_rules.json").is_file()


def test_works_with_plain_sentencizer_and_empty_docs():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("claims_claims")
    nlp.initialize()
    assert claims_of(nlp, "") == []
    got = claims_of(nlp, "Japan should act. In 1956 a declaration was issued.")
    assert [(t, d["type"]) for t, d in got] == [("Japan should act.", "recommendation")]


def test_analyze_pipes_has_no_problems(nlp):
    assert nlp.analyze_pipes()["problems"]["claims_claims"] == []


# --- pure functions ------------------------------------------------------------------------------------


def test_expand_cue():
    assert C.expand_cue("{is,are} {set,due} to") == ["is set to", "is due to", "are set to", "are due to"]
    assert C.expand_cue("according to") == ["according to"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("‘We will act’, he said.", [("‘We will act’", True, 3)]),
        ("Abe’s ‘charm offensive’ failed.", [("‘charm offensive’", True, 2)]),
        ("“One. Two three four.\nNext", [("“One. Two three four.", False, 4)]),
        ('He said "no deal" and left.', [('"no deal"', True, 2)]),
        ("The countries’ ties are close.", []),
    ],
)
def test_find_quotes(text, expected):
    got = [(text[q.start:q.end], q.closed, q.words) for q in C.find_quotes(text)]
    assert got == expected


@pytest.mark.parametrize(
    "phrase, expected",
    [
        ("current Russian media sources", "Russian media sources"),
        ("former Russian Ambassador to Japan Alexander Panov", "Alexander Panov"),
        ("a 2016 poll by the Levada Center", "Levada Center"),
        ("the Kremlin's", "Kremlin"),
        ("Russian Economic Development Minister Alexei Ulyukayev", "Alexei Ulyukayev"),
        ("many Western analysts", "Western analysts"),
    ],
)
def test_normalize_speaker(nlp, phrase, expected):
    doc = nlp.make_doc(phrase)
    text, start, end = C.normalize_speaker(list(doc), nlp.get_pipe("claims_claims").rules)
    assert text == expected
    assert phrase[start:end] == expected


def test_normalize_certainty_takes_lowest_hedge():
    def cue(family, certainty, polarity="pos"):
        return C.Cue(0, 1, 0, 1, C.CueRow("modality", "x", 1.0, frozenset(), family, certainty, polarity))

    assert C.normalize_certainty([]) == (False, "high", False)
    assert C.normalize_certainty([cue("booster", "high")]) == (False, "high", False)
    assert C.normalize_certainty([cue("adverb", "medium"), cue("modal", "low")]) == (True, "low", False)
    assert C.normalize_certainty([cue("adjective", "medium", "neg")]) == (True, "medium", True)


def test_interpolate():
    points = [(0.0, 0.1), (0.5, 0.5), (1.0, 0.9)]
    assert C.interpolate(points, 0.25) == pytest.approx(0.3)
    assert C.interpolate(points, -1) == 0.1 and C.interpolate(points, 2) == 0.9


def test_calibrate_writes_monotone_table(tmp_path):
    current = [(0.0, 0.0), (1.0, 1.0)]
    gold = [{"doc_id": "d", "start_char": i * 10, "end_char": i * 10 + 8, "type": "evaluation"} for i in range(0, 20, 2)]
    preds = [
        {"doc_id": "d", "start_char": i * 10, "end_char": i * 10 + 8, "type": "evaluation", "score": 0.5 + i / 50}
        for i in range(20)
    ]
    out = tmp_path / "calibration.tsv"
    rows = C.calibrate(preds, gold, bins=4, current=current, path=out)
    values = [r["calibrated"] for r in rows]
    assert values == sorted(values)
    assert rows[0]["raw"] == 0.0 and rows[-1]["raw"] == 1.0
    assert sum(r["n"] for r in rows) == 20
    lines = [line for line in out.read_text().splitlines() if line and not line.startswith("#")]
    assert lines[0] == "raw\tcalibrated\tn"
    # the written table loads through the validating loader
    root = tmp_path / "res"
    shutil.copytree(PACKAGE_ROOT / "claims", root / "claims")
    shutil.copy(out, root / "claims" / "calibration.tsv")
    assert C.load_tables(root)["calibration"]


def test_every_packaged_table_loads_and_compiles(nlp):
    tables = C.load_tables()
    assert set(tables) == set(C.TABLE_SPECS)
    rules = C.ClaimRules(nlp, tables)
    assert rules.frames and rules.rows_by_key


def test_bad_table_row_fails_loudly(tmp_path):
    root = tmp_path / "res"
    shutil.copytree(PACKAGE_ROOT / "claims", root / "claims")
    path = root / "claims" / "modality.tsv"
    path.write_text(path.read_text(encoding="utf-8") + "maybe\tadverb\tsomewhat\tpos\t1.0\n", encoding="utf-8")
    with pytest.raises(ResourceError, match="certainty"):
        C.load_tables(root)


def test_fast_body_sentences_match_segment_body_sentences(nlp):
    doc = nlp("Title line\n\nImage credit: someone.\n\nJapan will act. Russia will not.\n\nView profile")
    tt = C.TokenTable(doc)
    assert tt.text == doc.text
    assert [(s.start, s.end) for s in C.body_sentence_refs(doc, tt)] == [(s.start, s.end) for s in body_sentences(doc)]
