"""The output set of a run folder: at any moment, every file in it is one run's.

A run holds a lock on the folder (``flock`` on the folder itself: nothing is left behind, and a
killed run's lock goes with its process). It stages everything it writes under
``OUT/.claims-run-<pid>-*/``: the shards' files, then the whole set (``set/``: every record file,
``errors.jsonl`` and ``run.json``). The commit point is one atomic rename of a journal
(``OUT/.claims-commit.json``, naming the staged set); the files are then moved in, ``run.json``
last, and the journal removed. A run that dies before the commit point leaves the previous set
untouched; one that dies after it is rolled forward by the next run (which finishes the moves).
The next run also removes what dead runs left (staging folders, ``.<file>.*.tmp``).

``run.json`` lists the sha256 of every file of the set; before a re-run reuses anything, the
files must match it (:func:`trusted_previous`), so a set mixed or edited by anything else is
never taken for a run's.

Test hooks (fault tests, and rehearsing failures): ``CLAIMS_FAULT=<action>@<point>`` with action
``kill`` (SIGKILL this process), ``enospc`` / ``erofs`` (raise that OSError) or ``pause`` (create
the file ``$CLAIMS_FAULT_FILE`` and wait until it is removed) at a named point of the run:
``stage``, ``shard-done``, ``staged``, ``merge:<kind>``, ``journal``, ``rename:<file>``, ``committed``.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import signal
import tempfile
import time
from pathlib import Path

from ..contract import ERRORS_KIND, OUTPUT_KINDS
from ..io import atomic_writer

try:  # pragma: no cover - not on Windows: runs there are not locked
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

MANIFEST = "run.json"
RECORD_FILES = tuple(f"{kind}.jsonl" for kind in (*OUTPUT_KINDS, ERRORS_KIND))
SET_FILES = (*RECORD_FILES, MANIFEST)  # the order of the moves: run.json last
JOURNAL = ".claims-commit.json"
STAGE_PREFIX = ".claims-run-"
FAULT_ENV = "CLAIMS_FAULT"
FAULT_FILE_ENV = "CLAIMS_FAULT_FILE"
# Errors of writing (not of reading an input): these stop the run with one line.
WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG, errno.EIO, errno.ENOTDIR, errno.EEXIST}


class OutputError(RuntimeError):
    """The output folder cannot be written (or is in use); the previous set there is unchanged."""


class RunLocked(OutputError):
    """Another run is writing to the same output folder."""


class NoReadableInput(RuntimeError):
    """Nothing could be read from the inputs: nothing was written."""


def fault_point(point: str) -> None:
    """The test hook (module docstring): act when ``$CLAIMS_FAULT`` names ``point``; else nothing."""
    spec = os.environ.get(FAULT_ENV)
    if not spec:
        return
    action, _, where = spec.partition("@")
    if where != point:
        return
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif action in ("enospc", "erofs"):
        code = errno.ENOSPC if action == "enospc" else errno.EROFS
        raise OSError(code, f"{os.strerror(code)} (injected by {FAULT_ENV})")
    elif action == "pause":
        flag = Path(os.environ[FAULT_FILE_ENV])
        flag.write_text(str(os.getpid()), encoding="utf-8")
        deadline = time.monotonic() + 60
        while flag.exists() and time.monotonic() < deadline:
            time.sleep(0.05)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def trusted_previous(out: Path) -> tuple[dict, str | None]:
    """The manifest of the set in ``out`` and, when it cannot be trusted, why (then the manifest is {}).

    Trusted: ``run.json`` parses and every file it lists has that sha256. No ``run.json`` at all
    is simply no previous run (``{}``, None).
    """
    path = out / MANIFEST
    if not path.exists():
        return {}, None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        return {}, f"its {MANIFEST} cannot be read ({type(err).__name__})"
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, dict) or set(files) != set(RECORD_FILES):
        return {}, f"its {MANIFEST} lists no sha256 of the record files (written by an older version)"
    changed = []
    for name in RECORD_FILES:
        try:
            if sha256_file(out / name) != files[name]:
                changed.append(name)
        except OSError:
            changed.append(f"{name} (missing)")
    if changed:
        return {}, f"{', '.join(changed)} no longer match{'es' if len(changed) == 1 else ''} its {MANIFEST}"
    return manifest, None


def is_write_error(err: OSError, out: Path) -> bool:
    """An error of writing the output (full disk, read-only folder ...), not of reading an input."""
    if err.errno not in WRITE_ERRNOS:
        return False
    if err.filename is None:
        return True
    try:
        return Path(os.path.abspath(err.filename)).is_relative_to(Path(os.path.abspath(out)))
    except (TypeError, ValueError):
        return False


class OutputSet:
    """A locked output folder for one run: staging, commit, recovery (see the module docstring).

    Use as a context manager; on exit (success or not) the staging folder is removed and the lock
    released; a folder this run created and left empty is removed too.
    """

    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        self._fd: int | None = None
        self._stage: Path | None = None
        self._created = False
        self.finished_commit = False  # a dead run's commit was finished (rolled forward) at the start

    def __enter__(self) -> "OutputSet":
        try:
            self._created = not self.out.exists()
            self.out.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.out, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        except OSError as err:
            raise OutputError(f"cannot use {self.out} as the output folder: {err.strerror or err}") from None
        self._lock()
        try:
            self._recover()
        except OSError as err:
            self.__exit__(None, None, None)
            raise OutputError(self.write_failure(err)) from None
        return self

    def _lock(self) -> None:
        if fcntl is None:  # pragma: no cover
            return
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self._fd)
            self._fd = None
            pids = sorted({m.group(1) for p in self.out.glob(f"{STAGE_PREFIX}*") if (m := re.match(rf"{re.escape(STAGE_PREFIX)}(\d+)-", p.name))})
            who = f" (pid {', '.join(pids)})" if pids else ""
            raise RunLocked(f"another claims run{who} is writing to {self.out}/; wait for it to finish or use another --out") from None

    def __exit__(self, *exc) -> None:
        if self._stage is not None and not (self.out / JOURNAL).exists():  # else the next run finishes the commit
            shutil.rmtree(self._stage, ignore_errors=True)
            self._stage = None
        if self._fd is None:
            return
        try:
            if self._created and not any(self.out.iterdir()):
                self.out.rmdir()  # a run that wrote nothing leaves no folder behind
        except OSError:
            pass
        os.close(self._fd)  # releases the lock
        self._fd = None

    def write_failure(self, err: OSError) -> str:
        """The one line for a failed write (the previous set is unchanged)."""
        where = f" ({Path(err.filename).name})" if err.filename else ""
        if (self.out / JOURNAL).exists():  # after the commit point: the set is this run's once moved in
            return f"cannot write to {self.out}/: {err.strerror or err}{where}; the run is committed, the next run finishes moving its files in"
        return f"cannot write to {self.out}/: {err.strerror or err}{where}; nothing changed there"

    # -- staging ------------------------------------------------------------------------------

    @property
    def stage(self) -> Path:
        """This run's private folder under the output folder (created at first use)."""
        if self._stage is None:
            fault_point("stage")
            self._stage = Path(tempfile.mkdtemp(prefix=f"{STAGE_PREFIX}{os.getpid()}-", dir=self.out)).resolve()
        return self._stage

    @property
    def staged_set(self) -> Path:
        """Where the run writes its whole set before the commit."""
        path = self.stage / "set"
        path.mkdir(exist_ok=True)
        return path

    def file_hashes(self) -> dict[str, str]:
        """sha256 of every staged record file (for run.json), each flushed to disk first."""
        hashes = {}
        for name in RECORD_FILES:
            path = self.staged_set / name
            with path.open("rb") as fh:
                os.fsync(fh.fileno())
            hashes[name] = sha256_file(path)
        return hashes

    def commit(self, write_manifest) -> None:
        """Make the staged set current: ``write_manifest(path)`` writes run.json, then the journal
        is renamed into place (the commit point) and the files moved in, run.json last."""
        staged = self.staged_set
        write_manifest(staged / MANIFEST)
        _fsync_dir(staged)
        fault_point("staged")
        with atomic_writer(self.out / JOURNAL) as fh:
            fh.write(json.dumps({"stage": str(staged.relative_to(self.out.resolve())), "files": list(SET_FILES)}) + "\n")
        self._sync()
        fault_point("journal")
        self._roll_forward()
        fault_point("committed")

    # -- recovery -----------------------------------------------------------------------------

    def _roll_forward(self) -> None:
        """Finish the commit the journal describes: move what is still staged, then drop the journal."""
        journal = self.out / JOURNAL
        entry = json.loads(journal.read_text(encoding="utf-8"))
        stage = self.out / entry["stage"]
        if not stage.name == "set" or not stage.parent.name.startswith(STAGE_PREFIX) or stage.parent.parent.resolve() != self.out.resolve():
            raise OSError(errno.EINVAL, f"unexpected staging folder in {JOURNAL}", str(journal))
        for name in entry["files"]:
            if name in SET_FILES and (stage / name).exists():
                os.replace(stage / name, self.out / name)
                fault_point(f"rename:{name}")
        self._sync()
        journal.unlink()
        self._sync()

    def _recover(self) -> None:
        """At the start of a run (lock held): finish a dead run's commit, remove what dead runs left."""
        if (self.out / JOURNAL).exists():
            self._roll_forward()
            self.finished_commit = True
        for path in self.out.glob(f"{STAGE_PREFIX}*"):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
        for name in (*SET_FILES, JOURNAL):
            for path in self.out.glob(f".{glob_escape(name)}.*.tmp"):
                path.unlink(missing_ok=True)

    def _sync(self) -> None:
        if self._fd is not None:
            try:
                os.fsync(self._fd)
            except OSError:  # pragma: no cover - some filesystems cannot sync a folder
                pass


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # pragma: no cover
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)
