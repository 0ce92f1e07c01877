"""Every exercise README has a Chinese twin (``README.zh.md``) that is really Chinese and
keeps the English one's commands and identifiers.

The twin is read by students of the Chinese edition of the book; a missing or half
translated twin, or one whose commands or function names drifted from the English, would
send them to files and exercises that do not exist."""
import re
from pathlib import Path

import pytest

EXERCISES = Path(__file__).resolve().parents[1] / "exercises"
FENCE = re.compile(r"^```[^\n]*\n(.*?)^```[ \t]*$", re.S | re.M)
INLINE = re.compile(r"`([^`\n]+)`")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN = re.compile(r"[A-Za-z]")


def english_readmes():
    readmes = sorted(EXERCISES.glob("ch*/README.md"))
    if (EXERCISES / "STUDENT_README.md").is_file():
        readmes.append(EXERCISES / "STUDENT_README.md")
    return readmes


def twin(readme):
    return readme.with_name(readme.name.replace(".md", ".zh.md"))


def prose(text):
    """The text outside fenced code blocks and inline code."""
    return INLINE.sub(" ", FENCE.sub(" ", text))


def code_blocks(text):
    """Fenced code blocks, each line without its trailing ``# comment`` (comments are translated)."""
    return ["\n".join(re.sub(r"\s+#.*$", "", line).rstrip() for line in block.splitlines())
            for block in FENCE.findall(text)]


def inline_code(text):
    """The inline code spans (file names, functions, commands) outside fenced blocks."""
    return set(INLINE.findall(FENCE.sub(" ", text)))


def chinese_share(text):
    cjk, latin = len(CJK.findall(text)), len(LATIN.findall(text))
    return cjk / (cjk + latin) if cjk + latin else 0.0


def test_every_chapter_folder_has_an_english_readme():
    chapters = [p for p in EXERCISES.glob("ch*") if p.is_dir()]
    assert len(chapters) >= 19
    assert [p.name for p in chapters if not (p / "README.md").is_file()] == []


@pytest.mark.parametrize("readme", english_readmes(), ids=lambda p: str(p.relative_to(EXERCISES)))
def test_readme_has_a_chinese_twin(readme):
    zh = twin(readme)
    assert zh.is_file(), f"{readme.relative_to(EXERCISES)} has no Chinese twin {zh.name}"
    en_text, zh_text = readme.read_text(encoding="utf-8"), zh.read_text(encoding="utf-8")
    share = chinese_share(prose(zh_text))
    assert share > 0.5, f"{zh.name}: only {share:.0%} of its letters outside code are Chinese"
    assert code_blocks(zh_text) == code_blocks(en_text), f"{zh.name}: code blocks differ from the English"
    missing = inline_code(en_text) - inline_code(zh_text)
    assert not missing, f"{zh.name} lacks the English README's inline code {sorted(missing)}"


def test_chinese_share_measures_the_prose_only():
    english = "# Chapter 1\n\nEdit `build_model()` here.\n\n```\npytest ch01\n```\n"
    chinese = "# 第 1 章\n\n在这里编辑 `build_model()`。\n\n```\npytest ch01  # 某一章\n```\n"
    assert chinese_share(prose(english)) == 0.0
    assert chinese_share(prose(chinese)) > 0.5
    assert chinese_share(prose("`只有代码`\n```\n中文\n```\n")) == 0.0
    assert code_blocks(chinese) == code_blocks(english)
    assert inline_code(chinese) == inline_code(english) == {"build_model()"}
