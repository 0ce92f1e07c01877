"""Sphinx extension shared by the two editions of the book (English in ``book/``, Chinese in
``book/zh/``). Both ``_config.yml`` files load it through ``sphinx.local_extensions``.

It does two things per HTML page, both in the ``html-page-context`` event:

1. **Language switcher.** Each edition names the other one in its config
   (``minikeras_other_edition``: a label, a language tag, the path from this edition's HTML
   directory to the other's, and the path from this edition's sources to the other's). The page
   gets ``lang_switch`` in its template context, and ``_templates/lang-switch.html`` draws it
   in the page header as a link to the page of the same name in the other edition: the two
   editions have the same pages, so the link is "the same page, other language". A page only
   one edition has (the Chinese glossary) links to the other edition's front page.
2. **Notebook download.** The theme's download button offers ``.ipynb`` only when it finds
   ``ipynb_source`` in the context, and sphinx-book-theme sets that only when a launch service
   (Binder, Colab, ...) is configured; the book has none. myst-nb has already written every
   executed chapter to ``_build/jupyter_execute/<page>.ipynb``, so this copies it next to the
   page sources (``_sources/``) and sets ``ipynb_source``: every chapter can be downloaded as
   a notebook with its outputs. Plain Markdown pages (the intro, the glossary) have no
   notebook and keep only the ``.md`` download.

The handler runs at the default priority 500, before the theme builds its header buttons
(priority 501).
"""
import shutil
from pathlib import Path


# Pages Sphinx writes for every book, without a source file.
SPHINX_PAGES = {"genindex", "search", "py-modindex"}


def _relative_root(pagename):
    """The path from a page back to the root of its HTML directory ('' or '../' ...)."""
    return "../" * pagename.count("/")


def add_page_context(app, pagename, templatename, context, doctree):
    # 1. the language switcher
    other = app.config.minikeras_other_edition
    if other:
        twin = Path(app.srcdir, other["source"], f"{pagename}.md")
        target = pagename if twin.exists() or pagename in SPHINX_PAGES else "index"
        context["lang_switch"] = {
            "url": f"{_relative_root(pagename)}{other['root']}{target}.html",
            "label": other["label"],
            "hreflang": other["hreflang"],
            "title": other.get("title", other["label"]),
        }
    # 2. the executed notebook, offered by the download button
    outdir = Path(app.outdir)
    notebook = outdir.parent / "jupyter_execute" / f"{pagename}.ipynb"
    if doctree is not None and notebook.exists():
        target = outdir / "_sources" / f"{pagename}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(notebook, target)
        context["ipynb_source"] = f"{pagename}.ipynb"


def setup(app):
    app.add_config_value("minikeras_other_edition", None, "html")
    app.connect("html-page-context", add_page_context, priority=500)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
