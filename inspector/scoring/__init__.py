"""Scoring: checklists as data, the evaluation window, and the pure scoring engine."""
