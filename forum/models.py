"""Every model, imported in one place so the metadata is whole for migrations and tests."""

from forum.accounts.models import PendingSignUp, SignInIdentity, User
from forum.audit import AuditEntry
from forum.challenges.models import Challenge
from forum.communities.models import Community, CommunityRole
from forum.health import HealthProbe
from forum.mail.models import MailOutbox
from forum.media.models import Image
from forum.moderation.models import Flag, Suspension
from forum.notifications.models import Notification, NotificationOutbox
from forum.points.models import PointAward
from forum.review.models import (
    Event,
    EventSignup,
    Prototype,
    PrototypeUpdate,
    Release,
    ReleaseItem,
    Review,
    ReviewAssignment,
    StaffNote,
    StatusChange,
)
from forum.search.models import SearchDocument, SearchQueue
from forum.solutions.models import Comment, Follow, Merge, Solution, SolutionRevision, Tag, Vote
from forum.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery, WebhookEvent

__all__ = [
    "AuditEntry",
    "Challenge",
    "Comment",
    "Community",
    "CommunityRole",
    "Event",
    "EventSignup",
    "Flag",
    "Follow",
    "HealthProbe",
    "Image",
    "MailOutbox",
    "Merge",
    "Notification",
    "NotificationOutbox",
    "PendingSignUp",
    "PointAward",
    "Prototype",
    "PrototypeUpdate",
    "Release",
    "ReleaseItem",
    "Review",
    "ReviewAssignment",
    "SearchDocument",
    "SearchQueue",
    "SignInIdentity",
    "Solution",
    "SolutionRevision",
    "StaffNote",
    "StatusChange",
    "Suspension",
    "Tag",
    "User",
    "Vote",
    "Webhook",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEvent",
]
