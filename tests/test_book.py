"""Checks on the two editions of the book: English in ``book/``, Chinese (中文版) in ``book/zh/``.

Two kinds of tests:

* **Source tests** (always run, no build needed): the Chinese edition has a twin of every
  English page, with the same code cells (comments aside), so a fix made in one edition cannot
  miss the other; and every Chinese page is actually written in Chinese.
* **Build tests** on the sites made by ``jupyter-book build book/`` and
  ``jupyter-book build book/zh/`` (``book/_build/html`` and ``book/zh/_build/html``): every
  chapter page was executed and shows what the chapter promises (a model summary and at least
  one image), the language switcher links to a page that exists, each chapter can be downloaded
  as a notebook, and the Chinese search index finds Chinese words. Building executes every
  chapter and takes minutes, so these tests inspect a build made beforehand (CI builds first);
  an edition that has not been built is skipped.
"""
import html
import io
import json
import re
import shutil
import subprocess
import tokenize
from pathlib import Path

import pytest

BOOK = Path(__file__).resolve().parents[1] / "book"
ZH = BOOK / "zh"
EDITIONS = {"en": BOOK, "zh": ZH}

CHAPTERS = sorted(p.stem for p in BOOK.glob("ch[0-9][0-9]_*.md"))
PAGES = ["intro"] + CHAPTERS


def _html_dir(edition):
    return EDITIONS[edition] / "_build" / "html"


def _require_build(edition):
    if not (_html_dir(edition) / "index.html").exists():
        pytest.skip(f"{edition} edition not built (run: jupyter-book build {EDITIONS[edition]})")


def _toc_files(book):
    """The page names listed in a _toc.yml (without a YAML parser: `- file: name` lines)."""
    text = (book / "_toc.yml").read_text(encoding="utf-8")
    return re.findall(r"^\s*(?:-\s*)?(?:file|root):\s*(\S+)\s*$", text, flags=re.M)


def _page(edition, name):
    path = _html_dir(edition) / f"{name}.html"
    assert path.exists(), f"{path} was not built"
    return path.read_text(encoding="utf-8")


def _outputs(page):
    """The text of the executed cells' outputs (myst-nb marks them ``cell_output``)."""
    blocks = re.findall(r'<div class="cell_output docutils container">(.*?)</div>\s*</div>\s*</div>',
                        page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", "".join(blocks)))


# ---------------------------------------------------------------------------------------------
# Source tests: the Chinese edition mirrors the English one
# ---------------------------------------------------------------------------------------------

CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```[ \t]*$", flags=re.S | re.M)


def _code_cells(path):
    return CODE_CELL.findall(path.read_text(encoding="utf-8"))


def _without_comments(code):
    """The code of a cell with its comments removed: whole-line comments drop the line,
    trailing comments are cut off (with the spaces before them). Python's own tokenizer finds
    the comments, so a ``#`` inside a string (``"#fff"``, ``f"{x:#x}"``) is left alone."""
    lines = code.splitlines()
    comments = {}                       # line number (1-based) -> column where its comment starts
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        if token.type == tokenize.COMMENT:
            comments[token.start[0]] = token.start[1]
    kept = []
    for number, line in enumerate(lines, start=1):
        if number in comments:
            line = line[:comments[number]].rstrip()
            if not line:
                continue                # a comment-only line
        kept.append(line.rstrip())
    return "\n".join(kept).strip("\n")


def test_without_comments_keeps_hashes_inside_strings():
    code = ('x = "#fff"  # colour\n'
            '# a whole-line comment\n'
            'y = f"{x!r:>10}#"   # trailing\n'
            's = """\n# not a comment, inside a string\n"""\n')
    assert _without_comments(code) == ('x = "#fff"\ny = f"{x!r:>10}#"\n'
                                       's = """\n# not a comment, inside a string\n"""')
    assert _without_comments("a = 1  # one") != _without_comments("a = 2  # one")


def test_chinese_toc_lists_the_english_pages_and_the_glossary():
    en, zh = _toc_files(BOOK), _toc_files(ZH)
    assert len(CHAPTERS) == 19, CHAPTERS
    assert set(CHAPTERS) <= set(en), sorted(set(CHAPTERS) - set(en))
    assert zh == en + ["glossary"], "book/zh/_toc.yml must list the English pages, in order, then the glossary"


def _config_section(book, section):
    """The `key: value` lines of a top-level section of a _config.yml, comments dropped."""
    text = (book / "_config.yml").read_text(encoding="utf-8")
    block = re.search(rf"^{section}:\n((?:[ \t]+.*\n|[ \t]*\n)*)", text, flags=re.M)
    assert block, f"{book}/_config.yml has no {section} section"
    lines = (re.sub(r"\s+#.*$", "", line).strip() for line in block.group(1).splitlines())
    return sorted(line for line in lines if line and not line.startswith("#"))


def test_both_editions_execute_every_page_the_same_way():
    assert _config_section(ZH, "execute") == _config_section(BOOK, "execute")
    assert "execute_notebooks: force" in _config_section(BOOK, "execute")
    assert "language: zh_CN" in (ZH / "_config.yml").read_text(encoding="utf-8")
    # The English book must not pick up the Chinese pages (book/zh/ lies inside book/).
    assert re.search(r"^exclude_patterns:.*\bzh\b", (BOOK / "_config.yml").read_text(encoding="utf-8"), flags=re.M)


@pytest.mark.parametrize("page", PAGES)
def test_every_english_page_has_a_chinese_twin_with_the_same_code(page):
    twin = ZH / f"{page}.md"
    assert twin.exists(), f"{twin.relative_to(BOOK.parent)} is missing: every English page needs its Chinese twin"
    english = [_without_comments(c) for c in _code_cells(BOOK / f"{page}.md")]
    chinese = [_without_comments(c) for c in _code_cells(twin)]
    assert len(chinese) == len(english), f"{page}: {len(english)} code cells in English, {len(chinese)} in Chinese"
    for number, (en, zh) in enumerate(zip(english, chinese), start=1):
        assert zh == en, f"{page}: code cell {number} differs between the editions (comments aside)"


CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _prose(text):
    """The text a reader reads as prose: no front matter, code cells, code blocks, inline code,
    link targets, HTML tags or MyST directive options."""
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)              # front matter
    text = re.sub(r"^(`{3,})[^\n]*\n.*?^\1[ \t]*$", "", text, flags=re.S | re.M)  # fenced blocks
    text = re.sub(r"`[^`\n]+`", "", text)                                  # inline code
    text = re.sub(r"\]\([^)]*\)", "]", text)                               # link targets
    text = re.sub(r"<[^>]+>", "", text)                                    # HTML tags
    text = re.sub(r"^:[\w-]+:.*$", "", text, flags=re.M)                   # directive options
    return text


