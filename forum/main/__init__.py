"""Site-wide pages: the home page, the language switch and the health check."""
