"""Claims analysis through the pipeline: detection, type, hedging, certainty, negation, speaker,
clause splits and cues; and the per-candidate features the analysis is made of.

Every sentence here was written for these tests in the style of foreign-policy commentary
(no text is copied from the corpus). The pipeline is blank English + the segmenter + the claims
stage, so results do not depend on the entity/date/figure stages.
"""
from __future__ import annotations

import pytest
from spacy.tokens import Span

from pipeline.extensions import SPANS_CLAIMS, ensure_extensions
from pipeline.stages import claims as C
from pipeline.stages.claims import analysis

from .helpers import annotated_article, claim_at, claims_of, claims_pipeline


@pytest.fixture(scope="module")
def nlp():
    return claims_pipeline()


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
    ("The agreement is somewhat vague on verification.", "The agreement", ("evaluation", False, "high", "author")),
    ("Perhaps the most important lesson is that deterrence works.", "Perhaps", ("evaluation", True, "low", "author")),
    ("Russia clearly has the upper hand in the negotiations.", "Russia", ("evaluation", False, "high", "author")),
    ("I believe the sanctions have failed to change the Kremlin's behaviour.", "I believe", ("evaluation", False, "high", "author")),  # a stance: not in CONVENTIONS' hedge list
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


# --- the analysis as functions: features per candidate, no hidden state ----------------------------

FEATURE_TEXT = (
    "“Sanctions alone will not end the war,” the former ambassador Alexander Panov said. "
    "He argued that Europe should open a channel to Moscow. In 1956, Japan and the Soviet Union issued a declaration.\n\n"
    "Panov said the talks would fail, but a compromise will probably emerge by the spring. Will Tokyo ever recover the islands?"
)


def test_claims_are_the_features_that_score_high_enough(nlp):
    rules = nlp.get_pipe("claims_claims").rules
    doc = nlp(FEATURE_TEXT)
    features = C.claim_features(doc, rules)
    claims = C.find_claims(doc, rules, min_score=0.5)
    kept = [f for f in features if f.raw >= 0.5]
    assert len(kept) < len(features)  # the narrated past and the question score below 0.5
    assert [(c.span.start, c.span.end) for c in claims] == [(f.start, f.end) for f in kept]
    for cand, f in zip(claims, kept):
        assert cand.data["type"] == f.type == max(f.strengths, key=f.strengths.get, default="evaluation")
        assert (cand.data["speaker"], cand.data["hedged"], cand.data["certainty"]) == (f.speaker, f.hedged, f.certainty)
        assert cand.data["raw_score"] == round(f.raw, 4)
        assert all(f.start <= c.start < f.end for c in f.cues)
    assert {f.speaker for f in features} >= {"Alexander Panov", "Panov", "author"}


def test_analysis_leaves_no_state_behind(nlp):
    """The same Doc analysed twice, and a unit analysed twice from the same memory, give the same."""
    rules = nlp.get_pipe("claims_claims").rules
    doc = nlp(FEATURE_TEXT)
    first = [(c.span.start, c.span.end, c.data) for c in C.find_claims(doc, rules)]
    assert [(c.span.start, c.span.end, c.data) for c in C.find_claims(doc, rules)] == first
    ctx, _ = analysis.analyze_doc(doc, rules, split_clauses=True, max_tokens=200)
    memory = analysis.Memory(last_speaker=("Alexander Panov", (0, 1), None))
    for si, start, end in analysis.units(ctx):
        unit = analysis.open_unit(ctx, si, start, end, 200)
        if unit is not None:
            once = analysis.analyze_unit(ctx, unit, memory, split_clauses=True)
            assert analysis.analyze_unit(ctx, unit, memory, split_clauses=True) == once
    # "He argued" resolves through the memory it is given, not through what ran before
    unit = next(u for u in (analysis.open_unit(ctx, *x, 200) for x in analysis.units(ctx)) if u is not None and u.text.startswith("He argued"))
    assert not ctx.ents  # (no entity stage: "he" can only resolve to the remembered speaker)
    (f,), _ = analysis.analyze_unit(ctx, unit, analysis.Memory(), split_clauses=True)
    assert f.speaker == "unknown"
    (g,), after = analysis.analyze_unit(ctx, unit, memory, split_clauses=True)
    assert g.speaker == "Alexander Panov" and after.last_speaker == memory.last_speaker
