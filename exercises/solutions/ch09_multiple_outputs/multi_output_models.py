"""Chapter 9: two models with several outputs."""
import minikeras as keras  # noqa: F401
from minikeras.layers import Dense, Input  # noqa: F401
from minikeras.layers.recurrent import LSTM  # noqa: F401
from minikeras.layers.wrappers import TimeDistributed  # noqa: F401
from minikeras.models import Model  # noqa: F401


def build_multi_output_model():
    """Return a new model that classifies a sequence and labels each of its steps.

    Input: sequences of 100 steps of one feature. Feature extraction: LSTM(10) returning
    its hidden state after *every* step (``return_sequences=True``). Two heads read
    those features:

    * classification: LSTM(10) (last state only) -> Dense(10, relu) -> Dense(1, sigmoid);
    * sequence: ``TimeDistributed(Dense(1, activation="linear"))``, one number per step.

    Build the classification head first. The model's outputs are
    ``[classification, sequence]``, shapes (None, 1) and (None, 100, 1). Real Keras
    reports 1,452 parameters.
    """
    visible = Input(shape=(100, 1))
    extract = LSTM(10, return_sequences=True)(visible)
    class11 = LSTM(10)(extract)
    class12 = Dense(10, activation="relu")(class11)
    output1 = Dense(1, activation="sigmoid")(class12)
    output2 = TimeDistributed(Dense(1, activation="linear"))(extract)
    return Model(inputs=visible, outputs=[output1, output2])


def build_class_and_box_model():
    """Return a new model that says what is in a 224x224 colour image, and where.

    Trunk: Conv2D(64, 3, relu) -> MaxPooling2D() -> Conv2D(128, 3, relu) -> MaxPooling2D()
    -> Conv2D(256, 3, relu) -> GlobalAveragePooling2D(). Two heads read the trunk's
    vector: ``"class"``, a Dense(10, softmax), and ``"bbox"``, a Dense(4, sigmoid) (the
    box's four coordinates between 0 and 1). Outputs ``[class, bbox]``. Real Keras
    reports 374,414 parameters.
    """
    inputs = keras.Input(shape=(224, 224, 3))
    x = keras.layers.Conv2D(64, 3, activation="relu")(inputs)
    x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Conv2D(128, 3, activation="relu")(x)
    x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Conv2D(256, 3, activation="relu")(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    class_output = keras.layers.Dense(10, activation="softmax", name="class")(x)
    bbox_output = keras.layers.Dense(4, activation="sigmoid", name="bbox")(x)
    return keras.Model(inputs=inputs, outputs=[class_output, bbox_output])
