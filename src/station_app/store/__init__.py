"""Persistence: SQLAlchemy 2.0 models, engine and pragmas, database life cycle, migrations."""
