"""Pipeline stages: one module per stage, each a thin spaCy component over pure functions."""
