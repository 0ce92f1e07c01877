"""Checks on the built book (``jupyter-book build book/``): every chapter page was executed
and shows what the chapter promises, a model summary and at least one image.

Skipped unless ``book/_build/html`` exists: building the book executes every chapter and
takes minutes, so the test suite only inspects a build made beforehand (CI builds first).
"""
import html
import re
from pathlib import Path

import pytest

BOOK = Path(__file__).resolve().parents[1] / "book"
HTML = BOOK / "_build" / "html"

pytestmark = pytest.mark.skipif(not (HTML / "index.html").exists(),
                                reason="book not built (run: jupyter-book build book/)")

CHAPTERS = sorted(p.stem for p in BOOK.glob("ch[0-9][0-9]_*.md"))


def _toc_files():
    """The page names listed in book/_toc.yml (without a YAML parser: `- file: name` lines)."""
    text = (BOOK / "_toc.yml").read_text()
    return re.findall(r"^\s*(?:-\s*)?(?:file|root):\s*(\S+)\s*$", text, flags=re.M)


def _page(name):
    path = HTML / f"{name}.html"
    assert path.exists(), f"{path} was not built"
    return path.read_text(encoding="utf-8")


def _outputs(page):
    """The text of the executed cells' outputs (myst-nb marks them ``cell_output``)."""
    blocks = re.findall(r'<div class="cell_output docutils container">(.*?)</div>\s*</div>\s*</div>',
                        page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", "".join(blocks)))


def test_every_chapter_file_is_in_the_table_of_contents():
    toc = _toc_files()
    assert len(CHAPTERS) == 19, CHAPTERS
    assert set(CHAPTERS) <= set(toc), sorted(set(CHAPTERS) - set(toc))
    assert "intro" in toc


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_page_shows_a_summary_and_an_image(chapter):
    page = _page(chapter)
    outputs = _outputs(page)
    # The summary table is printed by an executed cell, not quoted in the prose.
    assert "Total params:" in outputs, f"{chapter}: no model summary in the cell outputs"
    assert "Trainable params:" in outputs
    images = re.findall(r"<img[^>]+src=\"([^\"]+)\"", page)
    assert images, f"{chapter}: no image on the page"
    for src in images:
        if not src.startswith(("http:", "https:", "data:")):
            assert (HTML / src).exists(), f"{chapter}: image {src} is missing from the build"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_was_executed_without_errors(chapter):
    page = _page(chapter)
    assert '<div class="cell_output' in page, f"{chapter}: no executed output at all"
    # An uncaught exception is rendered as an error output with its traceback (only a
    # build with execute.allow_errors can get this far; the book's config stops instead).
    assert 'class="output traceback' not in page, f"{chapter}: a cell raised"
    assert "Traceback (most recent call last)" not in _outputs(page), f"{chapter}: a cell raised"


def test_intro_links_to_every_chapter():
    page = _page("intro")
    for chapter in CHAPTERS:
        assert f'href="{chapter}.html"' in page, f"intro/navigation does not link to {chapter}"
