"""Scrapy extensions of the portal crawl (enabled in crawl/settings.py)."""
