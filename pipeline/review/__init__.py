"""Reviewing a run in the browser: a local JSON API + static page (``server``) and the append-only
decision log with its replay onto records (``decisions``)."""
from .decisions import REVIEW_FILE, REVIEWABLE_KINDS, load_review, replay

__all__ = ["REVIEW_FILE", "REVIEWABLE_KINDS", "load_review", "replay"]
