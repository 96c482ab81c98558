"""Downloader middlewares of the portal crawl, one small component per file."""
