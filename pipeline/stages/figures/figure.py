"""What the scan builds: a number group (:class:`Group`), a figure of one sentence (:class:`Fig`)
and the figure dict a span carries (:meth:`Fig.as_dict`).

Both dataclasses are records under construction: :mod:`.scan` fills a figure in, step by step, and
the sentence passes (:mod:`.changes`, :mod:`.sources`, :mod:`.measured`) fill the fields they name.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

KINDS = ("percent", "money", "count", "quantity", "ordinal", "range", "year", "other")
QUALIFIERS = ("approx", "more_than", "less_than", "at_least", "up_to")
CHANGES = ("increase", "decrease")


def clean_value(v: float) -> int | float:
    """Round float noise away; integral values become int (JSON writes 200000000, not 2e8)."""
    r = round(v, 6)
    if r == int(r) and abs(r) < 1e18:
        return int(r)
    return float(f"{v:.10g}")


@dataclass
class Group:
    """One number with what is glued to it: currency, scale, percent."""

    i0: int  # first token (currency prefix or the number)
    n0: int  # the number's first token
    n1: int  # one past the number (and its scale / percent sign)
    value: float
    is_digit: bool
    raw_words: bool = False  # spelled-out
    currency: str | None = None
    scale: float | None = None
    unit: str | None = None
    kind: str | None = None


@dataclass
class Fig:
    """A figure found in one sentence (offsets relative to the scanned text until shifted)."""

    start: int
    end: int
    i0: int  # first light token of the figure (qualifier / currency included)
    i1: int  # one past the last light token
    n0: int  # first token of the number itself
    value: float | list | None = None
    unit: str | None = None
    kind: str = "other"
    currency: str | None = None
    scale: float | None = None
    qualifier: str | None = None
    change: str | None = None
    change_from: float | None = None
    change_to: float | None = None
    measured: str | None = None
    source: str | None = None
    compared: "Fig | None" = field(default=None, repr=False)  # the figure this one is set against
    counted: str | None = None  # counted noun phrase (counts)
    head_i: int | None = None  # token index of the counted noun's head
    source_is_poll: bool = False

    def as_dict(self) -> dict:
        """The figure as ``span._.figure`` holds it (JSON primitives; ``compared_with`` is set by the caller)."""
        value = self.value
        if isinstance(value, list):
            value = [clean_value(v) for v in value]
        elif value is not None:
            value = clean_value(value)
        return {
            "value": value,
            # fractions and factors carry the unit of their kind: "fraction" ("half"), "multiplier"
            # ("doubled", "six times larger"); ranks before a superlative "rank"
            "unit": self.unit,
            "kind": self.kind,
            "currency": self.currency,
            "scale": clean_value(self.scale) if self.scale else None,
            "qualifier": self.qualifier,
            "change": self.change,
            "change_from": clean_value(self.change_from) if self.change_from is not None else None,
            "change_to": clean_value(self.change_to) if self.change_to is not None else None,
            "measured": self.measured,
            "source": self.source,
            "compared_with": None,
        }


class Label(NamedTuple):
    """A number rejected as a label or part of a name ("Article 5", "Nord Stream 2"). The scan
    remembers it: a number joined to it by "and" or a comma is one too ("Articles 4 and 5")."""

    index: int  # the number's first token
