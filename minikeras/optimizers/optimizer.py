"""The ``Optimizer`` base class: state, learning rate, clipping, weight decay.

An optimizer is built on a list of model variables: it then owns, for each of them, the
"slot" variables its rule needs (Adam's first and second moments...). ``variables``
lists all its state in Keras 3's order, ``[iteration, learning_rate, slots...]`` with
the slots interleaved per model variable, so that saving code can store and restore it
with ``save_own_variables`` / ``load_own_variables`` (or ``get_weights`` /
``set_weights``).

Subclasses implement ``build`` (create slots with ``add_optimizer_variables``) and
``_update(index, grad, var, lr)``, which changes ``var``'s numpy array in place with a
kernel from ``kernels.py``. A step is ``apply(grads, vars)``: clip, decay, update, count.

``_update`` receives ``var`` and ``grad`` as flat 1-D views, and passes its slots flat too
(``flat(slot)``): numba compiles a kernel once per number of dimensions of its arrays, so
flat views let one compiled update serve a bias, a Dense kernel and a conv kernel alike
(three compilations fewer in a new process, about 0.3 s each on the issue-16 machine).
"""
import math
import re
import warnings

import numpy as np

from .. import backend, initializers
from ..ops.tensor import Tensor, Variable
from . import schedules


def flat(variable):
    """The value of a slot variable as a flat 1-D view (no copy), for an update kernel."""
    return variable.value.reshape(-1)


