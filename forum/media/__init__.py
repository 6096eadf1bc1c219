"""Uploaded images: checked by content, re-encoded without metadata, served with thumbnails."""
