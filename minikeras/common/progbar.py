"""The Keras progress bar: ``32/32 [==============================] - 0s 2ms/step - loss: 0.6931``.

In a terminal the bar redraws in place with a carriage return. Anywhere else (a pipe, a
log file, a Jupyter notebook, a book built from executed notebooks) a carriage return
leaves debris, so the bar prints only its final line. ``dynamic_display()`` decides.
"""
import sys
import time

import numpy as np


def dynamic_display(stream=None):
    """True when ``stream`` (default sys.stdout) is a terminal that can redraw a line.

    A Jupyter kernel's stream reports isatty() False, but some wrappers claim a TTY, so
    ipykernel streams are excluded explicitly.
    """
    stream = stream or sys.stdout
    if type(stream).__module__.startswith("ipykernel") or "ipykernel" in type(stream).__module__:
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # closed stream
        return False


def format_value(value):
    if isinstance(value, (float, np.floating, int, np.integer)) and not isinstance(value, bool):
        return f"{value:.4f}" if abs(value) > 1e-3 else f"{value:.4e}"
    return str(value)


class Progbar:
    """Keras's ``Progbar(target, width=30, verbose=1, interval=0.05, unit_name='step')``.

    ``update(current, values)`` shows ``values`` (pairs of name and value) as given: the
    training loop passes running means already.
    """

    def __init__(self, target, width=30, verbose=1, interval=0.05, stateful_metrics=None, unit_name="step"):
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self._dynamic = dynamic_display()
        self._values = {}
        self._total_width = 0
        self._seen_so_far = 0
        self._start = time.time()
        self._last_update = 0.0
        self._time_after_first_step = None

    def update(self, current, values=None, finalize=None):
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        for name, value in values or ():
            self._values[name] = value
        self._seen_so_far = current
        now = time.time()
        time_per_unit = self._step_duration(current, now)
        if self.verbose == 1:
            if not finalize and (not self._dynamic or now - self._last_update < self.interval):
                return
            line = self._bar(current) + self._timing(current, now, time_per_unit, finalize) + self._metrics()
            self._write(line, finalize)
        elif self.verbose == 2 and finalize:
            count = f"{current}/{self.target}" if self.target is not None else f"{current}"
            elapsed = now - self._start
            line = f"{count} - {elapsed:.0f}s{self._metrics()}"
            line += " -" + _format_time(elapsed, "epoch")
            if current:
                line += " -" + _format_time(elapsed / current, self.unit_name)
            sys.stdout.write(line + "\n")
            sys.stdout.flush()
        self._last_update = now

    def add(self, n, values=None):
        self.update(self._seen_so_far + n, values)

    def _step_duration(self, current, now):
        """Seconds per step, leaving out the first step (it includes compilation)."""
        if not current:
            return 0.0
        if self._time_after_first_step is not None and current > 1:
            per = (now - self._time_after_first_step) / (current - 1)
        else:
            per = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return per

    def _bar(self, current):
        if self.target is None:
            return f"{current:7d}/Unknown"
        digits = len(str(self.target))
        bar = f"{current:{digits}d}/{self.target} ["
        filled = int(self.width * current / self.target) if self.target else self.width
        if filled > 0:
            bar += "=" * (filled - 1) + (">" if current < self.target else "=")
        return bar + "." * (self.width - filled) + "]"

    def _timing(self, current, now, time_per_unit, finalize):
        if self.target is None or finalize:
            return f" - {now - self._start:.0f}s" + _format_time(time_per_unit, self.unit_name)
        eta = time_per_unit * (self.target - current)
        if eta > 3600:
            text = f"{int(eta // 3600)}:{int(eta % 3600) // 60:02d}:{int(eta % 60):02d}"
        elif eta > 60:
            text = f"{int(eta // 60)}:{int(eta % 60):02d}"
        else:
            text = f"{int(eta)}s"
        return f" - ETA: {text}"

    def _metrics(self):
        return "".join(f" - {name}: {format_value(value)}" for name, value in self._values.items())

    def _write(self, line, finalize):
        if self._dynamic:
            padding = " " * max(self._total_width - len(line), 0)
            self._total_width = len(line)
            sys.stdout.write("\r" + line + padding + ("\n" if finalize else ""))
        else:
            sys.stdout.write(line + "\n")
        sys.stdout.flush()


def _format_time(seconds, unit_name):
    if seconds >= 1 or seconds == 0:
        return f" {seconds:.0f}s/{unit_name}"
    if seconds >= 1e-3:
        return f" {seconds * 1e3:.0f}ms/{unit_name}"
    return f" {seconds * 1e6:.0f}us/{unit_name}"
