"""The live dashboard: served offline on localhost, driven in headless Chromium.

Needs Debian's chromium (/usr/bin/chromium), Playwright's Python package and Solara's
page assets in sys.prefix/share/solara/cdn, all installed by `make test`. Outside CI a
machine without them skips the browser test; in CI (CI=true) their absence fails it.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from presenting import CHROMIUM, CHROMIUM_FLAGS, chinese_font_or_skip

from simulation import cli, dashboard, i18n, plots, serve


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


def _ignoring_sigint() -> None:  # (as a shell starts a script's background job)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize(
    ("sent", "status", "why", "ignored"),
    [
        (signal.SIGINT, 130, "Ctrl-C", False),
        (signal.SIGTERM, 143, "SIGTERM", False),
        (signal.SIGINT, 130, "Ctrl-C", True),
    ],
)
def test_a_dashboard_stopped_says_so_with_every_commands_status(
    tmp_path, sent, status, why, ignored
):
    """Ctrl-C is how a presenter stops a dashboard, SIGTERM how a script or a service
    manager does: the server says it stopped and ends with 130 or 143, as every skillsim
    command (Solara's own command printed "Aborted." and exited with 1, a failed run by
    skillsim's exit statuses). Started in a script's background, where the shell has
    SIGINT ignored, a `kill -INT` stopped it with 0 and no word."""
    _need(not dashboard.missing_assets(), "Solara's page assets")
    assert (cli.EXIT_INTERRUPTED, 143) == (serve.EXIT_INTERRUPTED, serve.EXIT_TERMINATED)
    port = _free_port()
    cmd = [sys.executable, "-m", "simulation.cli", "dashboard", "--port", str(port)]
    cmd += ["--workers", "1500", "--months", "6"]
    with (tmp_path / "server.log").open("w") as log:
        proc = subprocess.Popen(
            cmd,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_ignoring_sigint if ignored else None,
        )
        try:
            _wait_http(f"http://127.0.0.1:{port}/", proc)
            proc.send_signal(sent)
            assert proc.wait(timeout=30) == status
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    said = (tmp_path / "server.log").read_text()
    assert serve.STOPPED.format(why=why) in said
    assert "Aborted" not in said and "Traceback" not in said


@pytest.fixture
def server(tmp_path):
    _browser_or_skip()  # (before the server: without the page's assets it exits with 2)
    with _dashboard(tmp_path) as url:
        yield url


@pytest.fixture
def server_zh(tmp_path):
    _browser_or_skip()
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
        page.get_by_text("Month 0 of 24 |").wait_for(timeout=90_000)
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
        page.get_by_text(f"Subsidy = {int(value):,}").wait_for(timeout=90_000)
        for month in (1, 2, 3):
            page.get_by_role("button", name="Step").click()
            page.get_by_text(f"Month {month} of 24 |").wait_for(timeout=60_000)
        page.wait_for_function(
            "before => { const now = [...document.querySelectorAll('img')].map(e => e.src);"
            " return now.filter(s => !before.includes(s)).length >= 6; }",
            arg=before,
            timeout=60_000,
        )
        after = _chart_images(page)
        # each chart says what it shows to a screen reader (its alt text: this month's
        # values and the status quo's), and the month's line is a live region
        page.wait_for_function(
            "() => [...document.querySelectorAll('.vue-grid-item img')]"
            ".filter(e => e.alt.includes('month 3:')).length >= 6",
            timeout=60_000,
        )
        alts = page.eval_on_selector_all(".vue-grid-item img", "els => els.map(e => e.alt)")
        live = page.eval_on_selector_all(
            "[role=status][aria-live=polite]", "els => els.map(e => e.textContent)"
        )
        page.screenshot(path=tmp_path / "dashboard.png", full_page=True)
        # every slider shows its value, not only while dragged (a projected room sees it)
        bubbles = page.eval_on_selector_all(
            ".v-navigation-drawer .v-slider__thumb-label-container",
            "els => els.map(e => [getComputedStyle(e).display, e.textContent.trim()])",
        )
        # the widest value, the subsidy's 15000, fits in its bubble (white type past the
        # bubble's edge is white on white): text width against the bubble's own width
        lever.locator("[role=slider]").focus()
        page.keyboard.press("End")
        page.wait_for_function(
            "() => [...document.querySelectorAll('.v-slider__thumb-label')]"
            ".some(e => e.textContent.trim() === '15000')",
            timeout=10_000,
        )
        fits = page.eval_on_selector_all(
            ".v-navigation-drawer .v-slider__thumb-label",
            "els => els.map(e => [e.textContent.trim(),"
            " e.firstElementChild.getBoundingClientRect().width, e.offsetWidth])",
        )
        # each chart fills its grid cell (keeping its shape): a cell dragged larger on a
        # projector gives a larger chart, a narrow window a smaller one, not a cut one
        boxes = page.eval_on_selector_all(
            ".vue-grid-item img",
            "els => els.map(e => [e.clientWidth, e.clientHeight,"
            " e.parentElement.clientWidth, e.parentElement.clientHeight])",
        )
        browser.close()
    assert len(boxes) >= 6 and all(b[:2] == b[2:] for b in boxes), boxes
    assert len(alts) == len(boxes) and all(", month 3: " in a for a in alts), alts
    assert any(a.startswith("Unemployment, month 3: unemployment rate, whole city ") for a in alts)
    assert any("(status quo " in a and "%" in a for a in alts), alts
    assert len(live) == 1 and "Month 3 of 24" in live[0], live
    assert len(bubbles) >= 9 and all(d != "none" and t for d, t in bubbles), bubbles
    assert value in [t for _, t in bubbles]  # the moved subsidy's value is shown
    assert "15000" in [t for t, _, _ in fits], fits
    assert all(width <= 0.8 * bubble for _, width, bubble in fits), fits  # (was 0.88)
    changed = [src for src in after if src not in before]
    assert len(changed) >= 6, "the charts did not change after a lever, Reset and three steps"
    assert (tmp_path / "dashboard.png").stat().st_size > 10_000
    outside = [u for u in requests if not u.startswith((server, "data:", "blob:"))]
    assert outside == [], f"the page asked for something off this machine: {outside[:5]}"
    assert failures == [], f"requests failed (an asset missing offline?): {failures[:5]}"
    log = (tmp_path / "server.log").read_text()
    assert "Traceback" not in log and "Warning" not in log, log  # a quiet console


def test_dashboard_in_chinese_in_chromium(server_zh, tmp_path):
    """--lang zh: every word on the page is Chinese, the buttons too, and they work."""
    playwright = _browser_or_skip()
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1100})
        page.goto(server_zh)
        page.get_by_text("第0个月（共24个月）｜").wait_for(timeout=90_000)
        page.wait_for_function("document.querySelectorAll('img').length >= 6", timeout=60_000)
        buttons = [b.inner_text().strip() for b in page.locator("button").all()]
        assert {"重置", "▶ 播放", "单步"} <= set(buttons), buttons
        for english in ("Reset", "Step", "Play"):
            assert page.get_by_role("button", name=english).count() == 0, buttons
        shown = page.evaluate("document.body.innerText")
        for words in ("运行控制", "播放时每月间隔（毫秒）", "模型参数", "信息", "已运行步数：0"):
            assert words in shown
        assert "点击“重置”" in shown and "“单步”" in shown  # the hint names the buttons
        latin = set(re.findall(r"[A-Za-z]{2,}", shown)) - {"skillsim"}
        assert latin == set(), f"English left on the Chinese page: {sorted(latin)}"

        for month in (1, 2):
            page.get_by_role("button", name="单步").click()
            page.get_by_text(f"第{month}个月（共24个月）｜").wait_for(timeout=60_000)
        page.get_by_text("已运行步数：2").wait_for(timeout=10_000)
        page.get_by_role("button", name="▶ 播放").click()
        # playing, a month shows for a fraction of a second: wait for month 4 or later
        page.wait_for_function(
            "() => { const m = document.body.innerText.match(/第(\\d+)个月（共24个月）/);"
            " return m && Number(m[1]) >= 4; }",
            timeout=60_000,
        )
        page.get_by_role("button", name="❚❚ 暂停").click()
        page.get_by_role("button", name="▶ 播放").wait_for(timeout=10_000)
        page.wait_for_timeout(2_000)  # a month under way when paused may still finish
        paused = page.locator(".skillsim-status").inner_text()
        page.wait_for_timeout(2_000)
        assert page.locator(".skillsim-status").inner_text() == paused, "pause did not stop"
        assert page.get_by_role("button", name="单步").is_enabled()
        page.get_by_role("button", name="重置").click()
        page.get_by_text("第0个月（共24个月）｜").wait_for(timeout=60_000)
        page.get_by_text("已运行步数：0").wait_for(timeout=10_000)
        page.screenshot(path=tmp_path / "dashboard-zh.png", full_page=True)
        browser.close()


# The buttons, card titles and slider labels of the page frame, as a presenter reads them.
FRAME_WORDS = {
    "en": {
        "buttons": ["Reset", "▶ Play", "Step"],
        "pause": "❚❚ Pause",
        "words": [
            "Controls",
            "Pause between months when playing, ms",
            "Model Parameters",
            "Information",
        ],
        "steps": "Step: {n}",
        "subsidy": "Subsidy",
    },
    "zh": {
        "buttons": ["重置", "▶ 播放", "单步"],
        "pause": "❚❚ 暂停",
        "words": ["运行控制", "播放时每月间隔（毫秒）", "模型参数", "信息"],
        "steps": "已运行步数：{n}",
        "subsidy": "企业新型学徒制培训补贴",
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
        assert any(f"{words['subsidy']} = 5,000" in s for s in _widget_words(box, []))

        play.click()
        assert button(words["pause"]).disabled is False
        assert shows(words["steps"].format(n=2)), "play did not run to the last month"
        # the run is over: play stops (its button shows play again, disabled), no Step
        assert button(words["buttons"][1]).disabled and step.disabled
        assert rc.find(v.Btn, children=[words["pause"]]).widgets == []
        # a click the browser sent before it drew the last month (a double click on Step):
        # the server does nothing; once it stepped the model past its horizon
        step.click()
        assert shows(words["steps"].format(n=2)) and rc.find(v.Alert).widgets == []
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
    assert quo.subsidy.yuan_per_year == 0 and quo.anticipation.cost_yuan_per_1000_workers_month == 0
    assert quo.quality.level == 0 and quo.vouchers.yuan_per_month == 0
    moved = dashboard.lever_policy(
        {"subsidy_yuan_per_year": 6000, "quality_standards": 3, "anticipation_lag_months": 3}
    )
    assert moved.subsidy.yuan_per_year == 6000
    assert moved.quality.level == pytest.approx(0.6)
    assert moved.quality.public_cost_yuan_per_completion > 0
    assert (
        moved.anticipation.lag_months == 3
        and moved.anticipation.cost_yuan_per_1000_workers_month > 0
    )
    assert moved.terms.wage_floor_share_of_min_wage == 1  # the law's, under every policy


def test_shares_are_set_and_said_in_percent():
    """The shares of courses and the extra rural seats showed as fractions (0.15 "share
    of courses", an extra "share" of 1.5): the sliders and the words are in percent,
    the policy holds the fractions its files hold."""
    levers = {"core_skills_percent": 20, "green_curricula_percent": 15}
    policy = dashboard.lever_policy({**levers, "rural_extra_seats_percent": 30})
    assert policy.core_skills.curriculum_share == pytest.approx(0.20)
    assert policy.green_curricula.green_share == pytest.approx(0.15)
    assert policy.rural_access.extra_seat_share == pytest.approx(0.30)
    for name in ("core_skills_percent", "green_curricula_percent", "rural_extra_seats_percent"):
        lo, hi, step, quo = dashboard.LEVERS[name][2:]
        assert all(float(x).is_integer() for x in (lo, hi, step, quo)) and hi >= 50
    assert dashboard.lever_words({**levers, "rural_extra_seats_percent": 30}, "en") == (
        "Core skills = 20% of course hours; Green skills = 15% of course hours; "
        "Rural training access: seats = 30% more (travel cost halved)"
    )
    assert dashboard.lever_words({"rural_extra_seats_percent": 30}, "zh") == (
        "农村培训可及性：名额增加 = 30%，交通成本减半"
    )
    assert policy.rural_access.travel_cost_cut == pytest.approx(0.5)  # (as the words say)
    assert dashboard.lever_words(levers, "zh") == "核心技能课时占比 = 20%；绿色技能课时占比 = 15%"


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
    assert set(gap.columns) == {"sector", "region", "employed", "skill_gap_mean"}
    assert len(gap) == model.world.n_sectors * model.world.n_regions
    # the map's values are the month's cell breakdown, as the tally computes it (a
    # mutation review: a gap of under- minus over-skill passed every test)
    cells = model.breakdown("cell")
    cells = cells[cells["month"] == cells["month"].max()].set_index(["sector", "region"])
    mine = gap.set_index(["sector", "region"])
    assert (mine["employed"] == cells.loc[mine.index, "employed"]).all()
    both = mine["employed"] > 0
    assert np.allclose(
        mine.loc[both, "skill_gap_mean"], cells.loc[mine.index[both], "skill_gap_mean"], rtol=1e-6
    )
    assert "Subsidy = 5,000 (yuan per apprentice-year)" in dashboard.lever_words(model.levers, "en")


def test_the_status_quo_behind_the_charts_is_the_unmoved_run():
    """The faint lines are the scenario's run with no lever moved, same seed: a page
    with the levers unmoved runs exactly that path, month for month."""
    model = dashboard.DashboardModel(workers=400, months=4, seed=5)
    while model.running:
        model.step()
    pd.testing.assert_frame_equal(model.metrics_frame(), model.status_quo.metrics)
    moved = dashboard.DashboardModel(workers=400, months=4, seed=5, subsidy_yuan_per_year=9000)
    assert moved.status_quo is model.status_quo  # computed once per scenario, size, seed
    low, high = model.status_quo.gap_limits
    assert 0 <= low < high <= 1


def _pixels(png: bytes) -> np.ndarray:
    import io

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def test_the_live_map_marks_the_cells_of_few_workers():
    """This month's cells with fewer than plots.THIN_CELL employed are hatched, their
    numbers in brackets (as the report's maps); the others, and empty cells, are not."""
    from simulation import plots

    model = dashboard.DashboardModel(workers=600, months=2, seed=1)
    gaps = dashboard.LiveMap("g", "en", model.world, model.status_quo)
    model.step()
    gap = dashboard.sector_region_gap(model)
    n = (model.world.n_sectors, model.world.n_regions)
    gap["employed"] = np.where(np.arange(len(gap)) % 2 == 0, plots.THIN_CELL - 1, plots.THIN_CELL)
    gap.loc[2, "skill_gap_mean"] = np.nan  # no one employed there: blank, not hatched
    gaps.png(gap)
    few = (gap["employed"] < plots.THIN_CELL) & gap["skill_gap_mean"].notna()
    shown = [h.get_visible() for row in gaps.hatches for h in row]
    assert shown == few.tolist() and len(shown) == n[0] * n[1]
    texts = [t.get_text() for row in gaps.texts for t in row]
    assert [t.startswith("(") for t in texts] == few.tolist() and texts[2] == ""
    legend = " ".join(t.get_text() for t in gaps.fig.legends[0].get_texts())
    assert f"fewer than {plots.THIN_CELL} employed workers" in legend.replace("\n", " ")


def _within(artist, fig) -> bool:
    """Whether ``artist``, as last drawn, lies inside ``fig``'s image, left to right."""
    box = artist.get_window_extent()
    return box.x0 >= 0 and box.x1 <= fig.bbox.width


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_live_charts_legends_lie_inside_their_images(lang):
    """The English line charts' legends, two columns of long labels, ran past both
    edges of the 480-pixel image and were cut off ("...oyment rate, whole city"): an
    outside review. Each legend now lies inside its chart."""
    if lang == "zh":
        chinese_font_or_skip()
    model = dashboard.DashboardModel(workers=400, months=2, seed=1)
    model.step()
    for draw in dashboard.make_components(lang)[1:]:
        draw(model)
    assert len(model.charts) == 6
    for key, chart in model.charts.items():
        for legend in chart.fig.legends:
            assert _within(legend, chart.fig), (key, legend.get_window_extent())
        if isinstance(chart, dashboard.LiveLines):
            # No blank band between the axis label and the legend, none left of the
            # y label: the line charts' month dots (unclipped, empty before a month is
            # drawn) measured as markers at the image's corner, and the layout made
            # room for them, the axes a third of the chart's height (a forum review).
            band = (
                chart.ax.xaxis.label.get_window_extent().y0
                - chart.fig.legends[0].get_window_extent().y1
            )
            left = chart.ax.yaxis.label.get_window_extent().x0
            assert band < 12 and left < 12, (key, band, left)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_each_chart_says_in_words_what_it_shows(lang):
    """A chart's alt text (what a screen reader says of the image): its title, the
    month, and what it shows then, each value beside the status quo's: the line
    charts' metrics, each region's bars, the map's widest and narrowest gap among the
    cells of enough workers, found here from the model's own numbers."""
    model = dashboard.DashboardModel(workers=600, months=6, seed=2, subsidy_yuan_per_year=9000)
    quo = model.status_quo
    lines = dashboard.LiveLines(
        ["unemployment_rate", "apprenticeship_starts"], "U", model.months, lang, quo
    )
    bars = dashboard.LiveBars(["unemployment_rate"], "R", lang, quo)
    gaps = dashboard.LiveMap("G", lang, model.world, quo)
    model.step()
    model.step()
    lines.png(model.metrics_frame())
    bars.png(model.breakdown("region"), model.month)
    gap = dashboard.sector_region_gap(model)
    gaps.png(gap, model.month)
    now = model.metrics_frame().iloc[-1]
    then = quo.metrics.set_index("month").loc[2]
    u, qu = (f"{100 * x['unemployment_rate']:.1f}%" for x in (now, then))
    starts = f"{now['apprenticeship_starts']:,.0f}"
    region = model.breakdown("region").query("month == 2").set_index("region")
    first = region.index[0]
    ru = f"{100 * region.loc[first, 'unemployment_rate']:.1f}%"
    worth = gap[gap["employed"] >= plots.THIN_CELL].dropna(subset=["skill_gap_mean"])
    top = worth.loc[worth["skill_gap_mean"].idxmax()]
    widest = f"{top['skill_gap_mean']:.3f}"
    sector = i18n.name_of("sector", top["sector"], lang)
    if lang == "en":
        assert lines.alt.startswith(
            f"U, month 2: unemployment rate, whole city {u} (status quo {qu}); "
        )
        assert f"apprenticeship starts {starts} per month (status quo " in lines.alt
        assert f"R, month 2: {i18n.name_of('region', first, 'en')}: " in bars.alt
        assert f"{i18n.region_label('unemployment_rate', 'en')} {ru} (status quo " in bars.alt
        assert gaps.alt.startswith(f"G, month 2: widest gap {widest} ({sector}, ")
        assert "; narrowest gap " in gaps.alt
        # one cell of enough workers, said once; cells with no one employed, counted
        grid = np.full(gaps.n, np.nan)
        grid[0, 0], grid[1, 1] = 0.12, 0.2
        few = np.zeros(gaps.n, dtype=bool)
        few[1, 1] = True
        said = gaps._map_alt(grid, few, 4)
        assert said == (
            f"G, month 4: one cell of enough workers: gap 0.120 ({gaps.names[0][0]}, "
            f"{gaps.names[1][0]}); 1 cell of too few workers to tell (hatched); "
            f"{grid.size - 2} cells with no one employed (blank)."
        )
        # an undefined value is no value, not a zero
        assert lines._said("unemployment_rate", np.nan) == "no value (no one counted)"
    else:
        assert lines.alt.startswith(
            f"U，第2个月：{i18n.label('unemployment_rate', 'zh')}{u}（现状{qu}）；"
        )
        assert f"{starts}人/月（现状" in lines.alt
        assert gaps.alt.startswith(f"G，第2个月：差距最大{widest}（{sector}，")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_live_charts_draw_each_month_on_fixed_scales(lang):
    """Each chart drawn month by month over a background kept for the run: the picture
    moves with the run, the scales do not (unless the run leaves the status quo's
    range), and the month's picture is the whole figure drawn afresh."""
    if lang == "zh":
        chinese_font_or_skip()
    model = dashboard.DashboardModel(workers=600, months=6, seed=2, subsidy_yuan_per_year=9000)
    quo = model.status_quo
    lines = dashboard.LiveLines(["unemployment_rate"], "u", model.months, lang, quo)
    bars = dashboard.LiveBars(["unemployment_rate"], "r", lang, quo)
    # each bar a region's rate, not labelled the whole city's ("..., whole city")
    said = [t.get_text() for t in bars.fig.legends[0].texts]
    assert i18n.region_label("unemployment_rate", lang) in said
    assert i18n.label("unemployment_rate", lang) not in said
    gaps = dashboard.LiveMap("g", lang, model.world, quo)
    scales, pictures = set(), []
    while model.running:
        model.step()
        pictures.append(
            [
                _pixels(lines.png(model.metrics_frame())),
                _pixels(bars.png(model.breakdown("region"), model.month)),
                _pixels(gaps.png(dashboard.sector_region_gap(model))),
            ]
        )
        scales.add((lines.ax.get_ylim(), bars.ax.get_ylim(), gaps.norm.vmin, gaps.norm.vmax))
    assert len(scales) == 1 or max(model.metrics_frame()["unemployment_rate"]) * 100 > lines.top
    for chart in range(3):  # each chart's picture changes with the months
        assert any(
            (pictures[m][chart] != pictures[m + 1][chart]).any() for m in range(len(pictures) - 1)
        )
    # The last picture against the same figure drawn whole (no background kept): the
    # run's artists are drawn last over the background, so only their crossings with
    # the status quo's line may differ.
    # (Drawn in the charts' theme: the tick count follows the font sizes in force.)
    for chart, last in zip((lines, bars, gaps), pictures[-1], strict=True):
        for artist in chart.moving:
            artist.set_animated(False)
        with plots.theme("paper", lang):
            chart.fig.canvas.draw()
        whole = np.asarray(chart.fig.canvas.buffer_rgba())[..., :3].astype(int)
        assert whole.shape == last.shape
        assert (np.abs(whole - last).max(axis=2) > 40).mean() < 0.005  # without the run: 1%+


def test_the_live_charts_stand_out_on_a_projector():
    """The status quo's faint lines stood at 1.7:1 on white (blue, alpha 0.35), the
    bars' orange mark at 2.2:1, and the live map's numbers and hatches used a rule of
    their own (an outside review for forums). The lines are at FAINT now, the mark in
    vermillion, and the map's numbers and hatches in ``plots.ink`` of their cell."""
    from matplotlib.colors import to_rgba

    model = dashboard.DashboardModel(workers=600, months=2, seed=2)
    quo = model.status_quo
    lines = dashboard.LiveLines(["unemployment_rate"], "u", model.months, "en", quo)
    faint = [line for line in lines.ax.get_lines() if line not in lines.moving]
    assert faint and all(line.get_alpha() == dashboard.FAINT >= 0.7 for line in faint)
    bars = dashboard.LiveBars(["unemployment_rate"], "r", "en", quo)
    marks = [m for ms in bars.marks.values() for m in ms]
    assert all(to_rgba(m.get_color()) == to_rgba(dashboard.MARK) for m in marks)
    white = (1.0, 1.0, 1.0)
    lum = [_luminance(c) for c in (to_rgba(dashboard.MARK), white)]
    assert (max(lum) + 0.05) / (min(lum) + 0.05) >= 3.0
    gaps = dashboard.LiveMap("g", "en", model.world, quo)
    model.step()
    gaps.png(dashboard.sector_region_gap(model))
    shown = 0
    for i, row in enumerate(gaps.texts):
        for j, text in enumerate(row):
            if not text.get_text():
                continue
            cell = gaps.cmap(gaps.norm(float(text.get_text().strip("()"))))
            assert text.get_color() == plots.ink(cell)
            assert gaps.hatches[i][j].get_edgecolor() == pytest.approx(plots.thin_hatch(cell))
            shown += 1
    assert shown > 0


def _luminance(rgba) -> float:
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgba[:3]]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_a_run_above_the_status_quo_widens_the_scale_once_and_keeps_its_labels():
    """The scale crept up with the run (new tick labels month after month) and, laid out
    for the first ones, cut the y label at the image's edge."""
    model = dashboard.DashboardModel(workers=600, months=6, seed=2)
    low = model.status_quo.metrics.assign(employed=7)  # far below: ticks of one digit
    quo = dashboard.StatusQuo(low, model.status_quo.region, model.status_quo.gap_limits)
    chart = dashboard.LiveLines(["employed"], "u", model.months, "en", quo)
    tops = []
    while model.running:
        model.step()
        chart.png(model.metrics_frame())
        tops.append(chart.ax.get_ylim()[1])
    assert tops[0] > model.metrics_frame()["employed"].iloc[1] * 1.2  # room to spare
    assert len(set(tops)) <= 2  # widened once (maybe twice), not month by month
    canvas, (low, high) = chart.fig.bbox, chart.ax.get_ylim()
    ticks = [t for t in chart.ax.get_yticklabels() if low <= t.get_position()[1] <= high]
    for text in (chart.ax.yaxis.label, chart.ax.title, *ticks):
        box = text.get_window_extent()
        assert canvas.x0 <= box.x0 and box.x1 <= canvas.x1 and box.y1 <= canvas.y1, text
    # the widened background as the chart's theme draws it (drawn outside it, the ticks
    # were as many as matplotlib's default font sizes leave room for: 5, not 8, here)
    last = _pixels(chart.png(model.metrics_frame()))
    for artist in chart.moving:
        artist.set_animated(False)
    with plots.theme("paper", "en"):
        chart.fig.canvas.draw()
    whole = np.asarray(chart.fig.canvas.buffer_rgba())[..., :3].astype(int)
    assert (np.abs(whole - last).max(axis=2) > 40).mean() < 0.005


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
    assert "(command line): --port = 0" in err and '--scenario = "atlantis"' in err


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


# ------------------------------------------------- the page without a browser


@contextlib.contextmanager
def _page(monkeypatch, lang="en", **settings):
    """``Page`` rendered with solara.render (status text only, no chart images), its
    settings as `skillsim dashboard` hands them over; yields (root widget, context)."""
    import solara

    if lang == "zh":
        chinese_font_or_skip()
    for name, value in {"lang": lang, "workers": "400", "months": "2", **settings}.items():
        monkeypatch.setenv(dashboard.ENV + name.upper(), str(value))
    charts = dashboard.make_components
    monkeypatch.setattr(dashboard, "make_components", lambda lang: charts(lang)[:1])
    box, rc = solara.render(solara.AppLayout(children=[dashboard.Page()]), handle_error=False)
    try:
        yield box, rc
    finally:
        rc.close()


def _shown(box) -> str:
    return "\n".join(_widget_words(box, []))


def _status(widget) -> str:
    """The words of the status text (the ``skillsim-status`` column) under ``widget``."""
    if "skillsim-status" in (getattr(widget, "class_", None) or ""):
        return _shown(widget)
    for child in [
        *(getattr(widget, "children", None) or ()),
        *(getattr(widget, "items", None) or ()),
    ]:
        if not isinstance(child, (str, dict)):
            found = _status(child)
            if found:
                return found
    return ""


def _click(rc, label):
    import ipyvuetify as v

    found = rc.find(v.Btn, children=[label])
    found.assert_single()
    found.widget.click()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_starts_with_the_scenario_asked_for(lang, monkeypatch):
    """`skillsim dashboard --scenario rural_revitalization`: the scenario selector shows
    it, and Reset (as after moving a lever) keeps it rather than falling back to the
    baseline."""
    import ipyvuetify as v

    rural = i18n.name_of("scenario", "rural_revitalization", lang)
    with _page(monkeypatch, lang, scenario="rural_revitalization") as (box, rc):
        select = rc.find(v.Select, label=dashboard._w("scenario", lang))
        select.assert_single()
        assert select.widget.v_model == rural
        _click(rc, dashboard._w("step", lang))
        _click(rc, dashboard._w("reset", lang))
        assert rural in _status(box)
        assert i18n.name_of("scenario", "baseline", lang) not in _status(box)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_status_names_the_citys_size_and_seed(lang, monkeypatch):
    """Counts and spending scale with --workers: the status line says for what size of
    city and which seed (a live audience saw apprentices and yuan without either)."""
    with _page(monkeypatch, lang, workers=1234, seed=7) as (box, rc):
        _click(rc, dashboard._w("step", lang))
        words = _status(box)
    if lang == "zh":
        assert "模拟城市1,234名劳动者，随机种子7" in words
    else:
        assert "a model city of 1,234 workers, seed 7" in words


def test_page_starts_with_a_scenario_file(tmp_path, monkeypatch, capsys):
    """`skillsim dashboard --scenario late.toml` was refused as an unknown scenario
    (`skillsim run` takes files): now the page runs it, named by its own name and file."""
    import ipyvuetify as v

    from simulation import cli

    own = tmp_path / "late_start.toml"
    own.write_text('extends = "baseline"\nname = "late_start"\nburn_in_months = 2\n')
    label = "late start (late_start.toml)"
    with _page(monkeypatch, "en", scenario=str(own)) as (box, rc):
        select = rc.find(v.Select, label=dashboard._w("scenario", "en"))
        assert select.widget.v_model == label and label in select.widget.items
        _click(rc, dashboard._w("step", "en"))
        _click(rc, dashboard._w("reset", "en"))
        assert label in _status(box)
    assert cli.main(["dashboard", "--scenario", str(tmp_path / "gone.toml")]) == 2
    assert "gone.toml: no such scenario file" in capsys.readouterr().err
    own.write_text('extends = "baseline"\nname = "late_start"\nburn_in_months = -2\n')
    assert cli.main(["dashboard", "--scenario", str(own)]) == 2
    assert f"{own}: burn_in_months = -2" in capsys.readouterr().err


def test_a_reset_that_fails_says_so_and_keeps_the_city(tmp_path, monkeypatch):
    """A scenario file broken while the page was open: Reset replaced the whole page
    with a traceback (an outside review). Now the Controls card says why, the city on
    the page stays, and a Reset once the file is mended starts the new one."""
    import ipyvuetify as v

    own = tmp_path / "live.toml"
    own.write_text('extends = "baseline"\nname = "live"\nburn_in_months = 2\n')
    with _page(monkeypatch, "en", scenario=str(own)) as (box, rc):
        _click(rc, dashboard._w("step", "en"))
        assert "Month 1 of 2" in _status(box)
        own.write_text('extends = "baseline"\nname = "late start\n')  # (unclosed quote)
        _click(rc, dashboard._w("reset", "en"))
        alert = rc.find(v.Alert)
        alert.assert_single()
        said = " ".join(_widget_words(alert.widget, []))
        assert said.startswith("Reset could not start the city (the one shown is kept): ")
        assert f"{own}: malformed TOML at line 2" in said
        assert "Month 1 of 2" in _status(box)
        own.write_text('extends = "baseline"\nname = "live"\nburn_in_months = 2\n')
        _click(rc, dashboard._w("reset", "en"))
        assert rc.find(v.Alert).widgets == [] and "Month 0 of 2" in _status(box)


def test_a_scenario_file_broken_while_the_page_is_open_breaks_no_page(tmp_path, monkeypatch):
    """The status line and the menu read the scenario file again: a Step after the file
    was broken, or a new tab, replaced the whole page with a traceback, with no Reset
    left (an outside review). A Step now goes on and names the scenario as it last
    read; a new tab says what is wrong; and a Reset after the scenario was renamed in
    the file finds the file by its label's file name."""
    import ipyvuetify as v

    own = tmp_path / "live.toml"
    own.write_text('extends = "baseline"\nname = "live"\nburn_in_months = 2\n')
    with _page(monkeypatch, "en", scenario=str(own)) as (box, rc):
        own.write_text('extends = "baseline"\nname = "late start\n')  # (unclosed quote)
        os.utime(own, ns=(ns := own.stat().st_mtime_ns, ns + 10**9))  # (a later time)
        _click(rc, dashboard._w("step", "en"))
        assert "Month 1 of 2" in _status(box) and "live (live.toml)" in _status(box)
        with _page(monkeypatch, "en", scenario=str(own)) as (other, _rc):  # a new tab
            said = _shown(other)
            assert said.startswith("The city could not be started: ")
            assert f"{own}: malformed TOML at line 2" in said
        own.write_text('extends = "baseline"\nname = "renamed"\nburn_in_months = 2\n')
        os.utime(own, ns=(ns + 2 * 10**9, ns + 2 * 10**9))
        _click(rc, dashboard._w("reset", "en"))
        assert rc.find(v.Alert).widgets == [] and "Month 0 of 2" in _status(box)
        assert "renamed (live.toml)" in _status(box)


def test_the_status_quo_follows_an_edited_scenario_file(tmp_path):
    """The status quo behind the charts was kept by the file's path: after an edit, a
    run with no lever moved showed other spending than its "status quo"."""
    own = tmp_path / "live.toml"
    base = 'extends = "baseline"\nname = "live"\nburn_in_months = 2\n'
    own.write_text(base)
    first = dashboard.DashboardModel(scenario=str(own), workers=400, months=2)
    own.write_text(base + "[behaviour.population]\ninitial_unemployment_rate = 0.12\n")
    os.utime(own, ns=(first_ns := own.stat().st_mtime_ns, first_ns + 10**9))  # (a later time)
    edited = dashboard.DashboardModel(scenario=str(own), workers=400, months=2)
    while edited.running:
        edited.step()
    mine = edited.metrics_frame()["unemployment_rate"].to_numpy()
    quo = edited.status_quo.metrics["unemployment_rate"].to_numpy()
    assert (mine == quo).all()  # nothing moved: the two paths are one
    assert not (first.status_quo.metrics["unemployment_rate"].to_numpy() == quo).all()


def test_play_stops_when_the_page_is_gone(monkeypatch):
    """Play's thread stepped on, unseen, to the run's last month after the page's
    session ended (a tab closed; the server stopping on Ctrl-C waited for it, 12 s at
    5,000 workers and minutes at 600 months). Now it stops with the session."""
    steps = []
    step = dashboard.DashboardModel.step
    monkeypatch.setattr(
        dashboard.DashboardModel, "step", lambda self: (steps.append(1), step(self))
    )
    with _page(monkeypatch, "en", months=600) as (_box, rc):
        _click(rc, dashboard._w("play", "en"))
        end = time.monotonic() + 60
        while len(steps) < 3 and time.monotonic() < end:
            time.sleep(0.05)
        assert len(steps) >= 3, "play did not start"
    time.sleep(0.5)  # (a month under way when the page went may finish)
    after = len(steps)
    time.sleep(1.0)  # ten play intervals
    assert len(steps) == after, "play went on after the page's session ended"


def test_a_port_in_use_is_said_before_the_server_starts(capsys):
    """The server printed its address, then failed with its own error (exit status 3)."""
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert dashboard.serve(port=port) == 2
    err = capsys.readouterr().err
    assert f"port {port} on 127.0.0.1 is in use (another dashboard?): choose another" in err
    assert dashboard.port_problem("127.0.0.1", port) is None  # free again
    assert "not a name or address" in dashboard.port_problem("no-such-host.invalid", port)


def test_model_params_select_the_starting_scenario():
    params = dashboard.model_params("en", 400, 2, 0, "green_transition")
    assert params["scenario"]["value"] == i18n.name_of("scenario", "green_transition", "en")
    assert params["scenario"]["value"] in params["scenario"]["values"]  # the alias too
    default = dashboard.model_params("zh", 400, 2, 0)["scenario"]
    assert default["value"] == i18n.name_of("scenario", "baseline", "zh")
    assert i18n.name_of("scenario", "green_transition", "zh") not in default["values"]
    # in the report's order, not alphabetical (基准, 第二套校准, ... in Chinese)
    shown = [
        i18n.name_of("scenario", k, "zh")
        for k in dashboard.SCENARIO_ORDER
        if k != "green_transition"
    ]
    assert default["values"] == shown


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_levers_as_set_are_shown_before_reset(lang, monkeypatch):
    """The sliders show no numbers: the line under them says what Reset will start."""
    import ipyvuetify as v

    with _page(monkeypatch, lang) as (box, rc):
        label = dashboard.LEVERS["subsidy_yuan_per_year"][1 if lang == "zh" else 0]
        lever = rc.find(v.Slider, label=label)
        lever.assert_single()
        lever.widget.v_model = 6500
        select = rc.find(v.Select, label=dashboard._w("scenario", lang)).widget
        select.v_model = i18n.name_of("scenario", "combined", lang)
        expected = dashboard._w("next_reset", lang).format(
            reset=dashboard._w("reset", lang),
            scenario=i18n.name_of("scenario", "combined", lang),
            words=dashboard.lever_words({"subsidy_yuan_per_year": 6500}, lang),
        )
        assert expected in _shown(box)
        assert "= 6,500" in expected


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_status_gives_the_urban_rates_beside_the_citys(lang, monkeypatch):
    """A forum compares the headline with China's surveyed (urban) rates: the status
    line gives the urban regions' rates next to the whole city's, as the model has them."""
    import re

    with _page(monkeypatch, lang, workers=2000, months=3) as (box, rc):
        _click(rc, dashboard._w("step", lang))
        shown = _status(box)
    params = dashboard.model_params(lang, 2000, 3, 0)
    model = dashboard.DashboardModel(**dashboard.start_arguments(params))  # as Page builds it
    model.step()
    c = {k: f"{100 * v:.1f}" for k, v in model.current.items()}
    # (a size at which the rates as shown differ, so that a mix-up would show)
    assert c["unemployment_rate"] != c["urban_unemployment_rate"]
    assert c["youth_unemployment_rate"] != c["urban_youth_unemployment_rate"]
    urban = "urban" if lang == "en" else "城镇"
    pattern = (
        r"(\d+\.\d)% ?[(（]" + urban + r" ?(\d+\.\d)%[)）] ?[|｜] ?.*?(\d+\.\d)% ?[(（]" + urban
    ) + r" ?(\d+\.\d)%[)）]"
    found = re.search(pattern, shown)
    assert found, shown
    assert found.groups() == (
        c["unemployment_rate"],
        c["urban_unemployment_rate"],
        c["youth_unemployment_rate"],
        c["urban_youth_unemployment_rate"],
    )
    # public spending beside the status quo's (a lever's fixed programme cost shows)
    quo = model.status_quo.metrics.set_index("month").loc[1, "spending_total_yuan"]
    now = model.current["spending_total_yuan"]
    if lang == "en":
        assert f"public spending {now:,.0f} yuan/month (status quo {quo:,.0f})" in shown
    else:  # (per month both; in 万 as the reports write yuan, both or neither)
        words = dashboard.money_words((now, quo), lang)
        assert f"公共支出{words[0]}元/月（现状{words[1]}元/月）" in shown
    assert dashboard.money_words((54_000.0, 9_000.0), "zh") == ["5.40万", "0.90万"]
    assert dashboard.money_words((4_000.0, 9_000.0), "zh") == ["4,000", "9,000"]
    assert dashboard.money_words((54_000.0, 9_000.0), "en") == ["54,000", "9,000"]
    moved = dashboard.DashboardModel(workers=2000, months=3, anticipation_lag_months=11)
    moved.step()
    assert moved.current["spending_total_yuan"] > dashboard.quo_spending(moved)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_last_month_says_only_reset_works(lang, monkeypatch):

    with _page(monkeypatch, lang, months=1) as (box, rc):

        def status():
            return _status(box)

        assert dashboard.hint(lang) in status()
        _click(rc, dashboard._w("step", lang))
        assert dashboard.hint(lang, ended=True) in status()
        assert dashboard.hint(lang) not in status()
        _click(rc, dashboard._w("reset", lang))
        assert dashboard.hint(lang) in status()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_live_region_says_a_step_and_the_end_not_each_month_of_play(lang, monkeypatch):
    """For a screen reader, the status's live region says the month's few numbers at a
    Step or a Reset (the page's own widget, after a Step); nothing while playing (a
    month every 0.1-0.5 s: the whole status line took 15 s to say), but at the run's
    end, with what to do then."""
    import solara.widgets

    with _page(monkeypatch, lang, months=3) as (_box, rc):
        _click(rc, dashboard._w("step", lang))
        found = [
            w
            for w in rc.find(solara.widgets.HTML).widgets
            if (w.attributes or {}).get("role") == "status"
        ]
        assert len(found) == 1 and found[0].attributes["aria-live"] == "polite"
        month = "Month 1 of 3: unemployment " if lang == "en" else "第1个月（共3个月）：失业率"
        assert found[0].unsafe_innerHTML.startswith(month), found[0].unsafe_innerHTML
    model = dashboard.DashboardModel(workers=400, months=2, seed=0)
    assert dashboard.live_words(model, lang).startswith(
        "Month 0 of 2: " if lang == "en" else "第0个月（共2个月）："
    )
    model.playing = True  # (as play's months are: Controller.advance)
    model.step()
    assert dashboard.live_words(model, lang) == ""
    model.step()  # the last month
    said = dashboard.live_words(model, lang)
    assert said.endswith(dashboard.hint(lang, ended=True))
    assert ("Month 2 of 2" if lang == "en" else "第2个月（共2个月）") in said


def test_a_month_that_fails_is_said_on_the_page(monkeypatch):
    """A step that raises shows its error on the page (the page stays usable, Reset
    works), instead of escaping from the button's click."""
    import ipyvuetify as v

    def broken(self, params):
        raise FloatingPointError("the month went wrong")

    with _page(monkeypatch) as (box, rc):
        monkeypatch.setattr(dashboard.DashboardModel, "_advance", broken, raising=False)
        _click(rc, "Step")
        assert "error in step: the month went wrong" in _shown(box)
        monkeypatch.undo()  # the model steps again
        _click(rc, "Reset")
        assert "error in step" not in _shown(box)
        assert not rc.find(v.Btn, children=["Step"]).widget.disabled


def test_bad_run_settings_stop_before_the_server_starts(monkeypatch, capsys):
    """A horizon or size a run does not allow is a clear message and exit status 2,
    not a server whose page is a traceback."""
    from simulation import cli

    started = []
    monkeypatch.setattr(dashboard, "missing_assets", lambda: [])
    monkeypatch.setattr(dashboard.os, "execve", lambda *args: started.append(args))
    for option in (["--months", "0"], ["--months", "1201"], ["--workers", "100000001"]):
        assert cli.main(["dashboard", "--port", str(_free_port()), *option]) == 2, option
        err = capsys.readouterr().err
        assert f"(command line): {option[0]} = {option[1]}" in err, err
    assert cli.main(["dashboard", "--port", str(_free_port()), "--seed", "-1"]) == 2
    assert "(command line): --seed = -1" in capsys.readouterr().err
    assert started == []
    assert dashboard.serve(port=_free_port(), months=24, seed=7) == 0  # (execve recorded)
    env = started[0][2]
    assert env[dashboard.ENV + "MONTHS"] == "24" and env[dashboard.ENV + "SEED"] == "7"
    # a page gone for good frees its session's model in minutes, not Solara's day: the
    # server's settings, as its process reads them from this environment
    read = "import solara.server.settings as s, solara.util as u; "
    read += "print(u.parse_timedelta(s.kernel.cull_timeout))"
    seconds = subprocess.run(
        [sys.executable, "-c", read], env=env, capture_output=True, text=True, check=True
    )
    assert float(seconds.stdout) == 600
    assert cli.main(["dashboard", "--port", str(_free_port()), "--seed", "3"]) == 0
    assert started[1][2][dashboard.ENV + "SEED"] == "3"  # the option reaches the page
    assert "the first page computes" not in capsys.readouterr().out
    # a city whose first page takes minutes says so (Solara's "Loading app" alone, for
    # two minutes at 5,000,000 workers: an outside review)
    assert dashboard.serve(port=_free_port(), workers=1_000_000) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "a city of 1,000,000 workers: the first page computes the status quo's" in out


def test_assessment_cost_only_with_the_assessment_standard():
    """The public cost of assessment and certification per completion is charged from
    the third standard (assessment and certification) on, not for the first two (as
    ``params.build`` pays it for any policy)."""
    from simulation import params

    def paid(policy):
        run = dashboard.loading.resolve_run("baseline", policy, 1000, 12)
        return params.build(run).appr.public_cost_per_completion

    for k in (1, 2):
        policy = dashboard.lever_policy({"quality_standards": k})
        assert paid(policy) == 0, k
        assert policy.quality.level == pytest.approx(k / 5)
    package = dashboard.loading.load_policy("package").quality.public_cost_yuan_per_completion
    for k in (3, 5):
        policy = dashboard.lever_policy({"quality_standards": k})
        assert paid(policy) == package > 0


def test_a_shock_after_the_run_is_said_on_the_page():
    """A disorderly transition shown for 36 months looked just like the baseline, with
    no word why (an outside review): its shocks start at month 60. The page says so, in
    either language; at 120 months, nothing to say."""
    from simulation import loading

    scenario = loading.load_scenario("green_transition_disorderly")
    notes = i18n.late_drivers(scenario, 36)
    # a shock moves demand from the month after its start: month 61 for one at 60 (an
    # outside review read "starts at month 60, past the 60 months" as a contradiction)
    assert notes[0].startswith("Note: in this scenario, the brown-sector shock moves demand")
    assert "from month 61 on, after the 36 months simulated" in notes[0]
    assert "runs of 61 months or more show it" in notes[0]
    assert i18n.late_drivers(scenario, 60)[0].count("month 61") == 1
    assert not any("shock" in n for n in i18n.late_drivers(scenario, 61))
    assert any("carbon price jump" in n for n in notes)
    assert i18n.late_drivers(scenario, 36, "zh")[0].startswith("注意：本情景的高碳行业冲击")
    assert i18n.late_drivers(scenario, 120) == []
    assert i18n.late_drivers(loading.load_scenario("baseline"), 36) == []
