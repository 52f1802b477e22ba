"""Pure domain: code tables, validation, value rules. Imports neither SQLAlchemy nor Qt."""
