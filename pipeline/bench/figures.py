"""Side-by-side benchmark of the figures stage against quantulum3.

Both systems read the same body sentences of real commentaries (speed: words per second; agreement:
how often they find the same figure with the same value), then a small gold set written for this
benchmark (accuracy: precision / recall / F1 on value and on value + unit, and false positives on
name parts such as "G7" or "Vostok-2018").

quantulum3 is optional (the ``bench`` extra: ``pip install -e '.[bench]'``), imported only when the benchmark runs. Without it
the benchmark still reports our own numbers and says quantulum3 was skipped.

Run::

    python -m pipeline.bench.figures --files 200
"""
from __future__ import annotations

import argparse
import glob
import random
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .corpus import SHARED_CORPUS

DEFAULT_CORPUS = SHARED_CORPUS / "commentary"

# quantulum3 unit names -> our normalized units (anything unlisted is kept as is)
QUANTULUM_UNITS = {
    "dimensionless": None,
    "percentage": "percent",
    "percentage point": "percentage_point",
    "dollar": "USD",
    "United States dollar": "USD",
    "euro": "EUR",
    "pound sterling": "GBP",
    "yen": "JPY",
    "renminbi": "CNY",
    "yuan": "CNY",
    "Russian ruble": "RUB",
    "ruble": "RUB",
    "Swedish krona": "SEK",
    "krona": "SEK",
    "Australian dollar": "AUD",
    "kilometre": "km",
    "metre": "m",
    "mile": "mi",
    "nautical mile": "nmi",
    "barrel": "bbl",
    "barrel per day": "bbl/d",
    "tonne": "t",
    "short ton": "t",
    "kilogram": "kg",
    "year": "year",
    "decade": "decade",
    "month": "month",
    "week": "week",
    "day": "day",
    "hour": "hour",
    "cubic metre": "m3",
    "billion cubic metres": "bcm",
    "square kilometre": "km2",
    "hectare": "ha",
    "megawatt": "MW",
    "gigawatt": "GW",
}

# A gold set written for this benchmark (none of it copied from the corpus): sentence -> figures as
# (surface, value, unit), following CONVENTIONS (calendar years are figures, unit null; a range of
# years has unit "calendar_year"). Empty lists are sentences whose numbers are names, codes or days.
GOLD: list[tuple[str, list[tuple[str, float | list[float], str | None]]]] = [
    ("Seoul will raise its defence budget by 7% to KRW 61 trillion.", [("7%", 7, "percent"), ("KRW 61 trillion", 61e12, "KRW")]),
    ("The alliance has deployed 4,000 troops to the eastern flank.", [("4,000 troops", 4000, "troops")]),
    ("Roughly two-thirds of the respondents opposed the deal.", [("Roughly two-thirds", 2 / 3, "fraction")]),
    ("Moscow spent RUB 13 trillion on the military in 2024.", [("RUB 13 trillion", 13e12, "RUB"), ("2024", 2024, None)]),
    ("Gas flows fell from 150 bcm to 25 bcm within two years.", [("150 bcm", 150, "bcm"), ("25 bcm", 25, "bcm"), ("two years", 2, "year")]),
    ("The missile has a range of 2,500 km.", [("2,500 km", 2500, "km")]),
    ("Beijing fields more than 600 warheads, up from 400 a few years ago.", [("more than 600 warheads", 600, "warheads"), ("400", 400, "warheads")]),
    ("India is the world's fourth-largest arms importer.", [("fourth-largest", 4, "rank")]),
    ("About 1.5 million barrels per day pass through the strait.", [("About 1.5 million barrels per day", 1.5e6, "bbl/d")]),
    ("The package totals €50bn over four years.", [("€50bn", 50e9, "EUR"), ("four years", 4, "year")]),
    ("Nearly half of the fleet is more than 30 years old.", [("Nearly half", 0.5, "fraction"), ("more than 30 years old", 30, "years of age")]),
    ("London pledged £2.26bn in military aid this year.", [("£2.26bn", 2.26e9, "GBP")]),
    ("Some 12 per cent of exports go to China.", [("Some 12 per cent", 12, "percent")]),
    ("Unemployment rose by 2 percentage points.", [("2 percentage points", 2, "percentage_point")]),
    ("Between 5,000 and 7,000 mercenaries remain in the country.", [("Between 5,000 and 7,000 mercenaries", [5000, 7000], "mercenaries")]),
    ("Tokyo approved ¥43 trillion for the five-year plan.", [("¥43 trillion", 43e12, "JPY"), ("five-year", 5, "year")]),
    ("The reactor produces 1,100 MW of power.", [("1,100 MW", 1100, "MW")]),
    ("At least 300 civilians were killed in the strike.", [("At least 300 civilians", 300, "civilians")]),
    ("The navy commissioned three new frigates.", [("three new frigates", 3, "frigates")]),
    ("Canberra's A$368 billion submarine deal drew criticism.", [("A$368 billion", 368e9, "AUD")]),
    ("The corridor is about 65 km wide.", [("about 65 km", 65, "km")]),
    ("Exports of grain fell 30% year on year.", [("30%", 30, "percent")]),
    ("Only one in four Europeans trusts Washington.", [("one in four", 0.25, "fraction")]),
    ("China’s coast guard operates over 150 large vessels.", [("over 150 large vessels", 150, "vessels")]),
    ("The bill adds $95 billion in supplemental funding.", [("$95 billion", 95e9, "USD")]),
    ("Sweden will buy 22 billion kronor worth of air defence.", [("22 billion kronor", 22e9, "SEK")]),
    ("Production tripled after the plant reopened.", [("tripled", 3, "multiplier")]),
    ("The islands lie 1,200 nautical miles from the mainland.", [("1,200 nautical miles", 1200, "nmi")]),
    ("Iran enriched uranium to 60 percent purity.", [("60 percent", 60, "percent")]),
    ("Up to 20,000 North Korean soldiers may be in Russia.", [("Up to 20,000 North Korean soldiers", 20000, "soldiers")]),
    ("The G20 summit opened as Zapad-2021 ended.", []),
    ("Japan ordered more F-35B jets and upgraded its Type 03 missiles.", []),
    ("Nord Stream 2 and TurkStream were discussed at the 2+2 talks.", []),
    ("The treaty of 1978 is still in force.", [("1978", 1978, None)]),
    ("The 2030 election will undo the reforms of the 1990s.", [("2030", 2030, None), ("1990s", 1990, None)]),
    ("The 2021–2025 plan was drafted in May 2019.", [("2021–2025", [2021, 2025], "calendar_year"), ("2019", 2019, None)]),
    ("Exercise Shield-2029 followed the Outlook 2040 report.", []),
    ("The summit took place on 14 June.", []),
    ("One of the most contested issues is the border.", []),
    ("First, the sanctions must be enforced.", []),
    ("Getting the allies to agree was half the battle.", []),
    ("See pp. 112–115 of the annual report.", []),
    ("Resolution 2231 endorsed the deal.", []),
]


