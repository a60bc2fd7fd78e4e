"""Persistence only: SQLAlchemy tables derived from the model, Alembic migrations,
an engine factory (SQLite file by default, PostgreSQL by URL) and the repository."""

from .engine import make_engine, migrate, normalise_url, sqlite_url
from .repository import Store

__all__ = ["Store", "make_engine", "migrate", "normalise_url", "sqlite_url"]
