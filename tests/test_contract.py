"""The record contract agrees with the JSON Schemas it names, and is what the review page receives."""
from __future__ import annotations

import json
import re

import pytest

from pipeline import contract
from pipeline.contract import KINDS, REVIEWABLE_KINDS, SENTENCE_FIELD, SPAN_FIELDS
from pipeline.records import stable_id


@pytest.mark.parametrize("name", [*contract.OUTPUT_KINDS, contract.ERRORS_KIND])
def test_every_kind_ships_a_schema(name):
    schema = contract.load_schema(name)
    assert schema["properties"] and set(schema["required"]) <= set(schema["properties"])


@pytest.mark.parametrize("kind", [k for k in KINDS if k.id_prefix], ids=lambda k: k.name)
def test_span_kinds_start_with_the_span_fields_and_ids_match_the_schema(kind):
    props = list(kind.schema()["properties"])
    if kind.name == "sentences":
        assert [p for p in props if p in SPAN_FIELDS] == list(SPAN_FIELDS)
    else:
        assert props[: len(SPAN_FIELDS)] == list(SPAN_FIELDS) and props[-1] == SENTENCE_FIELD
    record_id = stable_id(kind.name, "doc", "some text", 0)
    assert re.fullmatch(kind.schema()["properties"]["id"]["pattern"], record_id)
    assert re.fullmatch(contract.id_pattern(), record_id)


@pytest.mark.parametrize("kind", [k for k in KINDS if k.reviewable], ids=lambda k: k.name)
def test_review_fields_exist_and_choices_are_closed(kind):
    props = kind.schema()["properties"]
    assert kind.label_field in props and (kind.score_field is None or kind.score_field in props)
    assert set(kind.detail_fields) == set(props) - {*SPAN_FIELDS, SENTENCE_FIELD}
    for field in kind.editable:
        assert field.name in props, field.name
        if field.input == "choice":  # the page offers exactly the schema's values
            assert contract.allowed_values(kind.name, field.name), field.name


def test_review_order_and_stage_kinds():
    assert REVIEWABLE_KINDS == ("claims", "figures", "dates", "entities")
    assert set(REVIEWABLE_KINDS) == {k.name for k in KINDS if k.reviewable} == set(contract.STAGE_KINDS)
    assert contract.RECORD_KINDS == ("sentences", "entities", "dates", "figures", "claims")
    assert contract.OUTPUT_KINDS == ("documents", *contract.RECORD_KINDS)


def test_as_json_is_plain_json():
    data = json.loads(json.dumps(contract.as_json()))
    claims = next(k for k in data["kinds"] if k["name"] == "claims")
    assert claims["editable"][0] == {"name": "type", "input": "choice", "nullable": False,
                                     "allowed": ["prediction", "evaluation", "causal", "recommendation", "interpretation"]}
    assert data["review_order"] == list(REVIEWABLE_KINDS)
