"""Hedging and attribution as CONVENTIONS.md lists them: every listed hedge makes a claim hedged,
the listed non-hedges do not, and reporting verbs with organisation, document, collective and
pronoun subjects give the claim to that source. Every sentence is invented for these tests."""
from __future__ import annotations

import pytest

from .helpers import claim_at


@pytest.fixture(scope="module")
def nlp():
    """The default pipeline (entities name the sources) with the rules deciding alone and every
    candidate kept: these tests check the analysis the classifier builds on, not its decision."""
    from pipeline.run import build_nlp

    return build_nlp(overrides={"components.claims.use_model": False, "components.claims.min_score": 0.0})


HEDGED = [
    # (sentence, the hedge cue shown to the reviewer)
    ("The embargo may unravel before the summer.", "may"),
    ("The coalition might split over the budget.", "might"),
    ("The blockade could trigger a wider war.", "could"),
    ("The talks are likely to stall again.", "likely"),
    ("A deal this year is unlikely.", "unlikely"),
    ("The ministry will probably delay the tender.", "probably"),
    ("Perhaps the junta misjudged the mood in the capital.", "Perhaps"),
    ("The reforms will possibly stall in the senate.", "possibly"),
    ("The cabinet seems divided on the tariffs.", "seems"),
    ("The navy appears to have overstretched its crews.", "appears to"),
    ("The regime is apparently losing its grip on the provinces.", "apparently"),
    ("The data suggests that the sanctions are biting.", "suggests that"),
    ("The militia reportedly controls the border crossings.", "reportedly"),
    ("The governor allegedly diverted the reconstruction funds.", "allegedly"),
    ("The economy is expected to shrink next year.", "is expected to"),
    ("Assuming that the ceasefire holds, exports will recover by spring.", "Assuming that"),
    ("The new drones are potentially decisive in the mountains.", "potentially"),
    ("Arguably, the alliance has never been weaker.", "Arguably"),
    ("The strike was almost certainly ordered from the capital.", "almost certainly"),
    ("Ideally, the two agencies would share their threat assessments.", "Ideally"),
    ("The new depot should be complete by spring.", "should be complete by"),
    ("This should allow the fleet to stay at sea for longer.", "This should allow"),
    ("It is unclear whether the junta can pay its soldiers.", "unclear"),
]


@pytest.mark.parametrize("text, cue", HEDGED, ids=[c for _, c in HEDGED])
def test_listed_hedges_hedge_the_claim(nlp, text, cue):
    span = claim_at(nlp, text, text[:12])
    assert span is not None, "expected a claim"
    data = span._.claim
    assert data["hedged"] is True
    assert data["certainty"] in ("medium", "low")
    shown = [c[3] for c in data["cues"] if c[2] == "hedge"]
    assert cue in shown


NOT_HEDGED = [
    # (sentence, why it is not hedged)
    ("The deal would collapse without Ankara's support.", "would: a conditional projection"),
    ("Without the subsidy the plant would close within a year.", "would: counterfactual"),
    ("Sanctions have had relatively little effect on the regime's behaviour.", "relatively"),
    ("The shortfall is partly the result of poor planning.", "partly"),
    ("The crisis was in part caused by the drought.", "in part"),
    ("Potential buyers of the frigates are wary of the price.", "attributive potential"),
    ("About a third of the budget is wasted on overheads.", "approximator"),
    ("Brussels must impose tariffs on the imports.", "deontic must"),
    ("Brussels should impose tariffs on the imports.", "deontic should"),
    ("The navy tends to overstate its readiness.", "tends to: a generalisation"),
]


@pytest.mark.parametrize("text, why", NOT_HEDGED, ids=[w for _, w in NOT_HEDGED])
def test_listed_non_hedges_do_not_hedge(nlp, text, why):
    span = claim_at(nlp, text, text[:12])
    assert span is not None, "expected a claim"
    data = span._.claim
    assert data["hedged"] is False, why
    assert data["certainty"] == "high"
    assert not [c for c in data["cues"] if c[2] == "hedge"]


SPEAKERS = [
    # (text, prefix of the claim, speaker, attribution cue)
    ("The Defence Ministry warned that the reforms are badly underfunded.", "The Defence", "Defence Ministry", "warned"),
    # (the year opens the document's official title: the entity, and so the speaker, is "2031 Strategic Review")
    ("The 2031 Strategic Review concluded that the navy is badly overstretched.", "The 2031", "2031 Strategic Review", "concluded"),
    ("The review concluded that the fleet is far too small.", "The review", "review", "concluded"),
    ("The panel cautioned that the plan is unaffordable.", "The panel", "panel", "cautioned"),
    ("Bankers estimate that the fund has lost a third of its value.", "Bankers", "Bankers", "estimate"),
    ("EU diplomats argue that the sanctions are working.", "EU diplomats", "EU diplomats", "argue"),
    ("Moscow insists that the exercises are purely defensive.", "Moscow", "Moscow", "insists"),
    # a pronoun takes the last person named, never a group named before it
    ("Elena Varga spoke after the vote. She said the reform was doomed from the start.", "She said", "Elena Varga", "said"),
    ("EU diplomats met on Monday. She said the reform was doomed from the start.", "She said", "unknown", "said"),
]


@pytest.mark.parametrize("text, prefix, speaker, cue", SPEAKERS, ids=[s[2] + "-" + s[3] for s in SPEAKERS])
def test_reporting_verbs_give_the_claim_to_their_source(nlp, text, prefix, speaker, cue):
    span = claim_at(nlp, text, prefix)
    assert span is not None, "expected a claim"
    data = span._.claim
    assert (data["speaker"], data["attribution_cue"]) == (speaker, cue)


def test_survey_as_evidence_stays_with_the_author(nlp):
    span = claim_at(nlp, "The survey shows that support for the war is waning.", "The survey")
    assert span is not None
    assert span._.claim["speaker"] == "author"


def test_quoted_run_keeps_its_speaker(nlp):
    text = ('"The plan is reckless," said Elena Varga, a former minister. '
            '"It will leave the border exposed. Nobody in the capital wants to admit it."')
    for prefix in ('"The plan', "It will leave", "Nobody in"):
        span = claim_at(nlp, text, prefix)
        assert span is not None, prefix
        assert (span._.claim["speaker"], span._.claim["quote"]) == ("Elena Varga", "direct"), prefix
