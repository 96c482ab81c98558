"""Portal inspection with Scrapy: find the sections, count and date the posts, detect features.

Extraction (page objects: `dates`, `listings`, `discovery`, `features`) works on HTML text and a
URL and knows nothing of Scrapy; navigation (the spider, its middlewares) decides what to fetch;
the pipeline turns what was found into observations for `inspector score`.
"""
