"""The entity stage's rule data: every packaged entry valid, malformed rows fail loudly."""
from __future__ import annotations

import pytest

from pipeline.resources import ResourceError, load_table
from pipeline.stages import entities as E
from pipeline.stages.entities.resources import LEXICON_TABLES


def test_every_packaged_entry_is_valid():
    entries = E.load_entries()
    assert len(entries) > 2500
    labels = {e["label"] for e in entries}
    assert labels == set(E.LABELS)
    aliases = [a for e in entries for a in e["aliases"] + e["short"]]
    assert len(aliases) == len(set(aliases)), "an alias must belong to one entity"


def test_malformed_resource_fails_loudly(tmp_path):
    folder = tmp_path / "entities"
    folder.mkdir()
    (folder / "geo.jsonl").write_text('{"label": "GPE", "canonical": "X", "kb_id": "Q1", "aliases": ["X"]}\n')
    header = "label\tcanonical\tkb_id\taliases\tactor\tshort\tflags\tcountry\n"
    for name in E.GAZETTEER_FILES:
        (folder / name).write_text(header)
    (folder / "places.tsv").write_text(header + "GPE\tNowhere\tnot-an-id\tNowhere\t\t\t\t\n")
    with pytest.raises(ResourceError, match="kb_id"):
        E.load_entries(tmp_path)


def test_rule_words_by_role():
    lexicons = E.load_lexicons()
    assert {"of", "and", "&"} <= set(lexicons["connectors"])
    assert "von" in lexicons["name_particles"] and "said" in lexicons["reporting_verbs"]
    assert "who" in lexicons["apposition_openers"] and "former" in lexicons["title_premodifiers"]


def test_rule_word_with_an_unknown_role_fails_with_file_and_line(tmp_path):
    folder = tmp_path / "entities"
    folder.mkdir()
    (folder / "rule_words.tsv").write_text("# c\nword\trole\nof\tconnector\nsaid\treporting\n", encoding="utf-8")
    with pytest.raises(ResourceError, match=r"rule_words.tsv:4: role='reporting'"):
        load_table(LEXICON_TABLES["rule_words"], root=tmp_path)
