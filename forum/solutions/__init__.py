"""Solutions (ideas) with their votes, comments and follows."""
