"""Helpers that need no Django: identity numbers, masking, env parsing, periods."""
