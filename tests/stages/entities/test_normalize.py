"""Canonical names: surface names normalized, and their gazetteer readings."""
from __future__ import annotations

import pytest

from pipeline.stages import entities as E


@pytest.mark.parametrize(
    "text, expected",
    [
        ("the Kuril Islands", "Kuril Islands"),
        ("Shinzo Abe’s", "Shinzo Abe"),
        ("  Vladimir   Putin ", "Vladimir Putin"),
    ],
)
def test_normalize_name(text, expected):
    assert E.normalize_name(text) == expected


def test_normalize_entity(entities_nlp):
    gaz = entities_nlp.get_pipe("claims_entities").gazetteer
    assert E.normalize_entity("Kunashiri", gaz) == {"label": "LOC", "canonical": "Kunashir", "kb_id": "slug:kunashir", "actor": None}
    assert E.normalize_entity("Atlantis", gaz) is None
