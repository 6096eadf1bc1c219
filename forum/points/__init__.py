"""Points, levels, badges and leaderboards: rewarding ideas that go somewhere, not mere posting."""
