"""The MiniLM teacher of the claim classifier: embed sentences, fit a logistic regression, write soft labels.

Runs in the training-time teacher venv only (``make claims-teacher-env``: torch CPU, sentence-transformers,
scikit-learn); the project's package never imports torch. It reads the texts the main venv exported
(``claims train teacher-texts``: one JSON line per sentence, ``{"id", "split", "text"}``, train rows with
their gold ``label`` and article ``group``), and writes ``labels.jsonl``: one line per dev and unlabelled
sentence, ``{"id", "split", "cats": {"none": p, "prediction": p, ...}}``, the teacher's probabilities.

    build/teacher-venv/bin/python tools/claims_teacher.py --texts build/claims/teacher/texts.jsonl \\
        --model build/teacher/all-MiniLM-L6-v2 --out build/claims/teacher [--max-minutes 18]

Embeddings are cached by text (shards of ``SHARD`` sentences, ``emb-<model>-<n>.npy`` + ``.keys.json``,
keyed by the sha256 of the model's files and of each text), so an interrupted or time-capped run goes on
where it stopped (run it again until it says ``done``) and a new text file reuses every sentence
embedded before. One torch thread by default (shared machines).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model is a local folder: never reach for a hub
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):  # one BLAS thread: shared cores, and
    os.environ.setdefault(_var, "1")                                           # the same sums in the same order

LABELS = ("none", "prediction", "evaluation", "causal", "recommendation", "interpretation")
SHARD = 2000
C_GRID = (0.25, 1.0, 4.0, 16.0)
FOLDS = 5
SEED = 0


def read_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def model_digest(model_dir: Path) -> str:
    """sha256 (16 hex) over the model folder's files: a different model never reuses a cache."""
    h = hashlib.sha256()
    for file in sorted(p for p in model_dir.rglob("*") if p.is_file()):
        h.update(file.relative_to(model_dir).as_posix().encode())
        h.update(file.read_bytes())
    return h.hexdigest()[:16]


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def cached_vectors(out: Path, digest: str) -> dict:
    """Every cached embedding of this model, by text key: shards ``emb-<model>-<n>.npy`` with their
    keys in ``emb-<model>-<n>.keys.json``."""
    import numpy as np

    found = {}
    for keys_path in sorted(out.glob(f"emb-{digest}-*.keys.json")):
        vecs = np.load(keys_path.with_name(keys_path.name.replace(".keys.json", ".npy")))
        found.update(zip(json.loads(keys_path.read_text()), vecs))
    return found


def embed(texts: list[str], model_dir: Path, out: Path, *, threads: int, max_minutes: float | None, batch_size: int = 64):
    """Embeddings of ``texts`` (normalized, 384-d): cached ones reused (any earlier text file), the rest
    embedded in shards of ``SHARD`` and cached; None when the time cap stopped the run first."""
    import numpy as np

    out.mkdir(parents=True, exist_ok=True)
    digest = model_digest(model_dir)
    cache = cached_vectors(out, digest)
    missing = list(dict.fromkeys(t for t in texts if text_key(t) not in cache))
    if missing:
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(threads)
        model = SentenceTransformer(str(model_dir), device="cpu")
        start = time.monotonic()
        n_old = len(list(out.glob(f"emb-{digest}-*.keys.json")))
        shards = [missing[i:i + SHARD] for i in range(0, len(missing), SHARD)]
        for n, shard in enumerate(shards):
            if max_minutes is not None and time.monotonic() - start > max_minutes * 60:
                print(f"time cap: {len(shards) - n} of {len(shards)} shards left; run again to go on", file=sys.stderr)
                return None
            t = time.monotonic()
            vecs = model.encode(shard, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)
            stem = out / f"emb-{digest}-{n_old + n:05d}"
            np.save(stem.with_suffix(".npy"), vecs.astype(np.float32))
            stem.with_suffix(".keys.json").write_text(json.dumps([text_key(x) for x in shard]))  # written last: the shard is complete
            cache.update(zip((text_key(x) for x in shard), vecs))
            words = sum(len(x.split()) for x in shard)
            print(f"shard {n + 1}/{len(shards)}: {len(shard)} sentences, {words / (time.monotonic() - t):.0f} words/s",
                  file=sys.stderr)
    return np.stack([cache[text_key(t)] for t in texts]) if texts else np.zeros((0, 384), dtype=np.float32)


