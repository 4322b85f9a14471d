"""What the rules propose: a :class:`Candidate` per possible entity, with the labels and the
priorities that decide between overlapping candidates."""
from __future__ import annotations

from dataclasses import dataclass

LABELS = ("PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT", "FAC", "LAW")
SOURCES = ("model", "gazetteer", "pattern", "alias")
KIND = "entities"

# Labels of other NER schemes mapped onto ours; anything else (DATE, MONEY, ...) is dropped.
MODEL_LABEL_MAP = {label: label for label in LABELS} | {"PER": "PERSON", "LOCATION": "LOC", "ORGANIZATION": "ORG"}

# Priorities when candidates of equal length overlap (longer spans always win first).
PRIO_ALIAS_DEF = 6
PRIO_GAZETTEER = 5
PRIO_TITLE = 4
PRIO_MODEL = 3
PRIO_NAME = 2
PRIO_HEAD = 1


@dataclass(slots=True)
class Candidate:
    """One proposed entity over tokens [start, end)."""

    start: int
    end: int
    label: str
    canonical: str
    kb_id: str
    actor: str | None
    source: str
    prio: int
    short: bool = False          # a standalone short form of a longer gazetteer name ("Putin")
    country: str | None = None   # country hint of a person found after "<NORP> <title>"
    entry: int = -1              # gazetteer entry index, when the gazetteer supplied the reading

    @property
    def length(self) -> int:
        """Tokens covered."""
        return self.end - self.start
