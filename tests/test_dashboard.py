"""The live dashboard: served offline on localhost, driven in headless Chromium.

Needs Debian's chromium (/usr/bin/chromium), Playwright's Python package and Solara's
page assets in sys.prefix/share/solara/cdn, all installed by `make test`. Outside CI a
machine without them skips the browser test; in CI (CI=true) their absence fails it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from presenting import CHROMIUM, CHROMIUM_FLAGS

from simulation import dashboard, i18n


def _need(ok: bool, what: str) -> None:
    if not ok:
        if os.environ.get("CI"):
            pytest.fail(f"{what} is missing: `make test` installs it")
        pytest.skip(f"{what} is not installed (make test installs it)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, proc: subprocess.Popen, seconds: float = 120) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise AssertionError(f"the dashboard exited with status {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"the dashboard did not answer at {url} within {seconds} s")


@pytest.fixture
def server(tmp_path):
    """`skillsim dashboard` on a free localhost port, a small city; stopped after."""
    port = _free_port()
    log = (tmp_path / "server.log").open("w")
    cmd = [sys.executable, "-m", "simulation.cli", "dashboard", "--port", str(port)]
    cmd += ["--workers", "1500", "--months", "24"]
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_http(f"http://127.0.0.1:{port}/", proc)
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _chart_images(page) -> list[str]:
    return page.eval_on_selector_all("img", "els => els.map(e => e.src)")


def test_dashboard_in_chromium(server, tmp_path):
    _need(Path(CHROMIUM).is_file(), "Debian's chromium")
    _need(not dashboard.missing_assets(), "Solara's page assets")
    playwright = pytest.importorskip("playwright.sync_api")
    requests, failures = [], []
    with playwright.sync_playwright() as p:
        # launch() gives Chromium a fresh, empty profile folder of its own
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1100})
        page.on("request", lambda r: requests.append(r.url))
        page.on("requestfailed", lambda r: failures.append(f"{r.url}: {r.failure}"))
        page.on(
            "response",
            lambda r: failures.append(f"{r.url}: {r.status}") if r.status >= 400 else None,
        )
        page.goto(server)
        page.get_by_text("Month 0 of 24").wait_for(timeout=90_000)
        page.wait_for_function("document.querySelectorAll('img').length >= 6", timeout=60_000)
        before = _chart_images(page)

        # a lever: a click a third of the way along the subsidy slider (0-15,000 yuan)
        label = dashboard.LEVERS["subsidy_yuan_per_year"][0]
        lever = page.locator(".v-input", has_text=label)
        box = lever.locator(".v-slider").bounding_box()
        page.mouse.click(box["x"] + box["width"] / 3, box["y"] + box["height"] / 2)
        value = lever.locator("[role=slider]").get_attribute("aria-valuenow")
        assert 0 < int(value) < 15_000
        page.get_by_role("button", name="Reset").click()
        page.get_by_text(f"Subsidy = {value}").wait_for(timeout=90_000)
        for month in (1, 2, 3):
            page.get_by_role("button", name="Step").click()
            page.get_by_text(f"Month {month} of 24").wait_for(timeout=60_000)
        page.wait_for_function(
            "before => { const now = [...document.querySelectorAll('img')].map(e => e.src);"
            " return now.filter(s => !before.includes(s)).length >= 6; }",
            arg=before,
            timeout=60_000,
        )
        after = _chart_images(page)
        page.screenshot(path=tmp_path / "dashboard.png", full_page=True)
        browser.close()
    changed = [src for src in after if src not in before]
    assert len(changed) >= 6, "the charts did not change after a lever, Reset and three steps"
    assert (tmp_path / "dashboard.png").stat().st_size > 10_000
    outside = [u for u in requests if not u.startswith((server, "data:", "blob:"))]
    assert outside == [], f"the page asked for something off this machine: {outside[:5]}"
    assert failures == [], f"requests failed (an asset missing offline?): {failures[:5]}"


def test_levers_become_a_policy():
    quo = dashboard.lever_policy({})
    assert quo.subsidy.yuan_per_year == 0 and quo.anticipation.cost_yuan_per_month == 0
    assert quo.quality.level == 0 and quo.vouchers.yuan_per_month == 0
    moved = dashboard.lever_policy(
        {"subsidy_yuan_per_year": 6000, "quality_standards": 3, "anticipation_lag_months": 3}
    )
    assert moved.subsidy.yuan_per_year == 6000
    assert moved.quality.level == pytest.approx(0.6)
    assert moved.quality.public_cost_yuan_per_completion > 0
    assert moved.anticipation.lag_months == 3 and moved.anticipation.cost_yuan_per_month > 0
    assert moved.terms.wage_floor_share_of_min_wage == 0  # pay protection is the 4th standard


def test_dashboard_model_runs_under_levers():
    model = dashboard.DashboardModel(
        scenario=i18n.name_of("scenario", "green_transition_orderly", "zh"),
        subsidy_yuan_per_year=5000,
        workers=400,
        months=2,
    )
    assert model.scenario_key == "green_transition_orderly"
    model.step()
    gap = dashboard.sector_region_gap(model)
    assert set(gap.columns) == {"sector", "region", "skill_gap_mean"}
    assert len(gap) == model.world.n_sectors * model.world.n_regions
    assert "Subsidy = 5000" in dashboard.lever_words(model.levers, "en")


def test_asset_list_follows_solara():
    packages = dashboard.asset_packages()
    names = {p.rsplit("@", 1)[0] for p in packages}
    assert {"requirejs", "font-awesome", "@widgetti/vue-grid-layout"} <= names
    assert any(n.startswith("@widgetti/solara-vuetify") for n in names)


def test_bad_dashboard_options_fail_clearly(capsys):
    from simulation import cli

    assert cli.main(["dashboard", "--port", "0"]) == cli.EXIT_BAD_INPUT
    assert cli.main(["dashboard", "--scenario", "atlantis"]) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "--port 0" in err and "atlantis" in err


def test_localhost_by_default():
    from simulation import cli

    args = cli._parser().parse_args(["dashboard"])
    assert args.host == "127.0.0.1" and args.lang == "en"


def test_missing_assets_or_font_are_clear_messages(monkeypatch, capsys):
    from simulation import cli

    monkeypatch.setattr(dashboard, "missing_assets", lambda: ["requirejs@2.3.6"])
    assert dashboard.serve(port=_free_port()) == 2
    assert "make dashboard-assets" in capsys.readouterr().err
    monkeypatch.setattr(i18n, "CJK_FAMILIES", ("No Such Font CJK",))
    assert cli.main(["dashboard", "--lang", "zh"]) == cli.EXIT_BAD_INPUT
    assert "fonts-noto-cjk" in capsys.readouterr().err
