"""The nightly job: crawl, due service checks, scoring and history, resumable after a kill."""
