"""Scoring: ballots to grades by the rules of the source documents (pure; no Redis, no web)."""