def _chinese_share(text):
    """CJK characters / (CJK characters + Latin letters) in the prose of a page."""
    prose = _prose(text)
    cjk = len(CJK.findall(prose))
    latin = len(re.findall(r"[A-Za-z]", prose))
    return cjk / max(cjk + latin, 1)


# Measured on the book: the translated pages score 0.79 to 0.94 (English names such as Keras,
# MNIST or Dense stay in the prose), an English page 0. English prose needs about 2.4 letters
# for each Chinese character of its translation, so a page with a quarter of its prose left in
# English scores about 0.52 and one with a third about 0.44: 0.5 fails any page where more
# than about a quarter was left untranslated.
MIN_CHINESE_SHARE = 0.5


def test_chinese_share_tells_chinese_from_english():
    assert _chinese_share((BOOK / "ch03_mlp.md").read_text(encoding="utf-8")) < 0.05
    mixed = "这一章构建一个多层感知器，并训练它。\n\nThis paragraph was left in English by mistake.\n"
    assert _chinese_share(mixed) < MIN_CHINESE_SHARE
    assert _chinese_share("这一章构建一个多层感知器（MLP），并用 `model.fit(x, y)` 训练它。") > MIN_CHINESE_SHARE


@pytest.mark.parametrize("page", PAGES + ["glossary"])
def test_chinese_page_is_written_in_chinese(page):
    path = ZH / f"{page}.md"
    if not path.exists():
        pytest.fail(f"{path.relative_to(BOOK.parent)} is missing")
    text = path.read_text(encoding="utf-8")
    if page == "glossary":
        # A two-language table by design: its English column is the point. Its prose and
        # its Chinese column must still be Chinese, and it must name every term once.
        rows = re.findall(r"^\|(?!\s*-)(.*)\|\s*$", text, flags=re.M)[1:]
        assert len(rows) >= 40
        for row in rows:
            en, zh, first = [cell.strip() for cell in row.split("|")]
            assert CJK.search(zh), f"glossary row {en!r} has no Chinese term"
            link = re.fullmatch(r"\[[^\]]+\]\((\w+)\.md\)", first)
            assert link and link.group(1) in PAGES, f"glossary row {en!r}: {first} is not a link to a page"
        text = re.sub(r"^\|.*\|\s*$", "", text, flags=re.M)
    share = _chinese_share(text)
    assert share > MIN_CHINESE_SHARE, (
        f"{page}: only {share:.0%} of the prose letters are Chinese: is part of it still in English?")


