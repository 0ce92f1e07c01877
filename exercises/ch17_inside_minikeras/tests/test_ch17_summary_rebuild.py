import pytest

import minikeras as keras

from summary_rebuild import build_ticket_router

EXPECTED = """\
____________________________________________________________________________________________________
Layer (type)                     Output Shape          Param #     Connected to
====================================================================================================
tokens (InputLayer)              (None, None)          0
____________________________________________________________________________________________________
embedding_1 (Embedding)          (None, None, 8)       800         tokens[0][0]
____________________________________________________________________________________________________
meta (InputLayer)                (None, 3)             0
____________________________________________________________________________________________________
gru_1 (GRU)                      (None, 16)            1248        embedding_1[0][0]
____________________________________________________________________________________________________
dense_2 (Dense)                  (None, 16)            64          meta[0][0]
____________________________________________________________________________________________________
dense_1 (Dense)                  (None, 16)            272         gru_1[0][0]
                                                                   dense_2[0][0]
____________________________________________________________________________________________________
add_1 (Add)                      (None, 16)            0           dense_1[0][0]
                                                                   dense_1[1][0]
____________________________________________________________________________________________________
concatenate_1 (Concatenate)      (None, 19)            0           add_1[0][0]
                                                                   meta[0][0]
____________________________________________________________________________________________________
score (Dense)                    (None, 1)             17          add_1[0][0]
____________________________________________________________________________________________________
topic (Dense)                    (None, 4)             80          concatenate_1[0][0]
====================================================================================================
Total params: 2,481
Trainable params: 2,481
Non-trainable params: 0
____________________________________________________________________________________________________
"""


def summary_of(model):
    lines = []
    model.summary(print_fn=lambda line: lines.append(line.rstrip()))
    return lines


@pytest.mark.exercise("ch17.from_summary", points=2)
def test_the_summary_is_the_same():
    keras.backend.clear_session()
    model = build_ticket_router()
    got, want = summary_of(model), EXPECTED.splitlines()
    for i, (g, w) in enumerate(zip(got, want)):
        assert g == w, f"line {i + 1} differs:\n  yours:    {g!r}\n  expected: {w!r}"
    assert len(got) == len(want)


@pytest.mark.exercise("ch17.from_summary", points=1)
def test_inputs_outputs_and_parameters():
    keras.backend.clear_session()
    model = build_ticket_router()
    assert model.name == "ticket_router"
    assert model.input_names == ["tokens", "meta"]
    assert model.output_names == ["score", "topic"]
    assert model.count_params() == 2481
