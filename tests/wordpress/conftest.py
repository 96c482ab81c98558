"""The WordPress commune portal (tests/wordpress/site.py), once per test session.

`wordpress` starts it (private MariaDB, private docroot, php -S on a free loopback port) and
stops it at the end of the session. A test of this folder that fails gets the servers' logs
(mariadbd, php -S, setup.php, the router's access log) as a report section."""

from __future__ import annotations

import pytest

from .site import SiteError, WordPressSite

_RUNNING: list[WordPressSite] = []


@pytest.fixture(scope="session")
def wordpress(tmp_path_factory):
    site = WordPressSite(tmp_path_factory.mktemp("wordpress"))
    try:
        site.start()
    except SiteError as exc:
        pytest.fail(f"{exc}\n\n{site.logs()}", pytrace=False)
    except Exception as exc:  # a timeout, an OSError: the logs tell why
        pytest.fail(f"the WordPress test site could not start: {type(exc).__name__}: {exc}\n\n"
                    f"{site.logs()}", pytrace=False)
    _RUNNING.append(site)
    try:
        yield site
    finally:
        _RUNNING.remove(site)
        site.stop()


@pytest.fixture(scope="session")
def wordpress_truth(wordpress):
    return wordpress.truth


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and _RUNNING:
        report.sections.append(("WordPress site logs", _RUNNING[-1].logs(lines=25)))
