"""Request fingerprints per agency: two agencies sharing a portal each get their pages read."""

from __future__ import annotations

import hashlib

from scrapy.utils.request import fingerprint


class AgencyFingerprinter:
    """Scrapy's fingerprint with the agency added, so that the duplicate filter drops a page
    seen twice for one agency but not the same page read for another (a portal shared by
    two units, or listed twice in the register)."""

    @classmethod
    def from_crawler(cls, crawler):
        return cls()

    def fingerprint(self, request) -> bytes:
        agency = str(request.meta.get("agency", "")).encode()
        return hashlib.sha1(fingerprint(request) + b"\0" + agency).digest()
