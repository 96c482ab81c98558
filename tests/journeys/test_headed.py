"""A step that needs a person: without one the attempt ends as needs_human; with one (--headed)
the person completes it in the browser and the journey goes on, recorded like any other."""

from __future__ import annotations

import asyncio

import pytest

from inspector.browser import CHROMIUM_ARGS, chromium_path
from inspector.journeys.citizen import load_citizen
from inspector.journeys.journey import JourneySettings, ServiceTarget, run_attempt
from inspector.journeys.mailbox import open_mailbox
from inspector.journeys.playbook import load_playbooks

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _captcha_service(truth, platform: str) -> dict:
    return next(s for a in truth["agencies"] for s in a["services"]
                if s["behaviour"] == "captcha" and s["platform"] == platform)


async def _attempt(sandbox, service: dict, serial: int, *, headed: bool, person=None,
                   human_timeout: float = 60):
    from playwright.async_api import async_playwright

    citizen = load_citizen(sandbox.out_dir / "citizen.yaml")
    async with async_playwright() as playwright:
        # headless here: what --headed changes in the journey is that a person is asked
        browser = await playwright.chromium.launch(executable_path=chromium_path(),
                                                   args=CHROMIUM_ARGS)
        try:
            return await run_attempt(
                browser, target=ServiceTarget(service["register_id"], service["name"],
                                              service["url"]),
                playbook=load_playbooks()["dvc-ssr"], identity=citizen.identity(serial),
                settings=JourneySettings(step_timeout=20, mail_timeout=10, headed=headed,
                                         human_timeout=human_timeout, video=False),
                mailbox=open_mailbox(citizen.mailbox), secrets=citizen.secrets(),
                ask_human=person)
        finally:
            await browser.close()


def test_without_a_person_the_captcha_ends_the_attempt(sandbox, truth):
    service = _captcha_service(truth, "ssr")
    result = asyncio.run(_attempt(sandbox, service, 910_001, headed=False))
    assert (result.outcome, result.failed_step) == ("needs_human", "submit")
    assert "captcha" in result.reason and "dossier_code" not in result.vars


def test_a_person_types_the_captcha_and_the_journey_goes_on(sandbox, truth):
    service = _captcha_service(truth, "ssr")
    core = sandbox.service_apps["ssr"].core
    asked = []

    async def person(reason: str, page) -> None:
        # The inspector reads the image and types its text (here: the text behind the image).
        asked.append(reason)
        text = [text for (_, sid), text in core.captchas.items() if sid == service["id"]][-1]
        await page.get_by_label("Mã xác nhận").fill(text)

    result = asyncio.run(_attempt(sandbox, service, 910_002, headed=True, person=person))
    assert asked and "captcha" in asked[0]
    assert result.outcome == "ok", result.reason
    assert result.vars["dossier_code"] and result.vars["status"]
    assert any(step["action"] == "a person finished the step" for step in result.steps)
    assert "trace" in result.files and result.files["screenshot"]


def test_a_person_who_never_comes_leaves_it_needing_one(sandbox, truth):
    service = _captcha_service(truth, "ssr")

    async def nobody(reason: str, page) -> None:
        await asyncio.sleep(3600)

    result = asyncio.run(_attempt(sandbox, service, 910_003, headed=True, person=nobody,
                                  human_timeout=1))
    assert (result.outcome, result.failed_step) == ("needs_human", "submit")
    assert "nobody finished it" in result.reason
