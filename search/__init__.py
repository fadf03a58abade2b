"""Public full-text search: backends, indexing and public search views."""
