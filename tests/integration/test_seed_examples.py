"""Every seed example builds its models with real Keras's parameter counts, and the seed-000
examples print summary tables identical to Keras 2's (trailing spaces aside)."""
import json

import pytest

from tests.seed_examples.run import HERE, run_example

PARAMS = json.loads((HERE / "seed-example-params.json").read_text())


@pytest.mark.parametrize("name", sorted(PARAMS))
def test_parameter_counts(name, tmp_path):
    namespace, _ = run_example(name, tmp_path)
    counts = {model: namespace[model].count_params() for model in PARAMS[name]}
    assert counts == PARAMS[name]


SUMMARIES = sorted(p.stem.replace(".summary", "") for p in HERE.glob("*.summary.txt"))


@pytest.mark.parametrize("name", SUMMARIES)
def test_summary_matches_keras(name, tmp_path):
    _, printed = run_example(name, tmp_path)
    expected = [line.rstrip() for line in (HERE / f"{name}.summary.txt").read_text().splitlines()]
    lines = [line.rstrip() for line in printed.splitlines()]
    assert lines[:len(expected)] == expected
    assert lines[len(expected)] == "None"  # print(model.summary()) prints the table, then None


def test_summary_rows_keep_keras_trailing_spaces(tmp_path):
    _, printed = run_example("s000_mlp", tmp_path)
    rows = printed.splitlines()[:-5]
    assert all(len(row) == 65 for row in rows if row.startswith(("_", "=", "Layer", "input_1", "dense")))


def test_seed_files_ask_for_their_images(tmp_path):
    run_example("s000_cnn", tmp_path)
    image = tmp_path / "convolutional_neural_network.png"
    assert image.exists() and image.stat().st_size > 1000
