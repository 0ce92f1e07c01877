"""The five seed models, written once for the Keras API (minikeras and Keras 3 both take
``build_keras(name, keras_module)``) and once for PyTorch eager.

The definitions follow ``/work/shared/bench/peers.py`` and the seed examples in
``tests/seed_examples/`` (s000_mlp, s000_cnn, s000_rnn, s002_toy_resnet, s002_mnist_model).
Inputs are channels last for the Keras APIs and channels first for PyTorch.
"""
import numpy as np

# name -> (x shape, y shape) for one batch
CASES = {
    "mlp": ((32, 10), (32, 1)),
    "cnn": ((32, 64, 64, 1), (32, 1)),
    "lstm": ((32, 100, 1), (32, 1)),
    "resnet": ((64, 32, 32, 3), (64, 10)),
    "mnist_mlp": ((64, 784), (64, 10)),
}

LABELS = {
    "mlp": "MLP 10-10-20-10-1 (batch 32)",
    "cnn": "CNN 64x64x1 (batch 32)",
    "lstm": "LSTM(10) x 100 steps (batch 32)",
    "resnet": "toy ResNet 32x32x3 (batch 64)",
    "mnist_mlp": "MNIST MLP 784-64-64-10 (batch 64)",
}


def batch(name, seed=0):
    """One batch (x, y) of float32 data, channels last."""
    rng = np.random.default_rng(seed)
    xs, ys = CASES[name]
    return rng.random(xs, dtype=np.float32), rng.random(ys, dtype=np.float32)


def build_keras(name, keras):
    """The seed model in the Keras functional API of ``keras`` (minikeras or Keras 3)."""
    L = keras.layers
    if name == "mlp":
        i = keras.Input((10,))
        h = L.Dense(10, activation="relu")(i)
        h = L.Dense(20, activation="relu")(h)
        h = L.Dense(10, activation="relu")(h)
        o = L.Dense(1, activation="sigmoid")(h)
    elif name == "cnn":
        i = keras.Input((64, 64, 1))
        h = L.Conv2D(32, 4, activation="relu")(i)
        h = L.MaxPooling2D(2)(h)
        h = L.Conv2D(16, 4, activation="relu")(h)
        h = L.MaxPooling2D(2)(h)
        h = L.Flatten()(h)
        h = L.Dense(10, activation="relu")(h)
        o = L.Dense(1, activation="sigmoid")(h)
    elif name == "lstm":
        i = keras.Input((100, 1))
        h = L.LSTM(10)(i)
        h = L.Dense(10, activation="relu")(h)
        o = L.Dense(1, activation="sigmoid")(h)
    elif name == "resnet":
        i = keras.Input((32, 32, 3))
        x = L.Conv2D(32, 3, activation="relu")(i)
        x = L.Conv2D(64, 3, activation="relu")(x)
        b1 = L.MaxPooling2D(3)(x)
        x = L.Conv2D(64, 3, activation="relu", padding="same")(b1)
        x = L.Conv2D(64, 3, activation="relu", padding="same")(x)
        b2 = L.add([x, b1])
        x = L.Conv2D(64, 3, activation="relu", padding="same")(b2)
        x = L.Conv2D(64, 3, activation="relu", padding="same")(x)
        b3 = L.add([x, b2])
        x = L.Conv2D(64, 3, activation="relu")(b3)
        x = L.GlobalAveragePooling2D()(x)
        x = L.Dense(256, activation="relu")(x)
        x = L.Dropout(0.5)(x)
        o = L.Dense(10, activation="softmax")(x)
    elif name == "mnist_mlp":
        i = keras.Input((784,))
        h = L.Dense(64, activation="relu")(i)
        h = L.Dense(64, activation="relu")(h)
        o = L.Dense(10, activation="softmax")(h)
    else:
        raise KeyError(name)
    model = keras.Model(i, o)
    model.compile(optimizer="rmsprop", loss="mse")
    return model


def build_torch(name):
    """The same model in PyTorch (channels first), with an RMSprop optimizer."""
    import torch
    import torch.nn as nn

    class LastStep(nn.Module):
        def __init__(self, i, h):
            super().__init__()
            self.lstm = nn.LSTM(i, h, batch_first=True)

        def forward(self, x):
            return self.lstm(x)[0][:, -1]

    class ToyRes(nn.Module):
        def __init__(self):
            super().__init__()
            self.c1, self.c2 = nn.Conv2d(3, 32, 3), nn.Conv2d(32, 64, 3)
            self.c3, self.c4 = nn.Conv2d(64, 64, 3, padding=1), nn.Conv2d(64, 64, 3, padding=1)
            self.c5, self.c6 = nn.Conv2d(64, 64, 3, padding=1), nn.Conv2d(64, 64, 3, padding=1)
            self.c7 = nn.Conv2d(64, 64, 3)
            self.d1, self.d2 = nn.Linear(64, 256), nn.Linear(256, 10)
            self.pool, self.drop = nn.MaxPool2d(3), nn.Dropout(0.5)

        def forward(self, x):
            f = torch.relu
            x = f(self.c2(f(self.c1(x))))
            b1 = self.pool(x)
            b2 = f(self.c4(f(self.c3(b1)))) + b1
            b3 = f(self.c6(f(self.c5(b2)))) + b2
            x = f(self.c7(b3)).mean((2, 3))
            return torch.softmax(self.d2(self.drop(f(self.d1(x)))), 1)

    R, S = nn.ReLU(), nn.Sigmoid()
    if name == "mlp":
        m = nn.Sequential(nn.Linear(10, 10), R, nn.Linear(10, 20), R, nn.Linear(20, 10), R, nn.Linear(10, 1), S)
    elif name == "cnn":
        m = nn.Sequential(nn.Conv2d(1, 32, 4), R, nn.MaxPool2d(2), nn.Conv2d(32, 16, 4), R, nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(2704, 10), R, nn.Linear(10, 1), S)
    elif name == "lstm":
        m = nn.Sequential(LastStep(1, 10), nn.Linear(10, 10), R, nn.Linear(10, 1), S)
    elif name == "resnet":
        m = ToyRes()
    elif name == "mnist_mlp":
        m = nn.Sequential(nn.Linear(784, 64), R, nn.Linear(64, 64), R, nn.Linear(64, 10), nn.Softmax(1))
    else:
        raise KeyError(name)
    return m, torch.optim.RMSprop(m.parameters(), 1e-3)


def torch_batch(name, x, y):
    """The numpy batch as torch tensors (images channels first)."""
    import torch
    xt = torch.from_numpy(x.copy())
    if xt.dim() == 4:
        xt = xt.permute(0, 3, 1, 2).contiguous()
    return xt, torch.from_numpy(y.copy())
