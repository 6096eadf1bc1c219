"""Accounts: registration, login sessions, passwords, profiles and site roles."""
