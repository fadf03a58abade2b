"""Search backends: embedded SQLite FTS5 (default) and Elasticsearch."""