@pytest.mark.parametrize("page", PAGES + ["glossary"])
def test_chinese_prose_has_no_line_break_between_chinese_characters(page):
    """A line break inside a paragraph becomes a space in HTML, and browsers (Chromium) show it
    between two Chinese characters: write each Chinese paragraph on one line."""
    path = ZH / f"{page}.md"
    if not path.exists():
        pytest.fail(f"{path.relative_to(BOOK.parent)} is missing")
    lines = re.sub(r"^(`{3,})[^\n]*\n.*?^\1[ \t]*$", "", path.read_text(encoding="utf-8"),
                   flags=re.S | re.M).split("\n")
    wide = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
    for line, following in zip(lines, lines[1:]):
        broken = line[-1:] and wide.match(line[-1]) and wide.match(following.strip()[:1] or " ")
        assert not broken, f"{page}: a line break inside Chinese text: {line[-12:]!r} / {following.strip()[:12]!r}"


@pytest.mark.parametrize("edition", EDITIONS)
def test_jupytext_opens_every_chapter_as_a_notebook(edition):
    """JupyterLab opens the .md chapters as notebooks through jupytext (the `book` extra)."""
    jupytext = pytest.importorskip("jupytext")
    for chapter in CHAPTERS:
        path = EDITIONS[edition] / f"{chapter}.md"
        notebook = jupytext.read(path)
        code = [cell for cell in notebook.cells if cell.cell_type == "code"]
        assert len(code) == len(_code_cells(path)) > 0, f"{edition}/{chapter}"
        assert notebook.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("page", PAGES)
def test_code_needs_no_chinese_font(page):
    """Figures and printed outputs come from the code cells, which both editions share: no
    CJK character outside comments, so nothing a cell draws or prints can render as tofu."""
    for number, code in enumerate(_code_cells(BOOK / f"{page}.md"), start=1):
        assert not CJK.search(_without_comments(code)), f"{page}: code cell {number} contains CJK text"


# ---------------------------------------------------------------------------------------------
# Build tests: the sites made by jupyter-book
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("edition", EDITIONS)
def test_every_chapter_file_is_in_the_table_of_contents(edition):
    toc = _toc_files(EDITIONS[edition])
    assert len(CHAPTERS) == 19, CHAPTERS
    assert set(CHAPTERS) <= set(toc), sorted(set(CHAPTERS) - set(toc))
    assert "intro" in toc


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_page_shows_a_summary_and_an_image(edition, chapter):
    _require_build(edition)
    page = _page(edition, chapter)
    outputs = _outputs(page)
    # The summary table is printed by an executed cell, not quoted in the prose.
    assert "Total params:" in outputs, f"{chapter}: no model summary in the cell outputs"
    assert "Trainable params:" in outputs
    images = re.findall(r"<img[^>]+src=\"([^\"]+)\"", page)
    assert images, f"{chapter}: no image on the page"
    for src in images:
        if not src.startswith(("http:", "https:", "data:")):
            assert (_html_dir(edition) / src).exists(), f"{chapter}: image {src} is missing from the build"


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_was_executed_without_errors(edition, chapter):
    _require_build(edition)
    page = _page(edition, chapter)
    assert '<div class="cell_output' in page, f"{chapter}: no executed output at all"
    # An uncaught exception is rendered as an error output with its traceback (only a
    # build with execute.allow_errors can get this far; the book's config stops instead).
    assert 'class="output traceback' not in page, f"{chapter}: a cell raised"
    assert "Traceback (most recent call last)" not in _outputs(page), f"{chapter}: a cell raised"


@pytest.mark.parametrize("edition", EDITIONS)
def test_intro_links_to_every_chapter(edition):
    _require_build(edition)
    page = _page(edition, "intro")
    for chapter in CHAPTERS:
        assert f'href="{chapter}.html"' in page, f"intro/navigation does not link to {chapter}"


