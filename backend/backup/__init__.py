"""Online backup and restore: the database (SQLite's backup API or pg_dump), the photo and
document store (local or S3, copied by content so a second backup copies only new files) and
the data dir's secret, with a manifest of hashes (layout.py)."""
