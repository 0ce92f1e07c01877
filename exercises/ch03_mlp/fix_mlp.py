"""Chapter 3: repair a binary classifier that builds, but is wrong.

``broken_mlp`` was meant to classify samples of 8 features into two classes: a chain
Dense(16, relu) -> Dense(8, relu) -> one output unit giving the probability of the
positive class. It builds without an error, but look at its summary, then try it:

    model = broken_mlp()
    model.summary()
    model.predict(np.random.rand(5, 8).astype("float32"))

There are two mistakes. Leave ``broken_mlp`` as it is and write the working model in
``fixed_mlp``.
"""
from minikeras.layers import Dense, Input
from minikeras.models import Model


def broken_mlp():
    visible = Input(shape=(8, 1))
    hidden1 = Dense(16, activation="relu")(visible)
    hidden2 = Dense(8, activation="relu")(hidden1)
    output = Dense(1, activation="softmax")(hidden2)
    return Model(inputs=visible, outputs=output)


def fixed_mlp():
    """Return the model ``broken_mlp`` was meant to be.

    It must accept data of shape (batch, 8) and return one probability per sample,
    shape (batch, 1), strictly between 0 and 1 and different for different samples.
    Keep the hidden layers' sizes and activations.

    Hints: compare the output shape in the summary with the one you expect; and think
    about what softmax does to a vector with a single number in it.
    """
    raise NotImplementedError("ch03.fix_mlp: implement fixed_mlp()")
