"""Units from context (CONVENTIONS: a count's unit is "taken from context when the number stands
alone"): a bare number takes the counted noun of a count before it in its sentence ("Of the 27 members,
19 agreed" -> members) or in an earlier sentence of its paragraph ("The ministry bought 40 drones. Only 12
were delivered." -> drones), or the noun after a bracket ("2% (1,640) of businesses" -> businesses)."""
from __future__ import annotations

from .counts import find_head, lemma
from .figure import Fig
from .sentence import Sentence


def units_from_context(s: Sentence, figs: list[Fig], state: dict) -> None:
    """Give the bare numbers of ``figs`` their counted noun (sets unit and kind "count"); ``state``
    carries the last count of the paragraph's earlier sentences as ``"last_count"`` (unit, value)."""
    earlier = state.get("last_count")
    last: tuple[str, float] | None = None
    for f in figs:
        if f.kind == "count" and f.unit and not isinstance(f.value, list) and f.value is not None:
            last = (f.unit, f.value)
            continue
        if not _bare(s, f):
            continue
        unit = _noun_after_bracket(s, f)
        if unit is None:
            source = last or earlier
            if source is not None and f.value <= source[1]:  # type: ignore[operator]
                unit = source[0]  # a part of what was counted: "Of the 27 members, 19 agreed"
        if unit is not None:
            f.unit, f.kind = unit, "count"
    if last is not None:
        state["last_count"] = last


def _bare(s: Sentence, f: Fig) -> bool:
    """A whole number above zero with nothing counted after it, that is not followed by a noun
    (it then counts something else) and not in a change ("grew by 12")."""
    v = f.value
    if f.kind != "other" or f.unit is not None or isinstance(v, list) or v is None or v < 1 or v != int(v):
        return False
    nxt = s.tok(f.i1)
    if nxt is not None and nxt.is_word and nxt.text[0].islower() and not (
            s.rules.is_cue("verb", nxt.lower) or s.rules.is_cue("function", nxt.lower)
            or nxt.lower in s.words.copula or nxt.lower.endswith("ed")):
        return False
    prev = s.tok(f.i0 - 1)
    return not (prev is not None and prev.lower in ("by", "to", "from") and f.change is not None)


def _noun_after_bracket(s: Sentence, f: Fig) -> str | None:
    """ "2% (1,640) of businesses": the plural noun after ") of" counts the bracketed number."""
    close, of = s.tok(f.i1), s.tok(f.i1 + 1)
    if close is None or close.text != ")" or of is None or of.lower != "of":
        return None
    k = f.i1 + 2
    while s.tok(k) is not None and s.toks[k].lower in s.words.determiner:
        k += 1
    head = find_head(s, k, plural_only=True)
    return lemma(s, head) if head is not None else None
