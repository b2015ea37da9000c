"""Accounts: passwords, sessions, bearer tokens, invitations."""
