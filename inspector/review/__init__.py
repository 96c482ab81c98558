"""The reviewers' web page, accounts, overrides and the agencies' answers (Section VII)."""
