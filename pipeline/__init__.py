"""claims: a staged spaCy pipeline that turns foreign-policy analysis articles into reviewable,
normalized records (entities, dates, figures, argumentative claims) with exact character offsets."""
__version__ = "0.1.0"
