"""Exports for the scoring pipeline: JSON (the contract in DESIGN.md), CSV and XLSX rows."""
