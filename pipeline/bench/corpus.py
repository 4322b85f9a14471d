"""The corpora of the benchmark: real articles copied into a folder until it holds N words."""
from __future__ import annotations

import random
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SHARED_CORPUS = PROJECT_ROOT.parent / "shared" / "corpus"
DEFAULT_SOURCES = (PROJECT_ROOT / "corpus", SHARED_CORPUS)
MAX_DOC_WORDS = 20_000  # longer files are reports, not articles: one would dominate a shard


@dataclass
class Corpus:
    path: Path
    words: int
    docs: int
    sources: list[str]
    copies: int = 0  # documents repeated (under new names) because the sources were too small


def _candidates(sources: Sequence[Path]) -> list[tuple[Path, int]]:
    found = []
    for root in sources:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.suffix.lower() not in (".txt", ".md") or path.name.lower() == "readme.md" or not path.is_file():
                continue
            words = len(path.read_text(encoding="utf-8", errors="replace").split())
            if 0 < words <= MAX_DOC_WORDS:
                found.append((path, words))
    return found


def build_corpus(dest: Path, words: int, sources: Sequence[Path] = DEFAULT_SOURCES, *, seed: int = 0) -> Corpus:
    """Copy articles (and their ``.meta.json`` sidecars) into ``dest`` until ``words`` is reached.

    Files are taken in a fixed shuffled order (the same for every size, so the small corpus is a
    prefix of the large one); when the sources run out they are copied again under new names.
    """
    candidates = _candidates(sources)
    if not candidates:
        raise FileNotFoundError(f"no .txt/.md articles in {', '.join(map(str, sources))}")
    random.Random(seed).shuffle(candidates)
    dest.mkdir(parents=True, exist_ok=True)
    total = docs = copies = 0
    used_sources = sorted({str(root) for root in sources if root.is_dir()})
    round_ = 0
    while total < words:
        for path, n in candidates:
            if total >= words:
                break
            name = path.name if round_ == 0 else f"{path.stem}--copy{round_}{path.suffix}"
            target = dest / f"{docs:06d}-{name}"
            shutil.copyfile(path, target)
            sidecar = path.with_name(path.name + ".meta.json")
            if sidecar.exists():
                shutil.copyfile(sidecar, target.with_name(target.name + ".meta.json"))
            total += n
            docs += 1
            copies += round_ > 0
        round_ += 1
    return Corpus(dest, total, docs, used_sources, copies)
