"""Full-text search in Chinese and English: a Whoosh index derived from the database."""
