"""Preprocessing layers: data transformations that live inside the model, so a saved model
takes raw inputs (pixels, raw numbers, strings) and preprocesses them itself.

One module per family: ``numerical`` (Rescaling, Normalization, Discretization), ``image``
(Resizing, CenterCrop), ``image_augmentation`` (RandomFlip, RandomRotation, RandomZoom,
RandomTranslation, RandomShear, RandomCrop), ``color_augmentation`` (RandomContrast,
RandomBrightness, RandomInvert, RandomGrayscale, RandomColorDegeneration, RandomPosterization,
RandomSharpness, Solarization, AutoContrast), ``categorical`` (CategoryEncoding, Hashing),
``index_lookup`` (StringLookup, IntegerLookup), ``text_vectorization`` (TextVectorization) and
``pipeline`` (Pipeline: layers in a row).
"""
from .categorical import CategoryEncoding
from .image import CenterCrop, Resizing
from .image_augmentation import RandomFlip, RandomRotation, RandomTranslation, RandomZoom
from .numerical import Discretization, Normalization, Rescaling
from .hashing import Hashing
from .index_lookup import IntegerLookup, StringLookup
from .text_vectorization import TextVectorization
from .color_augmentation import (AutoContrast, RandomBrightness, RandomColorDegeneration, RandomContrast,
                                 RandomGrayscale, RandomInvert, RandomPosterization, Solarization)
from .image_augmentation import RandomCrop, RandomShear
from .color_augmentation import RandomSharpness
from .pipeline import Pipeline
