"""The outputs in the programs people really open them with: LibreOffice prints the workbooks,
chromium prints the HTML report, and the command lines of CBC and GLPK solve the exported model.

Each test is skipped, with the command that installs the program, where it is missing;
`.ci/run` installs them all.
"""

from __future__ import annotations

import math
import re
import shutil
import statistics
import subprocess
from collections import defaultdict
from pathlib import Path

import openpyxl
import pytest

from optimizer.io.synthetic import generate_preset
from optimizer.io.validate import load_scenario
from optimizer.lp import model as lp
from optimizer.lp.export import export
from optimizer.lp.solve import solve
from optimizer.reports.html import write_html
from optimizer.reports.plan import write_report
from optimizer.reports.study import write_study
from optimizer.scenario import Scenario
from optimizer.studies.montecarlo import monte_carlo
from optimizer.studies.ranging import sensitivity
from optimizer.studies.sweep import sweep
from optimizer.studies.tornado import tornado

EXAMPLE_XLSX = Path(__file__).resolve().parent.parent / "inputs" / "example.xlsx"


def needs(program: str, install: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(shutil.which(program) is None, reason=f"{program} is missing: {install}")


needs_libreoffice = needs("libreoffice", "apt-get install -y libreoffice-calc-nogui")
needs_poppler = needs("pdftotext", "apt-get install -y poppler-utils")
needs_chromium = needs("chromium", "apt-get install -y chromium")
needs_glpsol = needs("glpsol", "apt-get install -y glpk-utils")


def cbc_binary() -> str | None:
    """The cbc program that pulp's cbc extra installs, as our CBC solver runs it."""
    import pulp

    solver = pulp.COIN_CMD(msg=False)
    return solver.path if solver.available() else None


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page, laid out as printed (pdftotext ends every page with a form feed)."""
    done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return done.stdout.split("\f")[:-1]


def footer(page: str) -> tuple[str, int, int, str]:
    """Sheet, page, pages and scenario, from the footer: the last line of a page."""
    last = [line for line in page.splitlines() if line.strip()][-1]
    found = re.fullmatch(r"\s*(\S+)\s+Page (\d+) of (\d+)\s+(\S+)\s*", last)
    assert found, f"no footer on the page, its last line is {last!r}"
    return found[1], int(found[2]), int(found[3]), found[4]


# --------------------------------------------------------------------------- the workbooks printed


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, list[str]]]:
    """The plan workbook and the four study workbooks of the example, printed to PDF by LibreOffice:
    name -> (workbook, text of each page)."""
    folder = tmp_path_factory.mktemp("printed")
    scenario = load_scenario(EXAMPLE_XLSX)
    write_report(solve(scenario), folder / "plan.xlsx", inputs=[EXAMPLE_XLSX])
    studies = {
        "sensitivity": sensitivity(scenario),
        "sweep": sweep(scenario, "budget_scale", [0.8, 1.0, 1.2]),
        "tornado": tornado(scenario),
        "montecarlo": monte_carlo(scenario, n=10, workers=1),
    }
    for name, result in studies.items():
        write_study(result, folder / f"{name}.xlsx", inputs=[EXAMPLE_XLSX])
    books = [folder / f"{name}.xlsx" for name in ["plan", *studies]]
    profile = folder / "libreoffice-profile"  # its own: another LibreOffice running would take the job
    command = ["libreoffice", f"-env:UserInstallation={profile.as_uri()}", "--headless"]
    command += ["--convert-to", "pdf", "--outdir", str(folder), *map(str, books)]
    subprocess.run(command, capture_output=True, timeout=600, check=True)
    return {book.stem: (book, pdf_pages(book.with_suffix(".pdf"))) for book in books}


def pages_by_sheet(pages: list[str]) -> dict[str, list[str]]:
    by_sheet = defaultdict(list)
    for page in pages:
        by_sheet[footer(page)[0]].append(page)
    return by_sheet


WORKBOOKS = ["plan", "sensitivity", "sweep", "tornado", "montecarlo"]
# Hand counts at about 40 table rows a page, a page per chart sheet and two for the plan's README.
# Before the print setup LibreOffice printed 35, 95, 13, 11 and 8 pages.
MOST_PAGES = {"plan": 22, "sensitivity": 33, "sweep": 8, "tornado": 5, "montecarlo": 7}


@needs_libreoffice
@needs_poppler
@pytest.mark.slow
def test_plan_summary_fits_page_one_with_its_values(printed) -> None:
    scenario = load_scenario(EXAMPLE_XLSX)
    solution = solve(scenario)
    page = printed["plan"][1][0]
    assert footer(page)[0] == "summary"
    budget = sum(b.total for b in scenario.budgets)
    expected = {
        "status": "optimal",
        "score_after": f"{solution.score:.1f}",
        "score_cap": "100.0",
        "spend": f"{solution.allocation['cost'].sum():,.2f} USD M",
        "budget": f"{budget:,.2f} USD M",
        "currency": "USD M",
        "solver": "highs",
        "weakest_link": "0.30",
        "level_thresholds": "25, 50, 75",
    }
    for key, value in expected.items():  # each key with its value on one printed line
        assert re.search(rf"^\s*{key}\s+{re.escape(value)}\s*$", page, re.MULTILINE), (key, value)


@needs_libreoffice
@needs_poppler
@pytest.mark.slow
@pytest.mark.parametrize("name", WORKBOOKS)
def test_every_sheet_prints_whole_and_one_page_wide(printed, name: str) -> None:
    """Every page carries its sheet's whole header row (no table cut column by column) and a
    footer numbering it; every sheet prints, in order, down to its last row."""
    book, pages = printed[name]
    assert len(pages) <= MOST_PAGES[name]
    sheets = openpyxl.load_workbook(book, read_only=True)
    by_sheet = pages_by_sheet(pages)
    assert list(by_sheet) == sheets.sheetnames
    for number, page in enumerate(pages, start=1):
        assert footer(page)[1:] == (number, len(pages), "example.xlsx")
    for ws in sheets.worksheets:
        rows = [row for row in ws.iter_rows(values_only=True) if any(v is not None for v in row)]
        for page in by_sheet[ws.title]:
            missing = [h for h in rows[0] if h is not None and str(h) not in page]
            assert not missing, f"{name}: a page of '{ws.title}' lacks the headers {missing}"
        words = [w for v in rows[-1] if isinstance(v, str) for w in v.split()]
        printed_sheet = "\n".join(by_sheet[ws.title])
        assert all(w in printed_sheet for w in words), f"{name}: '{ws.title}' ends early"


CHARTS = {  # a chart's title and its axis title, printed on the same page when it is whole
    "plan": [
        ("spend_by_period", "Spend by period and option type", "spend (USD M)"),
        ("readiness_by_domain", "Average readiness by domain", "readiness (partner-weighted average)"),
    ],
    "tornado": [("tornado", "Tornado: change of the optimal score", "score change from the base")],
    "sweep": [("frontier", "Budget frontier: optimal score", "total budget (sum of the period budgets)")],
}


@needs_libreoffice
@needs_poppler
@pytest.mark.slow
@pytest.mark.parametrize("name", list(CHARTS))
def test_charts_print_whole_on_their_sheet(printed, name: str) -> None:
    pages = printed[name][1]
    for sheet, title, axis in CHARTS[name]:
        holding = [page for page in pages if title in page]
        assert holding, f"{name}: the chart '{title}' is not printed"
        assert all(axis in page and footer(page)[0] == sheet for page in holding), title


def text_sizes(pdf: Path) -> list[float]:
    """The median height of the words on each page, in points (`pdftotext -bbox`)."""
    listing = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    box = r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"'
    return [
        statistics.median(float(low_high[1]) - float(low_high[0]) for low_high in re.findall(box, page))
        for page in listing.stdout.split("<page ")[1:]
    ]


# Tables narrower than a page with a chart each: beside the table the chart made the page as wide
# as both, and LibreOffice printed them at 45-55 % of full size.
NARROW_CHART_SHEETS = {"plan": ["spend_by_period"], "sweep": ["points", "frontier", "spend_by_period"]}


@needs_libreoffice
@needs_poppler
@pytest.mark.slow
@pytest.mark.parametrize("name", list(NARROW_CHART_SHEETS))
def test_a_chart_leaves_its_table_readable(printed, name: str) -> None:
    book, pages = printed[name]
    sizes = text_sizes(book.with_suffix(".pdf"))
    full = sizes[0]  # the summary: two columns, narrower than a portrait page, printed at 100 %
    for page, size in zip(pages, sizes, strict=True):
        if footer(page)[0] in NARROW_CHART_SHEETS[name]:
            assert size >= 0.7 * full, (footer(page), size, full)


# --------------------------------------------------------------------------- the HTML report printed


def print_html(html: Path) -> Path:
    pdf = html.with_suffix(".pdf")
    profile = html.parent / "chromium-profile"
    command = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}"]
    command += ["--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.as_uri()]
    subprocess.run(command, capture_output=True, timeout=300, check=True)
    return pdf


def image_pages(pdf: Path) -> dict[str, set[int]]:
    """The pages each picture of the PDF is drawn on, by its object id (`pdfimages -list`)."""
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True)
    pages = defaultdict(set)
    for line in listing.stdout.splitlines()[2:]:
        fields = line.split()
        pages[fields[10]].add(int(fields[0]))
    return pages


# The example printed on 8 pages before and after; the medium preset (30 partners) on 17, its
# heatmaps (taller than a page) each cut across two.
HTML_CASES = {
    "example": (lambda: load_scenario(EXAMPLE_XLSX), 9),
    "medium": (lambda: generate_preset("medium"), 12),
}


@needs_chromium
@needs_poppler
@pytest.mark.slow
@pytest.mark.parametrize("case", list(HTML_CASES))
def test_html_report_prints_each_picture_whole(tmp_path: Path, case: str) -> None:
    make, most_pages = HTML_CASES[case]
    html = write_html(solve(make()), tmp_path / "plan.html")
    pdf = print_html(html)
    pages = pdf_pages(pdf)
    assert len(pages) <= most_pages
    drawn = image_pages(pdf)
    assert len(drawn) == html.read_text(encoding="utf-8").count("<img ")
    assert all(len(on) == 1 for on in drawn.values()), f"a picture is cut across pages: {dict(drawn)}"
    (before,), (after,) = (drawn[k] for k in list(drawn)[:2])  # the heatmaps come first
    assert "Before: baseline readiness" in pages[before - 1]
    assert "After: period" in pages[after - 1]


# --------------------------------------------------------------------------- the exported model solved


def cbc_optimum(model_file: Path) -> float:
    done = subprocess.run(
        [cbc_binary(), str(model_file), "-solve"], capture_output=True, text=True, timeout=300, check=True
    )
    found = re.search(r"^Optimal objective\s+(\S+)", done.stdout, re.MULTILINE)
    assert found, done.stdout[-2000:]
    return float(found[1])


def glpsol_optimum(model_file: Path) -> float:
    reading = "--freemps" if model_file.suffix == ".mps" else "--lp"
    solution = model_file.with_suffix(".txt")
    done = subprocess.run(
        ["glpsol", reading, str(model_file), "-o", str(solution)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0 and "OPTIMAL LP SOLUTION FOUND" in done.stdout, done.stdout[-2000:]
    found = re.search(r"^Objective:\s+\S+ = (\S+) \((MIN|MAX)imum\)", solution.read_text(), re.MULTILINE)
    assert found, solution.read_text()[:2000]
    assert found[2] == ("MIN" if model_file.suffix == ".mps" else "MAX")
    return float(found[1])


SCENARIOS = {"example": lambda: load_scenario(EXAMPLE_XLSX), "small": lambda: generate_preset("small")}
PROGRAMS = {
    "cbc": pytest.param(cbc_optimum, marks=pytest.mark.skipif(
        cbc_binary() is None, reason="pulp's cbc is missing: pip install 'pulp[cbc]'")),
    "glpsol": pytest.param(glpsol_optimum, marks=needs_glpsol),
}  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".mps", ".lp"])
@pytest.mark.parametrize("optimum", PROGRAMS.values(), ids=list(PROGRAMS))
@pytest.mark.parametrize("case", list(SCENARIOS))
def test_exported_model_solves_to_our_score(tmp_path: Path, case: str, optimum, suffix: str) -> None:
    """The .mps minimises the negated score (neither program reads OBJSENSE); the .lp maximises it."""
    scenario: Scenario = SCENARIOS[case]()
    score = solve(scenario).score
    path = tmp_path / f"model{suffix}"
    export(lp.build(scenario), path)
    sign = -1.0 if suffix == ".mps" else 1.0
    assert math.isclose(sign * optimum(path), score, rel_tol=1e-7)
