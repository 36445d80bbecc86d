"""The live dashboard: served offline on localhost, driven in headless Chromium.

Needs Debian's chromium (/usr/bin/chromium), Playwright's Python package and Solara's
page assets in sys.prefix/share/solara/cdn, all installed by `make test`. Outside CI a
machine without them skips the browser test; in CI (CI=true) their absence fails it.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from presenting import CHROMIUM, CHROMIUM_FLAGS, chinese_font_or_skip

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


@contextlib.contextmanager
def _dashboard(tmp_path, *options: str):
    """`skillsim dashboard` on a free localhost port, a small city; stopped after."""
    port = _free_port()
    log = (tmp_path / "server.log").open("w")
    cmd = [sys.executable, "-m", "simulation.cli", "dashboard", "--port", str(port)]
    cmd += ["--workers", "1500", "--months", "24", *options]
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


@pytest.fixture
def server(tmp_path):
    with _dashboard(tmp_path) as url:
        yield url


@pytest.fixture
def server_zh(tmp_path):
    chinese_font_or_skip()
    with _dashboard(tmp_path, "--lang", "zh") as url:
        yield url


def _browser_or_skip():
    _need(Path(CHROMIUM).is_file(), "Debian's chromium")
    _need(not dashboard.missing_assets(), "Solara's page assets")
    return pytest.importorskip("playwright.sync_api")


def _chart_images(page) -> list[str]:
    return page.eval_on_selector_all("img", "els => els.map(e => e.src)")


def test_dashboard_in_chromium(server, tmp_path):
    playwright = _browser_or_skip()
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


def test_dashboard_in_chinese_in_chromium(server_zh, tmp_path):
    """--lang zh: every word on the page is Chinese, the buttons too, and they work."""
    playwright = _browser_or_skip()
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1100})
        page.goto(server_zh)
        page.get_by_text("第0/24个月").wait_for(timeout=90_000)
        page.wait_for_function("document.querySelectorAll('img').length >= 6", timeout=60_000)
        buttons = [b.inner_text().strip() for b in page.locator("button").all()]
        assert {"重置", "▶ 播放", "单步"} <= set(buttons), buttons
        for english in ("Reset", "Step", "Play"):
            assert page.get_by_role("button", name=english).count() == 0, buttons
        shown = page.evaluate("document.body.innerText")
        for words in ("运行控制", "播放间隔（毫秒）", "模型参数", "信息", "已运行步数：0"):
            assert words in shown
        assert "点击“重置”" in shown and "“单步”" in shown  # the hint names the buttons
        latin = set(re.findall(r"[A-Za-z]{2,}", shown)) - {"skillsim"}
        assert latin == set(), f"English left on the Chinese page: {sorted(latin)}"

        for month in (1, 2):
            page.get_by_role("button", name="单步").click()
            page.get_by_text(f"第{month}/24个月").wait_for(timeout=60_000)
        page.get_by_text("已运行步数：2").wait_for(timeout=10_000)
        page.get_by_role("button", name="▶ 播放").click()
        page.get_by_text("第4/24个月").wait_for(timeout=60_000)
        page.get_by_role("button", name="❚❚ 暂停").click()
        page.get_by_role("button", name="▶ 播放").wait_for(timeout=10_000)
        page.wait_for_timeout(2_000)  # a month under way when paused may still finish
        paused = page.locator(".skillsim-status").inner_text()
        page.wait_for_timeout(2_000)
        assert page.locator(".skillsim-status").inner_text() == paused, "pause did not stop"
        assert page.get_by_role("button", name="单步").is_enabled()
        page.get_by_role("button", name="重置").click()
        page.get_by_text("第0/24个月").wait_for(timeout=60_000)
        page.get_by_text("已运行步数：0").wait_for(timeout=10_000)
        page.screenshot(path=tmp_path / "dashboard-zh.png", full_page=True)
        browser.close()


# The buttons, card titles and slider labels of the page frame, as a presenter reads them.
FRAME_WORDS = {
    "en": {
        "buttons": ["Reset", "▶", "Step"],
        "pause": "❚❚",
        "words": ["Controls", "Play Interval (ms)", "Model Parameters", "Information"],
        "steps": "Step: {n}",
        "subsidy": "Subsidy",
    },
    "zh": {
        "buttons": ["重置", "▶ 播放", "单步"],
        "pause": "❚❚ 暂停",
        "words": ["运行控制", "播放间隔（毫秒）", "模型参数", "信息"],
        "steps": "已运行步数：{n}",
        "subsidy": "学徒补贴",
    },
}


def _widget_words(widget, out: list[str]) -> list[str]:
    """Every string a widget tree shows: children, labels, titles, grid items."""
    for name in ("label", "title", "hint", "placeholder"):
        value = getattr(widget, name, None)
        if isinstance(value, str) and value:
            out.append(value)
    for child in [
        *(getattr(widget, "children", None) or ()),
        *(getattr(widget, "items", None) or ()),
    ]:
        if isinstance(child, str):
            out.append(child)
        elif not isinstance(child, dict):
            _widget_words(child, out)
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_frame_in_each_language(lang, monkeypatch):
    """The page without a browser (solara.render): the frame's words in ``lang``; Step,
    a lever set through Mesa's ModelCreator then Reset, play to the last month. Fails
    if a Mesa upgrade changes ModelCreator (the one piece of SolaraViz the page uses)."""
    import ipyvuetify as v
    import solara

    if lang == "zh":
        chinese_font_or_skip()
    for name, value in {"lang": lang, "workers": "400", "months": "2"}.items():
        monkeypatch.setenv(dashboard.ENV + name.upper(), value)
    # the status text only: the charts are images (the browser tests draw them), and slow
    charts = dashboard.make_components
    monkeypatch.setattr(dashboard, "make_components", lambda lang: charts(lang)[:1])
    words = FRAME_WORDS[lang]
    box, rc = solara.render(solara.AppLayout(children=[dashboard.Page()]), handle_error=False)
    try:

        def button(label):
            found = rc.find(v.Btn, children=[label])
            found.assert_single()
            return found.widget

        def shows(text, seconds=60.0):
            """Whether ``text`` is on the page, waiting for a render under way (a step
            played in the background redraws the charts before it takes a click)."""
            end = time.monotonic() + seconds
            while not rc.find(children=[text]).widgets and time.monotonic() < end:
                time.sleep(0.1)
            return bool(rc.find(children=[text]).widgets)

        assert [b.children for b in rc.find(v.Btn).widgets] == [[w] for w in words["buttons"]]
        shown = _widget_words(box, [])
        assert set(words["words"]) <= set(shown), shown
        if lang == "zh":
            latin = {w for s in shown for w in re.findall(r"[A-Za-z]{2,}", s)} - {"skillsim"}
            assert latin == set(), f"English left on the Chinese page: {sorted(latin)}"
        reset, play, step = (button(w) for w in words["buttons"])

        step.click()
        assert shows(words["steps"].format(n=1))
        lever = rc.find(
            v.Slider, label=dashboard.LEVERS["subsidy_yuan_per_year"][1 if lang == "zh" else 0]
        )
        lever.assert_single()
        lever.widget.v_model = 5000  # as a presenter's drag would
        reset.click()
        assert shows(words["steps"].format(n=0))
        assert any(f"{words['subsidy']} = 5000" in s for s in _widget_words(box, []))

        play.click()
        assert button(words["pause"]).disabled is False
        assert shows(words["steps"].format(n=2)), "play did not run to the last month"
        assert button(words["pause"]).disabled and step.disabled  # the run is over
        reset.click()
        assert shows(words["steps"].format(n=0))
        assert not button(words["buttons"][1]).disabled and not step.disabled
    finally:
        rc.close()


def test_hint_names_the_buttons():
    assert dashboard.hint("en") == (
        "Move the levers, then Reset to start the city under them; Step or play to run it."
    )
    assert "“重置”" in dashboard.hint("zh") and "“单步”" in dashboard.hint("zh")
    assert "Reset" not in dashboard.hint("zh") and "Step" not in dashboard.hint("zh")


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
