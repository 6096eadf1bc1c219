"""Every model, imported in one place so the metadata is whole for migrations and tests."""

from forum.accounts.models import User
from forum.communities.models import Community, CommunityRole
from forum.moderation.models import AuditEntry

__all__ = ["AuditEntry", "Community", "CommunityRole", "User"]