def marker_matrix(rows: list[dict]):
    """One-hot columns for the marker words seen in the train rows (the same columns for every row)."""
    import numpy as np

    vocab = sorted({m for r in rows if r["split"] == "train" for m in r.get("markers", [])})
    index = {m: k for k, m in enumerate(vocab)}
    out = np.zeros((len(rows), len(vocab)), dtype=np.float32)
    for i, r in enumerate(rows):
        for m in r.get("markers", []):
            if m in index:
                out[i, index[m]] = 1.0
    return out


def fit_teacher(x, y, groups):
    """Multinomial logistic regression over the labels in ``y``; C chosen by grouped (by article) cross-validation
    on the training rows, by log loss. Returns the fitted model and the C."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss
    from sklearn.model_selection import GroupKFold

    best_c, best_loss = C_GRID[0], float("inf")
    for c in C_GRID:
        losses = []
        for tr, te in GroupKFold(n_splits=FOLDS).split(x, y, groups):
            clf = LogisticRegression(C=c, max_iter=2000, random_state=SEED).fit(x[tr], y[tr])
            losses.append(log_loss(y[te], clf.predict_proba(x[te]), labels=clf.classes_))
        loss = float(np.mean(losses))
        print(f"C {c}: cross-validated log loss {loss:.4f}", file=sys.stderr)
        if loss < best_loss:
            best_c, best_loss = c, loss
    return LogisticRegression(C=best_c, max_iter=2000, random_state=SEED).fit(x, y), best_c


def two_stage_probs(x, y, groups, x_rest):
    """P(none) from a claim / not regression, P(type) = P(claim) * P(type | claim) from a regression fitted
    on the claim sentences only; each with its own C (grouped cross-validation)."""
    import numpy as np

    claim = (y != 0).astype(int)
    clf_claim, c1 = fit_teacher(x, claim, groups)
    mask = claim == 1
    clf_type, c2 = fit_teacher(x[mask], y[mask], [g for g, m in zip(groups, mask) if m])
    p_claim = clf_claim.predict_proba(x_rest)[:, list(clf_claim.classes_).index(1)]
    p_type = clf_type.predict_proba(x_rest)
    out = np.zeros((len(x_rest), len(LABELS)))
    out[:, 0] = 1 - p_claim
    for k, label in enumerate(clf_type.classes_):
        out[:, label] = p_claim * p_type[:, k]
    return out, [c1, c2]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--texts", type=Path, required=True)
    ap.add_argument("--model", type=Path, required=True, help="the unpacked sentence-transformers folder")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--max-minutes", type=float, default=None, help="stop embedding after this long (resumable)")
    ap.add_argument("--with-markers", action="store_true", help="the rules' marker words (one-hot) beside the embedding")
    ap.add_argument("--two-stage", action="store_true", help="claim / not and the type (over claims) as two regressions")
    ap.add_argument("--labels", default="labels.jsonl", help="file name of the soft labels in --out")
    args = ap.parse_args(argv)

    import numpy as np

    rows = read_rows(args.texts)
    vecs = embed([r["text"] for r in rows], args.model, args.out, threads=args.threads, max_minutes=args.max_minutes)
    if vecs is None:
        return 3
    if args.with_markers:
        vecs = np.hstack([vecs, marker_matrix(rows)])
    train = [i for i, r in enumerate(rows) if r["split"] == "train"]
    y = np.array([LABELS.index(rows[i]["label"]) for i in train])
    groups = [rows[i]["group"] for i in train]
    rest = [i for i, r in enumerate(rows) if r["split"] != "train"]
    if args.two_stage:
        probs, c = two_stage_probs(vecs[train], y, groups, vecs[rest])
        order = list(range(len(LABELS)))
    else:
        clf, c = fit_teacher(vecs[train], y, groups)
        probs = clf.predict_proba(vecs[rest]) if rest else np.zeros((0, len(LABELS)))
        order = list(clf.classes_)
    path = args.out / args.labels
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for i, p in zip(rest, probs):
            cats = {label: round(float(p[order.index(k)]), 5) for k, label in enumerate(LABELS)}
            fh.write(json.dumps({"id": rows[i]["id"], "split": rows[i]["split"], "cats": cats}, sort_keys=True) + "\n")
    tmp.replace(path)
    (args.out / (Path(args.labels).stem + ".teacher.json")).write_text(json.dumps({"C": c, "train": len(train), "labelled": len(rest), "markers": args.with_markers,
                                                       "model_sha256_16": model_digest(args.model)}, indent=2) + "\n")
    print(f"done: teacher C={c} fitted on {len(train)} train sentences; {len(rest)} labelled -> {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
