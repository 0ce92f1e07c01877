"""Writing small exercise trees for the grader's tests (shared by conftest.py and
test_adversarial.py, which builds a course of its own)."""
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def write(root, files):
    """Write ``{relative path: text}`` under ``root``, dedenting each text."""
    for rel, text in files.items():
        path = Path(root) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
