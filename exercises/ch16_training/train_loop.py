"""Chapter 16, exercise ch16.train_step: the training loop that ``fit`` runs, by hand.

``fit`` repeats one step per batch: run the model in training mode under a
``GradientTape``, compute the loss, differentiate it with respect to the
trainable weights, and let the optimizer apply the gradients. Write that step
and one epoch of it; the tests check that they change the weights exactly as
``model.train_on_batch`` and ``model.fit(..., shuffle=False)`` do.
"""

import minikeras as keras


def train_step(model, optimizer, loss_fn, x, y):
    """One update on the batch ``(x, y)``; return the loss (a Python float).

    1. ``with keras.GradientTape() as tape:`` run ``predictions = model(x,
       training=True)`` (training mode matters: BatchNormalization uses the
       batch's statistics and Dropout drops) and ``loss = loss_fn(y, predictions)``.
    2. ``grads = tape.gradient(loss, model.trainable_weights)``.
    3. ``optimizer.apply_gradients(zip(grads, model.trainable_weights))``.

    Return the loss computed in step 1 (before the update): ``float(loss)``.
    """
    raise NotImplementedError("ch16.train_step: implement train_step()")


def train_epoch(model, optimizer, loss_fn, x, y, batch_size=32):
    """One pass over ``(x, y)`` in order (no shuffling), one ``train_step`` per batch.

    Batches are ``x[0:batch_size]``, ``x[batch_size:2*batch_size]``, ...; the last
    one may be smaller. Return the list of the batch losses.
    """
    raise NotImplementedError("ch16.train_step: implement train_epoch()")