@dataclass
class Found:
    start: int
    end: int
    value: float | list | None
    unit: str | None


def ours_extractor() -> Callable[[str], list[Found]]:
    from ..stages.figures import default_rules, scan_sentence

    rules = default_rules()

    def extract(sentence: str) -> list[Found]:
        out = []
        for f in scan_sentence(sentence, rules):
            d = f.as_dict()
            out.append(Found(f.start, f.end, d["value"], d["unit"]))
        return out

    return extract


def quantulum_extractor() -> Callable[[str], list[Found]] | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from quantulum3 import parser  # type: ignore[import-not-found]
    except ImportError:
        return None

    def extract(sentence: str) -> list[Found]:
        out = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                quants = parser.parse(sentence)
            except Exception:  # quantulum3 raises on some inputs; count them as "found nothing"
                return []
        for q in quants:
            unit = QUANTULUM_UNITS.get(q.unit.name, q.unit.name)
            value = q.value
            if getattr(q, "uncertainty", None):
                value = q.value
            out.append(Found(q.span[0], q.span[1], value, unit))
        return out

    return extract


def load_sentences(corpus: Path, n_files: int, seed: int) -> list[str]:
    """Body sentences of ``n_files`` random commentaries (segmented by the project's segmenter)."""
    import spacy

    from ..stages import segment
    from ..stages.segment import body_sentences

    files = sorted(glob.glob(str(corpus / "*.txt")))
    if not files:
        raise SystemExit(f"no .txt files in {corpus}")
    random.Random(seed).shuffle(files)
    nlp = spacy.blank("en")
    segmenter = segment.make_segmenter(nlp, "segmenter", **segment.DEFAULT_CONFIG)  # no other stage needed
    segmenter.initialize()
    sentences: list[str] = []
    for path in files[:n_files]:
        doc = segmenter(nlp.make_doc(Path(path).read_text(encoding="utf-8")))
        sentences.extend(s.text.strip() for s in body_sentences(doc) if s.text.strip())
    return sentences


def _same_value(a, b) -> bool:
    if a is None or b is None:
        return False
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(_same_value(x, y) for x, y in zip(a, b)) or any(_same_value(x, b) for x in a)
    if isinstance(b, list):
        return any(_same_value(a, y) for y in b)
    return abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(b)))


def _overlaps(a: Found, b: Found) -> bool:
    return a.start < b.end and b.start < a.end


def time_extractor(extract: Callable[[str], list[Found]], sentences: Sequence[str]) -> tuple[float, list[list[Found]]]:
    t0 = time.perf_counter()
    results = [extract(s) for s in sentences]
    return time.perf_counter() - t0, results


