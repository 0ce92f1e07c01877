"""Small helpers that every layer of the package may use.

Each module here imports nothing of minikeras, and this ``__init__`` imports none of them:
importing ``minikeras.common.registration`` runs no other minikeras code. That is why they
live here and not in ``utils`` or ``saving``, whose ``__init__``s gather public names from
the whole package (``keras.utils.plot_model``, ``keras.saving.load_model``): a low module
such as ``initializers`` importing ``minikeras.utils.x`` would run ``utils/__init__`` first
and so depend on everything above it. ``keras.utils`` and ``keras.saving`` re-export the
public names defined here.
"""
