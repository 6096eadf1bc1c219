"""Challenges: problems posted in a community, and campaigns with phases and deadlines."""
