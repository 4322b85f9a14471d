"""Planning: batches capped by documents and characters, contiguous shards cut between batches."""
from __future__ import annotations

import pytest

from pipeline.run import DocRef, make_batches, plan_shards, shard_count


def refs(sizes):
    return [DocRef(f"d{i:03d}", f"/x/d{i}.txt", f"d{i}.txt", f"d{i}", None, "0" * 64, n) for i, n in enumerate(sizes)]


@pytest.mark.parametrize("sizes, n_shards, batch_size, expected", [
    ([100] * 8, 4, 1, [2, 2, 2, 2]),
    ([100] * 8, 4, 2, [2, 2, 2, 2]),
    ([100] * 8, 3, 4, [4, 4]),                # cuts only between batches: 2 batches, 2 shards
    ([800, 100, 100, 100, 100, 100, 100, 100], 2, 1, [1, 7]),  # balanced by text size, not by count
    ([5], 4, 16, [1]),
    ([], 4, 16, []),
])
def test_plan_shards_contiguous_balanced_on_batch_boundaries(sizes, n_shards, batch_size, expected):
    items = refs(sizes)
    shards = plan_shards(items, n_shards, batch_size=batch_size)
    assert [len(s) for s in shards] == expected
    assert [r for s in shards for r in s] == items  # contiguous: concatenation gives the sorted list back
    for shard in shards[:-1]:
        assert len(shard) % batch_size == 0


@pytest.mark.parametrize("sizes, batch_size, max_chars, expected", [
    ([100] * 5, 2, 10_000, [[100, 100], [100, 100], [100]]),
    ([100, 100, 100, 500, 100, 100], 4, 250, [[100, 100], [100], [500], [100, 100]]),  # a long document is a batch alone
])
def test_make_batches_caps_documents_and_characters(sizes, batch_size, max_chars, expected):
    assert [[r.n_chars for r in b] for b in make_batches(refs(sizes), batch_size, max_chars)] == expected


def test_shard_count():
    assert shard_count(refs([100] * 10), 1) == 1
    assert shard_count(refs([100] * 10), 2) == 16
    assert shard_count(refs([1_000_000] * 80), 2, max_chars=4_000_000) == 20
