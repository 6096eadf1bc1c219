"""Moderation: the audit log of staff and admin actions (flags, hiding and suspensions come later)."""
