"""Alembic environment: migrations run programmatically against the engine the app hands over."""

from __future__ import annotations

from alembic import context

from station_app.store.models import Base

#: Tables that live outside the ORM metadata (FTS5 search index and its shadow tables).
UNMANAGED_PREFIXES = ("consultation_search", "consultation_bigrams")
#: Indexes outside the ORM metadata: the trigram search indexes of a PostgreSQL hub (store/pgsearch.py).
UNMANAGED_INDEX_PREFIXES = ("ix_consultations_search_",)


def include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table" and name and name.startswith(UNMANAGED_PREFIXES):
        return False
    if type_ == "index" and name and name.startswith(UNMANAGED_INDEX_PREFIXES):
        return False
    return True


def run_migrations() -> None:
    engine = context.config.attributes.get("engine")
    if engine is None:
        from station_app.store.db import make_engine

        url = context.config.get_main_option("sqlalchemy.url")
        engine = make_engine(url if not url.startswith("sqlite:///") else url.removeprefix("sqlite:///"))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=True,
            include_object=include_object,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations()
