"""Callbacks: ``model.fit(..., callbacks=[EarlyStopping(patience=3), CSVLogger('log.csv')])``."""
from .callback import Callback, LambdaCallback, TerminateOnNaN
from .callback_list import CallbackList
from .csv_logger import CSVLogger
from .history import History
from .learning_rate_scheduler import LearningRateScheduler
from .monitor_callbacks import EarlyStopping, ModelCheckpoint, MonitorCallback, ReduceLROnPlateau
from .progbar_logger import ProgbarLogger
