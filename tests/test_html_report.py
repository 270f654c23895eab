"""The HTML report: self-contained, the right numbers, escaped text, and seen by a real browser."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_report import SCENARIO, infeasible_solution, optimal_solution

from optimizer import readiness, results
from optimizer.errors import OutputError
from optimizer.io import atomic
from optimizer.reports import html as html_report
from optimizer.reports import plan as report
from optimizer.reports.html import Html, Section, Table, figure_png, render_html, write_html
from optimizer.results import Solution
from optimizer.scenario import Partner

CHROMIUM = "/usr/bin/chromium"
EXAMPLE_XLSX = Path(__file__).resolve().parent.parent / "inputs" / "example.xlsx"
EXAMPLE_CSV = EXAMPLE_XLSX.with_suffix("")


# --------------------------------------------------------------------------- reading the page


class Page(HTMLParser):
    """The parts of a report page the tests look at."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text_by_id: dict[str, str] = {}
        self.tables: dict[str, list[list[str]]] = {}
        self._open_ids: list[tuple[str, str, int]] = []  # (id, tag, depth)
        self._depth = 0
        self._texts: dict[str, list[str]] = {}
        self._table: list[list[str]] | None = None
        self._table_id = ""
        self._cell: list[str] | None = None
        self.feed(text)
        self.close()

    _VOID = {"img", "meta", "br", "hr", "link", "input", "source", "col", "wbr"}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag in self._VOID:
            return
        self._depth += 1
        if a.get("id"):
            self._open_ids.append((a["id"] or "", tag, self._depth))
            self._texts[a["id"] or ""] = []
        if tag == "table":
            self._table, self._table_id = [], a.get("id") or f"table-{len(self.tables)}"
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in self._VOID:
            return
        if tag in ("td", "th") and self._cell is not None and self._table is not None:
            self._table[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        if tag == "table" and self._table is not None:
            self.tables[self._table_id] = self._table
            self._table = None
        while self._open_ids and self._open_ids[-1][2] >= self._depth:
            ident, _, _ = self._open_ids.pop()
            self.text_by_id[ident] = " ".join("".join(self._texts.pop(ident)).split())
        self._depth -= 1

    def handle_data(self, data: str) -> None:
        for ident, _, _ in self._open_ids:
            self._texts[ident].append(data)
        if self._cell is not None:
            self._cell.append(data)

    def images(self) -> list[dict[str, str | None]]:
        return [a for tag, a in self.tags if tag == "img"]


def _page(solution: Solution, **kwargs) -> tuple[str, Page]:
    text = render_html(solution, **kwargs)
    return text, Page(text)


def _rows(page: Page, table_id: str) -> list[list[str]]:
    return page.tables[table_id]


# --------------------------------------------------------------------------- self-contained and accessible


def test_page_is_self_contained_and_accessible(tmp_path: Path) -> None:
    path = write_html(optimal_solution(), tmp_path / "plan.html")
    text = path.read_text(encoding="utf-8")
    page = Page(text)
    assert text.startswith("<!DOCTYPE html>")
    html_tag = next(a for tag, a in page.tags if tag == "html")
    assert html_tag.get("lang") == "en"
    # no resource from anywhere else, and no script at all
    for tag, attrs in page.tags:
        assert tag not in ("script", "link", "iframe", "object", "embed")
        for name in ("src", "href", "srcset", "data", "action", "poster"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("http:", "https:", "//", "file:", "ftp:")), (tag, name, value)
    assert not re.search(r"(?i)url\(\s*['\"]?\s*(https?:|//)", text)
    assert not re.search(r"(?i)@import", text)
    assert "<script" not in text.lower()
    images = page.images()
    assert len(images) == 4  # before and after heatmaps, spend by period, spend by partner
    for attrs in images:
        src = attrs.get("src") or ""
        assert src.startswith("data:image/png;base64,")
        png = base64.b64decode(src.split(",", 1)[1], validate=True)
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        assert (attrs.get("alt") or "").strip(), "every image needs a text alternative"
        assert int(attrs.get("width") or 0) > 100 and int(attrs.get("height") or 0) > 50
    ids = [a["id"] for _, a in page.tags if a.get("id")]
    assert len(ids) == len(set(ids)), "ids are unique"
    # every table has column headers
    tables = text.count("<table")
    assert tables >= 8
    assert text.count("<thead>") == tables
    assert text.count('<th scope="col"') > tables


def test_headline_numbers_match_the_solution() -> None:
    solution = optimal_solution()
    _, page = _page(solution)
    ids = page.text_by_id
    # hand-worked in test_report.py: 39.375 -> 46.5, spend 12 + 6 of 20 + 15
    assert ids["score-before"] == "39.4" == f"{solution.baseline_score:.1f}"
    assert ids["score-after"] == "46.5" == f"{solution.score:.1f}"
    assert ids["spend-total"] == "18.0" == f"{solution.spend:.1f}"
    assert ids["budget-total"] == "35.0"
    assert "of 35.0 USD M" in ids["spend-card"]
    # levels: baseline 20, 40 | 10, 60 | 55, 80 and period 2: 32, 50 | 15, 60 | 70, 80
    before = [int(ids[f"count-before-{k}"]) for k in range(4)]
    after = [int(ids[f"count-after-{k}"]) for k in range(4)]
    assert before == [2, 1, 2, 1]
    assert after == [1, 1, 3, 1]
    final = solution.readiness[solution.readiness["period"] == SCENARIO.horizon]
    assert after == [int((final["level"] == k).sum()) for k in range(4)]
    base_levels = readiness.levels(
        np.array(list(SCENARIO.baseline.values())), SCENARIO.settings.level_thresholds
    )
    assert before == [int((base_levels == k).sum()) for k in range(4)]
    assert "optimal" in ids["status"]


@pytest.mark.slow
def test_tables_show_the_plan() -> None:
    solution = optimal_solution()
    _, page = _page(solution)
    spend = _rows(page, "spend-by-period")
    assert spend[0][:6] == ["period", "training", "standardization", "spend", "budget", "unused"]
    assert spend[1][:6] == ["1", "7.0", "5.0", "12.0", "20.0", "8.0"]
    assert spend[2][:6] == ["2", "6.0", "0.0", "6.0", "15.0", "9.0"]
    assert spend[3][:6] == ["total", "13.0", "5.0", "18.0", "35.0", "17.0"]
    assert spend[1][6] == "training 0.125"  # the binding type budget and its shadow price
    # level changes: ALD C2 20 -> 32 (0 -> 1) and ALD LOG 40 -> 50 (1 -> 2)
    changes = _rows(page, "level-changes")[1:]
    assert [(r[0], r[1], r[4]) for r in changes] == [("ALD", "C2", "+1"), ("ALD", "LOG", "+1")]
    assert changes[0][2] == "20.0 not interoperable" and changes[0][3] == "32.0 deconflicted"
    transitions = _rows(page, "transitions")
    assert transitions[1][1:] == ["1", "1", "0", "0"]  # from not interoperable: =1+1 C2 stays, ALD C2 moves
    assert sum(int(x) for row in transitions[1:] for x in row[1:]) == 6
    weakest = {r[0].split()[0]: r for r in _rows(page, "weakest-table")[1:]}
    assert weakest["C2"][1:5] == ["=1+1", "10.0 not interoperable", "=1+1", "15.0 not interoperable"]
    assert weakest["LOG"][1:5] == ["ALD", "40.0 deconflicted", "ALD", "50.0 compatible"]
    options = {r[0]: r for r in _rows(page, "options-table")[1:]}
    assert options["TRN"][2:] == ["training", "2.00", "3", "6", "13.0", "72%"]
    assert options["@SUM(A1)"][2:] == ["standardization", "5.00", "1", "1", "5.0", "28%"]


def _renamed(solution: Solution, old: str, new: str, name: str) -> Solution:
    """The solution with partner `old` called `new` (and named `name`) everywhere."""
    scenario = solution.scenario
    partners = tuple(
        dataclasses.replace(p, id=new, name=name) if p.id == old else p for p in scenario.partners
    )
    baseline = {(new if p == old else p, d): v for (p, d), v in scenario.baseline.items()}
    targets = tuple(dataclasses.replace(t, partner=new) if t.partner == old else t for t in scenario.targets)
    scenario = dataclasses.replace(scenario, partners=partners, baseline=baseline, targets=targets)

    def swap(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.copy()
        if "partner" in frame and len(frame):
            frame["partner"] = frame["partner"].replace({old: new})
        return frame

    return dataclasses.replace(
        solution,
        scenario=scenario,
        allocation=swap(solution.allocation),
        readiness=swap(solution.readiness),
        shortfalls=swap(solution.shortfalls),
    )


@pytest.mark.parametrize("make", [optimal_solution, infeasible_solution])
def test_user_text_is_escaped(make) -> None:
    hostile = "<script>alert(1)</script>"
    solution = _renamed(make(), "=1+1", hostile, 'Q"uote & <b>bold</b> $x^2$')
    scenario = solution.scenario.with_settings(currency="<i>EUR</i>")
    solution = dataclasses.replace(solution, scenario=scenario, message="<img src=x onerror=alert(2)>")
    text, page = _page(solution)
    assert "<script" not in text.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<b>bold</b>" not in text and "&lt;b&gt;bold&lt;/b&gt;" in text
    assert "<i>EUR</i>" not in text and "&lt;i&gt;EUR&lt;/i&gt;" in text
    assert "<img src=x" not in text and "&lt;img src=x onerror=alert(2)&gt;" in text
    assert all((a.get("src") or "").startswith("data:image/png;base64,") for a in page.images())
    # the hostile partner shows up as plain text where partners are listed
    partners = {r[0]: r[1] for r in _rows(page, "partners")[1:]}
    assert partners[hostile] == 'Q"uote & <b>bold</b> $x^2$'


def test_infeasible_solution_shows_what_is_known(tmp_path: Path) -> None:
    solution = infeasible_solution()
    path = write_html(solution, tmp_path / "plan.html")
    page = Page(path.read_text(encoding="utf-8"))
    ids = page.text_by_id
    assert "infeasible" in ids["status"]
    assert ids["score-before"] == "39.4"
    assert "score-after" not in ids and "spend-total" not in ids
    assert ids["budget-total"] == "35.0"
    assert [int(ids[f"count-before-{k}"]) for k in range(4)] == [2, 1, 2, 1]
    assert [ids[f"count-after-{k}"] for k in range(4)] == ["–"] * 4
    shortfalls = _rows(page, "shortfalls-table")
    assert shortfalls[1] == ["ALD", "C2", "2", "30.0", "24.5", "5.5", "3"]
    assert shortfalls[2] == ["=1+1", "LOG", "2", "90.0", "85.0", "5.0", ""]
    assert "targets cannot all be met" in path.read_text(encoding="utf-8")
    images = page.images()
    assert len(images) == 1 and "before the plan" in (images[0].get("alt") or "")
    assert "spend-by-period" not in page.tables and "options-table" not in page.tables


def test_time_limit_without_plan_and_a_plan_that_funds_nothing() -> None:
    none_found = dataclasses.replace(
        optimal_solution(),
        status="time_limit",
        score=None,
        allocation=results.empty(results.ALLOCATION_COLUMNS),
    )
    _, page = _page(none_found)
    assert "no plan was found" in page.text_by_id["status"]
    assert len(page.images()) == 1
    units = np.zeros((2, 3, 2))
    raw = readiness.raw_readiness(SCENARIO, units)
    nothing = dataclasses.replace(
        optimal_solution(),
        score=readiness.score(SCENARIO, readiness.capped(SCENARIO, raw)),
        allocation=results.allocation_table(SCENARIO, units),
        readiness=results.readiness_table(SCENARIO, raw),
    )
    text, page = _page(nothing)
    assert page.text_by_id["spend-total"] == "0.0"
    assert page.text_by_id["score-after"] == page.text_by_id["score-before"] == "39.4"
    assert "The plan funds nothing." in text
    assert "No partner changes level in any domain." in text


def test_evaluated_plan_shows_the_rules_it_breaks() -> None:
    columns = results.VIOLATION_COLUMNS
    violations = pd.DataFrame(
        [("period budget", None, None, None, None, 1, 20.0, 23.5, 3.5)], columns=columns
    )
    solution = dataclasses.replace(optimal_solution(), status="evaluated", violations=violations)
    _, page = _page(solution)
    assert "evaluated" in page.text_by_id["status"] and "breaks rules" in page.text_by_id["status"]
    rows = _rows(page, "violations-table")
    assert rows[0] == list(columns)
    assert rows[1][0] == "period budget" and rows[1][-3:] == ["20.00", "23.50", "3.50"]


# --------------------------------------------------------------------------- inputs, hooks and writing


@pytest.mark.slow
def test_fingerprints_of_a_workbook_and_a_csv_folder(tmp_path: Path) -> None:
    text, page = _page(optimal_solution(), inputs=[EXAMPLE_XLSX, EXAMPLE_CSV])
    inputs = _rows(page, "inputs")
    digest = hashlib.sha256(EXAMPLE_XLSX.read_bytes()).hexdigest()
    assert inputs[1][:3] == [str(EXAMPLE_XLSX), "file", digest]
    assert inputs[2][:2] == [str(EXAMPLE_CSV), "folder"]
    names = sorted(n for n in os.listdir(EXAMPLE_CSV) if n.endswith(".csv"))
    files = {r[0]: r[2] for r in inputs[3:]}
    assert list(files) == names
    assert all(files[n] == hashlib.sha256((EXAMPLE_CSV / n).read_bytes()).hexdigest() for n in names)
    listing = "".join(f"{files[n]}  {n}\n" for n in names)
    assert inputs[2][2] == hashlib.sha256(listing.encode()).hexdigest()
    if shutil.which("sha256sum") and shutil.which("bash"):  # the command the report prints
        shell = subprocess.run(
            ["bash", "-c", "export LC_ALL=C && sha256sum *.csv | sha256sum"],
            cwd=EXAMPLE_CSV, capture_output=True, text=True, check=True,
        )  # fmt: skip
        assert shell.stdout.split()[0] == inputs[2][2]
    # recorded fingerprints (from a saved JSON result) are shown as given
    recorded = [{"path": "old/plan.xlsx", "kind": "file", "sha256": "ab" * 32, "files": []}]
    _, page = _page(optimal_solution(), inputs=[EXAMPLE_XLSX], fingerprints=recorded)
    assert _rows(page, "inputs")[1][:3] == ["old/plan.xlsx", "file", "ab" * 32]


def test_json_carries_the_fingerprints(tmp_path: Path) -> None:
    path = report.write_report(optimal_solution(), tmp_path / "plan.json", inputs=[EXAMPLE_XLSX])
    data = json.loads(path.read_text())
    assert data["inputs"] == [
        {
            "path": str(EXAMPLE_XLSX),
            "kind": "file",
            "sha256": hashlib.sha256(EXAMPLE_XLSX.read_bytes()).hexdigest(),
            "files": [],
        }
    ]
    assert report.to_json(optimal_solution())["inputs"] == []
    chosen = report.input_fingerprints([EXAMPLE_XLSX])
    path = report.write_report(
        optimal_solution(),
        tmp_path / "plan.json",
        inputs=[EXAMPLE_XLSX, tmp_path / "model.mps"],
        fingerprints=chosen,
    )
    assert json.loads(path.read_text())["inputs"] == chosen
    missing = report.input_fingerprints(tmp_path / "nowhere.xlsx")
    assert missing == [{"path": str(tmp_path / "nowhere.xlsx"), "kind": "file", "sha256": None, "files": []}]


@pytest.mark.slow
def test_extra_sections_are_shown_in_order_and_escaped() -> None:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(3, 2))
    figure.add_subplot().plot([1, 2, 3], [2, 1, 3])
    sections = [
        Section("Budget frontier", figure_png(figure), alt="Score against budget: rises then flattens."),
        Section("Tornado <top>", Table(["input", "swing"], [["<gain>", 1.5]], caption="Swings")),
        Section("Markup", Html("<p class='mine'>trusted</p>"), note="from <sensitivity>"),
        Section("Plain", "a < b"),
    ]
    text, page = _page(optimal_solution(), extra_sections=sections)
    order = [
        text.index(s)
        for s in ("Budget frontier", "Tornado &lt;top&gt;", "Markup", "Plain", "Scenario and inputs")
    ]
    assert order == sorted(order)
    assert text.index("Funded options") < order[0]
    assert len(page.images()) == 5
    assert any(a.get("alt") == "Score against budget: rises then flattens." for a in page.images())
    assert "&lt;gain&gt;" in text and "<p class='mine'>trusted</p>" in text
    assert "from &lt;sensitivity&gt;" in text and "<p>a &lt; b</p>" in text
    with pytest.raises(ValueError, match="PNG"):
        render_html(optimal_solution(), extra_sections=[Section("broken", b"GIF89a...")])


@pytest.mark.slow
def test_refuses_inputs_and_wrong_names(tmp_path: Path) -> None:
    scenario_file = tmp_path / "plan.html"
    scenario_file.write_text("mine")
    with pytest.raises(OutputError, match="overwrite the input"):
        write_html(optimal_solution(), scenario_file, inputs=[scenario_file])
    assert scenario_file.read_text() == "mine"
    folder = tmp_path / "scenario"
    folder.mkdir()
    with pytest.raises(OutputError, match="inside the input folder"):
        write_html(optimal_solution(), folder / "report.html", inputs=[folder])
    assert os.listdir(folder) == []
    with pytest.raises(OutputError, match=r"\.html"):
        write_html(optimal_solution(), tmp_path / "plan.xlsx")
    (tmp_path / "dir.html").mkdir()
    with pytest.raises(OutputError, match="is a folder"):
        write_html(optimal_solution(), tmp_path / "dir.html")
    written = write_html(optimal_solution(), tmp_path / "new" / "deeper" / "plan.HTML")
    assert written.is_file() and written.parent.name == "deeper"


def test_failed_write_leaves_previous_report(tmp_path: Path, monkeypatch) -> None:
    path = write_html(optimal_solution(), tmp_path / "plan.html")
    before = path.read_bytes()

    def broken(_path):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic, "fsync", broken)
    with pytest.raises(OutputError, match="No space left on device"):
        write_html(infeasible_solution(), path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["plan.html"]


@pytest.mark.slow
def test_matplotlib_is_imported_only_when_a_report_is_made() -> None:
    code = (
        "import sys, optimizer.reports.html, optimizer.reports.plan, optimizer.cli; "
        "print('matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.slow
def test_many_partners_and_odd_text_still_render() -> None:
    partners = tuple(Partner(f"P{i:02d}", name="Ünïcødé ☃ 漢字 " * (i % 3)) for i in range(30))
    scenario = dataclasses.replace(
        SCENARIO,
        partners=partners,
        baseline={
            (p.id, d.id): float((i * 7) % 101) for i, p in enumerate(partners) for d in SCENARIO.domains
        },
    )
    units = np.zeros((2, 30, 2))
    units[0, :, 0] = 1.0
    raw = readiness.raw_readiness(scenario, units)
    solution = Solution(
        status="optimal",
        scenario=scenario,
        score=readiness.score(scenario, readiness.capped(scenario, raw)),
        baseline_score=results.baseline_score(scenario),
        allocation=results.allocation_table(scenario, units),
        readiness=results.readiness_table(scenario, raw),
        budget_use=results.empty(results.BUDGET_COLUMNS),
        shortfalls=results.empty(results.SHORTFALL_COLUMNS),
        solver="highs",
        seconds=0.1,
    )
    _, page = _page(solution)
    assert len(page.images()) == 4
    counts = [int(page.text_by_id[f"count-after-{k}"]) for k in range(4)]
    assert sum(counts) == 30 * 2


# --------------------------------------------------------------------------- in a real browser

_PROBE = """<script>
window.__errors = [];
window.addEventListener("error", function (e) {
  var t = e.target;
  window.__errors.push(t && t.tagName ? t.tagName + " failed to load" : String(e.message));
}, true);
window.addEventListener("load", function () {
  var images = Array.prototype.slice.call(document.images);
  var loaded = images.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length;
  var result = {images: images.length, loaded: loaded, errors: window.__errors};
  document.title = "PROBE " + JSON.stringify(result);
});
</script>"""


def _browser_check(page_text: str, folder: Path) -> dict:
    """Load the page in headless Chromium with a probe script injected (in this copy only)."""
    probed = page_text.replace("<head>", "<head>\n" + _PROBE, 1)
    assert probed != page_text
    path = folder / "probed.html"
    path.write_text(probed, encoding="utf-8")
    profile = tempfile.mkdtemp(prefix="chromium-profile-", dir=folder)
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", "--host-resolver-rules=MAP * ~NOTFOUND",  # no network at all
        "--virtual-time-budget=5000", "--window-size=1280,900", "--dump-dom", path.as_uri(),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    match = re.search(r"<title>PROBE (.*?)</title>", done.stdout)
    assert match, f"no probe result; chromium said: {done.stderr[-2000:]}"
    return json.loads(match.group(1).replace("&quot;", '"').replace("&amp;", "&"))


needs_chromium = pytest.mark.skipif(
    not os.path.exists(CHROMIUM),
    reason=f"{CHROMIUM} is missing (install Debian's chromium package: apt-get install -y chromium)",
)


@needs_chromium
@pytest.mark.slow
def test_browser_loads_every_image_of_the_example_report(tmp_path: Path) -> None:
    from optimizer.io.validate import load_scenario
    from optimizer.lp.solve import solve

    solution = solve(load_scenario(EXAMPLE_XLSX))
    path = write_html(solution, tmp_path / "plan.html", inputs=[EXAMPLE_XLSX])
    result = _browser_check(path.read_text(encoding="utf-8"), tmp_path)
    assert result == {"images": 4, "loaded": 4, "errors": []}


@needs_chromium
@pytest.mark.slow
def test_browser_check_catches_a_broken_image(tmp_path: Path) -> None:
    page = render_html(infeasible_solution())
    good = _browser_check(page, tmp_path)
    assert good == {"images": 1, "loaded": 1, "errors": []}
    broken = page.replace("data:image/png;base64,", "data:image/png;base64,AAAA", 1)
    result = _browser_check(broken, tmp_path)
    assert result["images"] == 1 and result["loaded"] == 0
    assert result["errors"] == ["IMG failed to load"]


def test_module_exports() -> None:
    assert set(html_report.__all__) == {
        "Html",
        "Section",
        "Table",
        "check_html",
        "figure_png",
        "render_html",
        "write_html",
    }
