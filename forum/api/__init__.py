"""The JSON API, /api/v1: token auth, one module per resource, and the OpenAPI document.

Importing the resource modules registers their operations on the blueprint.
"""

from forum.api import (  # noqa: F401  (each module adds its routes to the blueprint)
    challenges,
    communities,
    discovery,
    discussion,
    exports,
    openapi,
    review,
    solutions,
    tokens,
    webhooks,
)
from forum.api.core import bp

__all__ = ["bp"]
