"""Chapter 16, exercise ch16.train_step: reference solution."""

import minikeras as keras


def train_step(model, optimizer, loss_fn, x, y):
    """Reference solution."""
    with keras.GradientTape() as tape:
        predictions = model(x, training=True)
        loss = loss_fn(y, predictions)
    grads = tape.gradient(loss, model.trainable_weights)
    optimizer.apply_gradients(zip(grads, model.trainable_weights))
    return float(loss)


def train_epoch(model, optimizer, loss_fn, x, y, batch_size=32):
    """Reference solution."""
    losses = []
    for start in range(0, len(x), batch_size):
        losses.append(train_step(model, optimizer, loss_fn, x[start:start + batch_size],
                                 y[start:start + batch_size]))
    return losses
