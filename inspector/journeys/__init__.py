"""Online public-service checks with Playwright (Section V.4.2)."""
