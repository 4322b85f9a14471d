"""The dates stage's rule data: one :class:`~pipeline.resources.TableSpec` per file of
``pipeline/resources/dates/`` (closed sets as enums, numbers as numeric columns), read and
written in that layout. What the values mean is in ``pipeline/resources/dates/README.md``."""
from __future__ import annotations

from pathlib import Path

from ...resources import TableSpec
from ...resources import load_tables as _load_specs
from .values import SEASON_MONTHS

TIMEX_MODS = frozenset({
    "START", "MID", "END", "APPROX", "MORE_THAN", "LESS_THAN", "EQUAL_OR_MORE",
    "EQUAL_OR_LESS", "BEFORE", "AFTER", "ON_OR_BEFORE", "ON_OR_AFTER",
})
MODIFIER_KINDS = frozenset({"point", "partof", "quantity", "approx_point", "prefix"})
CONTEXT_ROLES = frozenset({"license", "not_name", "block_before", "block_after", "determiner", "amount", "over_more",
                           "vague_duration", "day_duration"})
TENSES = frozenset({"past", "present", "future", "none"})
TENSE_WORD_ROLES = frozenset({"future_aux", "future_verb", "past_aux", "past_eed", "be_before_ed"})

TABLES: dict[str, TableSpec] = {
    "patterns": TableSpec("dates/patterns.tsv", ("rule", "example", "pattern")),
    "months": TableSpec("dates/months.tsv", ("form", "month", "context"),
                        enums={"context": frozenset({"free", "needs", "dated"})}, numeric=("month",)),
    "weekdays": TableSpec("dates/weekdays.tsv", ("form", "day"), numeric=("day",)),
    "seasons": TableSpec("dates/seasons.tsv", ("form", "code", "context"),
                         enums={"code": frozenset(SEASON_MONTHS), "context": frozenset({"needs", "dated"})}),
    "numbers": TableSpec("dates/numbers.tsv", ("form", "value")),
    "ordinals": TableSpec("dates/ordinals.tsv", ("form", "value")),
    "units": TableSpec("dates/units.tsv", ("form", "plural", "iso", "factor", "vague", "time"),
                       enums={"iso": frozenset({"Y", "M", "W", "D", "H"}), "time": frozenset({"true", "false"})},
                       numeric=("factor",)),
    "modifiers": TableSpec("dates/modifiers.tsv", ("form", "mod", "kind"),
                           enums={"mod": TIMEX_MODS, "kind": MODIFIER_KINDS}),
    "sets": TableSpec("dates/sets.tsv", ("form", "value")),
    "events": TableSpec("dates/events.tsv", ("form", "value")),
    "holidays": TableSpec("dates/holidays.tsv", ("form", "rule")),
    "zones": TableSpec("dates/zones.tsv", ("form", "zone")),
    "context": TableSpec("dates/context.tsv", ("form", "role"), enums={"role": CONTEXT_ROLES}),
    "tense_cues": TableSpec("dates/tense_cues.tsv", ("form", "tense"), enums={"tense": TENSES}),
    "tense_words": TableSpec("dates/tense_words.tsv", ("form", "role"), enums={"role": TENSE_WORD_ROLES}),
}


def load_tables(root: str | Path | None = None) -> dict[str, list[dict[str, str]]]:
    """Read every rule table (validated, failing with file:line); ``root=None``: the packaged files."""
    return _load_specs(TABLES, root=root)


def write_tables(tables: dict[str, list[dict[str, str]]], root: Path) -> None:
    """Write tables in the layout :func:`load_tables` reads (used by ``to_disk``)."""
    for name, spec in TABLES.items():
        path = Path(root) / spec.file
        path.parent.mkdir(parents=True, exist_ok=True)
        header = list(spec.columns) + list(spec.optional)
        lines = ["\t".join(header)] + ["\t".join(row.get(c, "") for c in header) for row in tables[name]]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