def agreement(ours: list[list[Found]], theirs: list[list[Found]]) -> dict:
    """Figures found by both (overlapping spans), and how often their values agree."""
    n_ours = sum(map(len, ours))
    n_theirs = sum(map(len, theirs))
    both = same_value = 0
    for a_list, b_list in zip(ours, theirs):
        for a in a_list:
            match = next((b for b in b_list if _overlaps(a, b)), None)
            if match is not None:
                both += 1
                same_value += _same_value(a.value, match.value)
    return {"ours": n_ours, "theirs": n_theirs, "overlapping": both, "same_value": same_value}


def gold_scores(extract: Callable[[str], list[Found]]) -> dict:
    """P/R/F1 on value and on value+unit over :data:`GOLD`, plus false positives on name/date sentences."""
    tp_v = tp_vu = n_pred = n_gold = name_fp = 0
    for sentence, gold in GOLD:
        pred = extract(sentence)
        n_pred += len(pred)
        n_gold += len(gold)
        if not gold:
            name_fp += len(pred)
        used: set[int] = set()
        for surface, value, unit in gold:
            start = sentence.find(surface)
            g = Found(start, start + len(surface), value, unit)
            for k, p in enumerate(pred):
                if k in used or not _overlaps(p, g) or not _same_value(p.value, g.value):
                    continue
                used.add(k)
                tp_v += 1
                tp_vu += p.unit == g.unit
                break

    def prf(tp: int) -> tuple[float, float, float]:
        p = tp / n_pred if n_pred else 0.0
        r = tp / n_gold if n_gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    return {"value": prf(tp_v), "value_unit": prf(tp_vu), "name_fp": name_fp, "gold": n_gold, "predicted": n_pred}


def run(corpus: Path = DEFAULT_CORPUS, n_files: int = 200, seed: int = 0, max_quantulum_sentences: int | None = None) -> dict:
    """The whole benchmark as a dict (also printed by ``__main__``)."""
    sentences = load_sentences(corpus, n_files, seed)
    words = sum(len(s.split()) for s in sentences)
    ours = ours_extractor()
    ours(sentences[0] if sentences else "warm up 1")  # load the rules outside the timed loop
    t_ours, res_ours = time_extractor(ours, sentences)
    report: dict = {
        "sentences": len(sentences),
        "words": words,
        "ours": {"seconds": t_ours, "words_per_s": words / t_ours if t_ours else float("inf"), "gold": gold_scores(ours)},
    }
    theirs = quantulum_extractor()
    if theirs is None:
        report["quantulum3"] = None
        return report
    q_sentences = sentences if max_quantulum_sentences is None else sentences[:max_quantulum_sentences]
    q_words = sum(len(s.split()) for s in q_sentences)
    theirs(q_sentences[0] if q_sentences else "warm up 1")
    t_theirs, res_theirs = time_extractor(theirs, q_sentences)
    report["quantulum3"] = {
        "seconds": t_theirs,
        "words": q_words,
        "words_per_s": q_words / t_theirs if t_theirs else float("inf"),
        "gold": gold_scores(theirs),
    }
    report["agreement"] = agreement(res_ours[: len(q_sentences)], res_theirs)
    return report


def _print(report: dict) -> None:
    print(f"sentences: {report['sentences']:,}  words: {report['words']:,}")
    rows = [("figures stage", report["ours"])]
    if report.get("quantulum3"):
        rows.append(("quantulum3", report["quantulum3"]))
    print(f"{'system':<15}{'words/s':>12}{'value P/R/F1':>22}{'value+unit P/R/F1':>24}{'name FP':>9}")
    for name, r in rows:
        g = r["gold"]
        v = "/".join(f"{x:.2f}" for x in g["value"])
        vu = "/".join(f"{x:.2f}" for x in g["value_unit"])
        print(f"{name:<15}{r['words_per_s']:>12,.0f}{v:>22}{vu:>24}{g['name_fp']:>9}")
    if report.get("quantulum3") is None:
        print("quantulum3 not installed: skipped (pip install quantulum3)")
        return
    speedup = report["ours"]["words_per_s"] / report["quantulum3"]["words_per_s"]
    a = report["agreement"]
    print(f"speed-up: {speedup:.1f}x")
    print(
        f"agreement on real sentences: ours {a['ours']:,} figures, quantulum3 {a['theirs']:,}; "
        f"overlapping {a['overlapping']:,}, of which same value {a['same_value']:,}"
    )


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of commentary .txt files")
    ap.add_argument("--files", type=int, default=200, help="number of random files to read")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-quantulum-sentences", type=int, default=None, help="cap quantulum3's share (it is slow)")
    args = ap.parse_args(argv)
    _print(run(args.corpus, args.files, args.seed, args.max_quantulum_sentences))


if __name__ == "__main__":
    main()
