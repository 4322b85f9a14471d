"""Scanning the inputs and reading them again."""
from __future__ import annotations

import json

from pipeline.run import inputs


def test_jsonl_file_parsed_once_per_shard(tmp_path, monkeypatch):
    lines = [json.dumps({"id": f"n{i}", "text": f"Article {i} says the border stays closed."}) for i in range(5)]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    calls = []
    real = inputs.load_articles
    monkeypatch.setattr(inputs, "load_articles", lambda *a, **k: (calls.append(a[0]), real(*a, **k))[1])
    found = inputs.scan_inputs([tmp_path], report=lambda e: None)
    calls.clear()
    arts = list(inputs.iter_articles([found[d] for d in sorted(found)], published=None, max_bytes=10**6))
    assert [a.doc_id for a in arts] == ["n0", "n1", "n2", "n3", "n4"] and len(calls) == 1