@pytest.mark.parametrize("edition", EDITIONS)
def test_chapters_download_as_notebooks(edition):
    """The header's download menu offers the executed chapter as .ipynb (book/_ext)."""
    _require_build(edition)
    for chapter in CHAPTERS:
        page = _page(edition, chapter)
        assert f'href="_sources/{chapter}.ipynb"' in page, f"{chapter}: no .ipynb download"
        notebook = json.loads((_html_dir(edition) / "_sources" / f"{chapter}.ipynb").read_text(encoding="utf-8"))
        code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
        assert len(code) == len(_code_cells(EDITIONS[edition] / f"{chapter}.md"))
        assert any(cell["outputs"] for cell in code), f"{chapter}: the notebook has no outputs"


@pytest.mark.parametrize("edition, other", [("en", "zh"), ("zh", "en")])
def test_language_switcher_links_to_the_same_page_in_the_other_edition(edition, other):
    _require_build(edition)
    _require_build(other)
    pages = [path for path in sorted(_html_dir(edition).glob("*.html"))
             if 'http-equiv="Refresh"' not in path.read_text(encoding="utf-8")]   # not index.html
    assert {f"{page}.html" for page in PAGES} <= {path.name for path in pages}
    for path in pages:
        links = re.findall(r'<a class="btn btn-sm lang-switch" href="([^"]+)"', path.read_text(encoding="utf-8"))
        assert len(links) == 1, f"{edition}/{path.name}: {len(links)} language switchers"
        target = (path.parent / links[0]).resolve()
        # The same page in the other language; a page only one edition has (the glossary)
        # links to the other edition's front page.
        same = (_html_dir(other) / path.name).resolve()
        expected = same if (EDITIONS[other] / f"{path.stem}.md").exists() or path.stem in ("genindex", "search") \
            else (_html_dir(other) / "index.html").resolve()
        assert target == expected, f"{edition}/{path.name} -> {links[0]}"
        assert target.exists(), f"{edition}/{path.name}: the switcher points to {links[0]}, which was not built"


def _search_index(edition):
    text = (_html_dir(edition) / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1:text.rindex(")")])


def _pages_found(index, word):
    """The pages whose text or titles contain `word`, as Sphinx's search would find them."""
    found = set()
    for kind in ("terms", "titleterms"):
        hits = index[kind].get(word, [])
        found |= {index["docnames"][i] for i in (hits if isinstance(hits, list) else [hits])}
    return found


def test_chinese_search_finds_chinese_words():
    _require_build("zh")
    page = _page("zh", "search")
    assert '<html lang="zh-CN"' in page
    index = _search_index("zh")
    # Without a Chinese word splitter (jieba) Sphinx indexes no Chinese word at all.
    assert "ch03_mlp" in _pages_found(index, "感知器")
    assert "ch01_sequential_and_functional" in _pages_found(index, "符号")
    assert "ch02_inputs_layers_models" in _pages_found(index, "摘要")
    # Latin words stay searchable too (stemmed, as Sphinx stores them: dense -> dens).
    assert "ch03_mlp" in _pages_found(index, "dens")


def _split_query_in_node(queries):
    """Run book/zh/_static/zh-search.js in node against the built search index and return
    how it splits each query (Sphinx's search looks up each word and keeps the pages that
    contain them all)."""
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.skip("node is not installed: cannot run the search page's JavaScript")
    script = f"""
        globalThis.Search = {{ setIndex(index) {{ this._index = index; }} }};
        const fs = require("fs");
        eval(fs.readFileSync({json.dumps(str(_html_dir("zh") / "searchindex.js"))}, "utf8"));
        eval(fs.readFileSync({json.dumps(str(ZH / "_static" / "zh-search.js"))}, "utf8"));
        console.log(JSON.stringify({json.dumps(queries)}.map((q) => splitQuery(q))));
    """
    result = subprocess.run([node, "-e", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_chinese_queries_without_spaces_find_their_chapter():
    """Readers type Chinese without spaces; the page's splitter cuts the query into indexed words."""
    _require_build("zh")
    assert 'src="_static/zh-search.js' in _page("zh", "search")
    index = _search_index("zh")
    queries = {"多层感知器": "ch03_mlp", "符号张量": "ch01_sequential_and_functional",
               "模型摘要的参数": "ch02_inputs_layers_models", "训练损失和验证损失": "ch03_mlp"}
    for (query, chapter), words in zip(queries.items(), _split_query_in_node(list(queries))):
        assert len(words) > 1, (query, words)
        pages = set.intersection(*(_pages_found(index, word.lower()) for word in words))
        assert chapter in pages, f"searching {query!r} (words {words}) does not find {chapter}"
    # A query of words the book does not contain stays whole: no result, not every page.
    assert _split_query_in_node(["量子纠缠"]) == [["量子纠缠"]]