class Optimizer:
    def __init__(self, learning_rate=0.001, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None, **kwargs):
        if "lr" in kwargs:  # Keras 2 spelling, still in many tutorials
            warnings.warn("The `lr` argument is deprecated, use `learning_rate` instead.", stacklevel=3)
            learning_rate = kwargs.pop("lr")
        decay = kwargs.pop("decay", None)
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs} (optimizer {type(self).__name__}).")
        for arg, value, default in (("use_ema", use_ema, False), ("loss_scale_factor", loss_scale_factor, None),
                                    ("ema_overwrite_frequency", ema_overwrite_frequency, None),
                                    ("gradient_accumulation_steps", gradient_accumulation_steps, None)):
            if value != default:
                raise ValueError(f"minikeras optimizers do not implement `{arg}`; received {arg}={value!r}.")
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. Received: "
                f"clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}")
        self.name = name or backend.to_snake_case(type(self).__name__) + _suffix(type(self).__name__)
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = False
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = None
        self.loss_scale_factor = None
        self.gradient_accumulation_steps = None
        self.built = False
        self._iterations = Variable(np.zeros((), dtype="int64"), name="iteration", trainable=False,
                                    path=f"{self.name}/iteration")
        self._variables = [self._iterations]
        self._index = {}           # id(model variable) -> its position in the build list
        self._trainable_variables = []
        self._exclude_from_weight_decay = (set(), None)
        if decay:  # Keras 2's time-based decay, lr / (1 + decay * iterations)
            if isinstance(learning_rate, schedules.LearningRateSchedule) or callable(learning_rate):
                raise ValueError("`decay` cannot be combined with a learning rate schedule.")
            learning_rate = schedules.InverseTimeDecay(float(learning_rate), 1, float(decay))
        self._learning_rate = self._make_learning_rate(learning_rate)

    # -------------------------------------------------------------------- learning rate
    def _make_learning_rate(self, learning_rate):
        if isinstance(learning_rate, schedules.LearningRateSchedule) or callable(learning_rate):
            return learning_rate
        if isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float, np.floating, np.integer)):
            raise ValueError(
                "Argument `learning_rate` should be float, or an instance of LearningRateSchedule, "
                "or a callable (that takes in the current iteration value and returns the "
                f"corresponding learning rate value). Received instead: learning_rate={learning_rate!r}")
        var = Variable(np.asarray(learning_rate, dtype=backend.floatx()), name="learning_rate",
                       trainable=False, path=f"{self.name}/learning_rate")
        self._variables.insert(1, var)
        return var

    @property
    def learning_rate(self):
        """The current rate: the Variable, or the schedule's value at the current step."""
        return self._get_current_learning_rate()

    @learning_rate.setter
    def learning_rate(self, value):
        if isinstance(value, schedules.LearningRateSchedule) or callable(value):
            if isinstance(self._learning_rate, Variable):
                self._variables.remove(self._learning_rate)
            self._learning_rate = value
            return
        if not isinstance(self._learning_rate, Variable):
            raise TypeError(
                "This optimizer was created with a `LearningRateSchedule` object as its "
                "`learning_rate` constructor argument, hence its learning rate is not settable. If "
                "you need the learning rate to be settable, you should instantiate the optimizer "
                "with a float `learning_rate` argument.")
        self._learning_rate.assign(np.asarray(float(value), dtype=self._learning_rate.value.dtype))

    lr = learning_rate  # Keras 2 name

    def _get_current_learning_rate(self):
        if isinstance(self._learning_rate, Variable):
            return self._learning_rate
        if isinstance(self._learning_rate, schedules.LearningRateSchedule):
            return self._learning_rate(int(self._iterations.value))
        return self._learning_rate()

    def _lr_value(self):
        lr = self._learning_rate
        if isinstance(lr, Variable):
            return float(lr.value)
        if isinstance(lr, schedules.LearningRateSchedule):
            return float(lr(int(self._iterations.value)))
        return float(_to_array(lr()))

    @property
    def iterations(self):
        """Number of updates applied so far (a Variable; ``int(opt.iterations)`` reads it)."""
        return self._iterations

    # -------------------------------------------------------------------- state
    @property
    def variables(self):
        """All state: iteration, learning rate (unless a schedule), then the slots."""
        return list(self._variables)

    def build(self, var_list):
        """Create the slot variables for ``var_list``; subclasses extend this."""
        self._trainable_variables = list(var_list)
        self._index = {id(v): i for i, v in enumerate(var_list)}
        self.built = True

    def add_variable(self, shape, initializer="zeros", dtype=None, name=None):
        dtype = backend.standardize_dtype(dtype)
        init = initializers.get(initializer)
        var = Variable(init(tuple(shape), dtype=dtype), name=name or "variable", trainable=False, dtype=dtype,
                       path=f"{self.name}/{name or 'variable'}")
        self._variables.append(var)
        return var

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        name = f"{getattr(reference_variable, 'path', reference_variable.name).replace('/', '_')}_{name or 'var'}"
        return self.add_variable(reference_variable.shape, initializer=initializer,
                                 dtype=reference_variable.dtype, name=name)

    def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
        """One slot per model variable for each name; interleaved per variable, as Keras does."""
        names = [name] if isinstance(name, str) else list(name)
        slots = tuple([] for _ in names)
        for var in trainable_variables:
            for i, slot_name in enumerate(names):
                slots[i].append(self.add_variable_from_reference(var, slot_name, initializer))
        return slots[0] if isinstance(name, str) else slots

    def get_weights(self):
        return [v.value.copy() for v in self._variables]

    def set_weights(self, weights):
        if not self.built:
            raise ValueError(
                "You are calling `set_weights()` on an optimizer that has not yet been built. Please "
                "call `optimizer.build(trainable_variables)` to create the optimizer weights before "
                "calling `set_weights()`.")
        if len(weights) != len(self._variables):
            raise ValueError(f"Optimizer {self.name} has {len(self._variables)} variables, but "
                             f"{len(weights)} arrays were given.")
        for var, w in zip(self._variables, weights):
            w = np.asarray(w)
            if var.shape != w.shape:
                raise ValueError(f"Optimizer variable {var.path} has shape {var.shape} not compatible "
                                 f"with provided weight shape {w.shape}.")
        for var, w in zip(self._variables, weights):
            var.assign(w)

    def save_own_variables(self, store):
        """Write the state into ``store`` (a dict-like) under keys "0", "1", ..."""
        for i, var in enumerate(self._variables):
            store[str(i)] = var.value.copy()

    def load_own_variables(self, store):
        """Restore the state written by ``save_own_variables`` (build the optimizer first)."""
        if len(store.keys()) != len(self._variables):
            raise ValueError(
                f"Optimizer {self.name} has {len(self._variables)} variables, but the saved state has "
                f"{len(store.keys())}." + (" Build the optimizer first: "
                                          "optimizer.build(model.trainable_variables)." if not self.built else ""))
        self.set_weights([np.asarray(store[str(i)]) for i in range(len(self._variables))])

    # -------------------------------------------------------------------- applying gradients
    def apply_gradients(self, grads_and_vars):
        """``optimizer.apply_gradients(zip(grads, model.trainable_weights))``; returns iterations."""
        pairs = list(grads_and_vars)
        if not pairs:
            return self._iterations
        grads, variables = zip(*pairs)
        self.apply(grads, variables)
        return self._iterations

    def apply(self, grads, trainable_variables=None):
        """Update ``trainable_variables`` (default: those the optimizer was built on) with ``grads``."""
        if trainable_variables is None:
            if not self.built:
                raise ValueError("When passing `grads` without `variables`, the optimizer must already "
                                 "be built on a list of variables. Call `optimizer.build(trainable_variables)` first.")
            trainable_variables = self._trainable_variables
        trainable_variables = list(trainable_variables)
        if len(grads) != len(trainable_variables):
            raise ValueError(f"Optimizer {self.name} received {len(grads)} gradients for "
                             f"{len(trainable_variables)} variables.")
        for v in trainable_variables:
            if not isinstance(v, Variable):
                raise TypeError(f"Optimizer {self.name} can only update Variables, received "
                                f"{type(v).__name__}. Pass model.trainable_weights.")
        arrays, kept, missing = [], [], []
        for g, v in zip(grads, trainable_variables):
            if g is None:
                missing.append(v)
                continue
            g = _to_array(g)
            if g.shape != v.shape:
                raise ValueError(f"Gradient for variable '{v.path}' has shape {g.shape}, but the "
                                 f"variable has shape {v.shape}.")
            arrays.append(g)
            kept.append(v)
        if not kept:
            raise ValueError("No gradients provided for any variable.")
        if missing:
            warnings.warn(f"Gradients do not exist for variables {[v.path for v in missing]} when "
                          "minimizing the loss. If using `model.compile()`, did you forget to provide a "
                          "`loss` argument?", stacklevel=3)
        self._apply_arrays(arrays, kept)

    def _apply_arrays(self, grads, variables):
        """The step itself, on numpy gradients (the training loop calls this directly)."""
        if not self.built:
            self.build(variables)
        if self.clipnorm or self.clipvalue or self.global_clipnorm:
            grads = self._clip_gradients(grads)
        lr = self._lr_value()
        self._before_updates()
        index = self._index
        decay = self.weight_decay
        for g, var in zip(grads, variables):
            i = index.get(id(var))
            if i is None:
                raise KeyError(
                    f"Unknown variable: {var.path}. This optimizer can only be called for the variables "
                    "it was originally built with. When working with a new set of variables, you should "
                    "recreate a new optimizer instance.")
            value = var.value
            if not isinstance(g, np.ndarray) or g.dtype != value.dtype or not g.flags.c_contiguous:
                # np.array, not np.ascontiguousarray: the gradient of a 0-d weight (a numpy
                # scalar) must stay 0-d, and ascontiguousarray would make it 1-d
                g = np.array(g, dtype=value.dtype, order="C")
            if decay and self._use_weight_decay(var):
                value *= value.dtype.type(1.0 - decay * lr)
            self._update(i, g.reshape(-1), value.reshape(-1), lr)
            if var.constraint is not None:
                var.assign(_to_array(var.constraint(var)))
        self._iterations.value += 1

    def _before_updates(self):
        """Hook run once per step before the per-variable updates (Nadam's running product)."""

    def _update(self, index, grad, var, lr):
        raise NotImplementedError(f"Optimizer {type(self).__name__} must implement _update().")

    # -------------------------------------------------------------------- clipping and decay
    def _clip_gradients(self, grads):
        if self.clipnorm and self.clipnorm > 0:
            out = []
            for g in grads:
                norm = math.sqrt(float(np.sum(np.square(g, dtype=np.float64))))
                out.append(g * (self.clipnorm / max(norm, self.clipnorm)))
            return out
        if self.global_clipnorm and self.global_clipnorm > 0:
            norm = math.sqrt(sum(float(np.sum(np.square(g, dtype=np.float64))) for g in grads))
            scale = self.global_clipnorm * min(1.0 / norm if norm else math.inf, 1.0 / self.global_clipnorm)
            return [g * scale for g in grads]
        if self.clipvalue and self.clipvalue > 0:
            return [np.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        return grads

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Exempt variables (or those whose name matches one of ``var_names``) from weight decay."""
        if self.built:
            raise ValueError("`exclude_from_weight_decay()` can only be configured before the "
                             "optimizer is built.")
        ids = {id(v) for v in var_list or []}
        pattern = re.compile("|".join(set(var_names))) if var_names else None
        self._exclude_from_weight_decay = (ids, pattern)

    def _use_weight_decay(self, var):
        ids, pattern = self._exclude_from_weight_decay
        if id(var) in ids:
            return False
        return pattern is None or not pattern.search(var.name)

    # -------------------------------------------------------------------- config
    def get_config(self):
        lr = self._learning_rate
        if isinstance(lr, Variable):
            lr = float(lr.value)
        elif isinstance(lr, schedules.LearningRateSchedule):
            lr = schedules.serialize(lr)
        return {"name": self.name, "learning_rate": lr, "weight_decay": self.weight_decay,
                "clipnorm": self.clipnorm, "global_clipnorm": self.global_clipnorm,
                "clipvalue": self.clipvalue, "use_ema": self.use_ema, "ema_momentum": self.ema_momentum,
                "ema_overwrite_frequency": self.ema_overwrite_frequency,
                "loss_scale_factor": self.loss_scale_factor,
                "gradient_accumulation_steps": self.gradient_accumulation_steps}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules.deserialize(config["learning_rate"], custom_objects)
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, learning_rate={self._lr_value():g}>"


def _to_array(x):
    return x.value if isinstance(x, Tensor) else np.asarray(x)


def _suffix(class_name):
    n = backend.get_uid("optimizer:" + class_name)
    return "" if n == 1 else f"_{n - 1}"
