"""Statistics queries and report output."""
