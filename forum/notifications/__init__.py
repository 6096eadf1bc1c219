"""In-app notifications: replies, comments on what you wrote, moves of what you follow."""
