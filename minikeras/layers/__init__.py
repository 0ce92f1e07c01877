"""All layers, one family per module, plus Keras 2's import paths
(``layers.convolutional``, ``layers.pooling``, ``layers.merge``, ``layers.recurrent``, ``layers.wrappers``)."""
from ..engine.input_layer import Input, InputLayer
from ..engine.layer import InputSpec, Layer
from .activation import ELU, LeakyReLU, PReLU, ReLU, Softmax
from .convolutional import (Conv1D, Conv2D, Conv2DTranspose, Convolution1D, Convolution2D,
                            Convolution2DTranspose, Deconvolution2D, DepthwiseConv2D, SeparableConv2D,
                            SeparableConvolution2D)
from .core import (Activation, Dense, Dropout, Embedding, Flatten, Identity, Lambda, Masking, Permute,
                   RepeatVector, Reshape)
from .merging import (Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract, add,
                      average, concatenate, dot, maximum, minimum, multiply, subtract)
from .normalization import (BatchNormalization, GroupNormalization, LayerNormalization, RMSNormalization,
                            UnitNormalization)
from .pooling import (AveragePooling1D, AveragePooling2D, AvgPool1D, AvgPool2D, GlobalAveragePooling1D,
                      GlobalAveragePooling2D, GlobalAvgPool1D, GlobalAvgPool2D, GlobalMaxPool1D,
                      GlobalMaxPool2D, GlobalMaxPooling1D, GlobalMaxPooling2D, MaxPool1D, MaxPool2D,
                      MaxPooling1D, MaxPooling2D)
from .recurrent import GRU, LSTM, SimpleRNN
from .regularization import (ActivityRegularization, AlphaDropout, GaussianDropout, GaussianNoise,
                             SpatialDropout1D, SpatialDropout2D, SpatialDropout3D)
from .convolutional import (Conv1DTranspose, Conv3D, Conv3DTranspose, Convolution1DTranspose, Convolution3D,
                            Convolution3DTranspose, DepthwiseConv1D, SeparableConv1D, SeparableConvolution1D)
from .pooling import (AdaptiveAveragePooling1D, AdaptiveAveragePooling2D, AdaptiveAveragePooling3D,
                      AdaptiveMaxPooling1D, AdaptiveMaxPooling2D, AdaptiveMaxPooling3D, AveragePooling3D,
                      AvgPool3D, GlobalAveragePooling3D, GlobalAvgPool3D, GlobalMaxPool3D, GlobalMaxPooling3D,
                      MaxPool3D, MaxPooling3D)
from .reshaping import Cropping3D, UpSampling3D, ZeroPadding3D
from .einsum_dense import EinsumDense
from .reversible_embedding import ReversibleEmbedding
from .rnn import RNN
from .conv_lstm import ConvLSTM1D, ConvLSTM2D, ConvLSTM3D
from .wrappers import Wrapper
from .spectral_normalization import SpectralNormalization
from .rnn_cells import GRUCell, LSTMCell, SimpleRNNCell, StackedRNNCells
from .reshaping import Cropping1D, Cropping2D, UpSampling1D, UpSampling2D, ZeroPadding1D, ZeroPadding2D
from .wrappers import Bidirectional, TimeDistributed
from . import merge  # noqa: F401  (Keras 2 import path)
from .attention import AdditiveAttention, Attention, MultiHeadAttention
from .preprocessing import (CategoryEncoding, CenterCrop, Discretization, Normalization, RandomFlip,
                            RandomRotation, RandomTranslation, RandomZoom, Rescaling, Resizing)
from .preprocessing import Hashing
from .preprocessing import IntegerLookup, StringLookup
from .preprocessing import TextVectorization
from .preprocessing import RandomBrightness, RandomContrast, RandomCrop
from .preprocessing import AutoContrast, RandomGrayscale, RandomInvert, Solarization
from .preprocessing import RandomColorDegeneration, RandomPosterization
from .preprocessing import Pipeline
from .preprocessing import RandomSharpness, RandomShear


def serialize(layer):
    """``layer`` as Keras 3's config dict (module, class_name, config, registered_name)."""
    return _saving_hooks.saving_function("serialize_layer")(layer)


def deserialize(config, custom_objects=None):
    """The layer ``config`` describes (``custom_objects`` names your own classes)."""
    return _saving_hooks.saving_function("deserialize_layer")(config, custom_objects)


from ..engine import saving_hooks as _saving_hooks  # noqa: E402  (saving provides the functions)
