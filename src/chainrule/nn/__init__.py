"""chainrule.nn: modules, layers, losses, initialisation (`import chainrule.nn as nn`, PyTorch's names)."""

from . import (  # noqa: F401
    functional,
    init,
    parallel,
    utils,
)
from .activation import (  # noqa: F401
    ELU,
    GELU,
    Hardtanh,
    LeakyReLU,
    LogSoftmax,
    PReLU,
    ReLU,
    ReLU6,
    Sigmoid,
    SiLU,
    Softmax,
    Softmin,
    Softplus,
    Tanh,
)
from .container import ModuleDict, ModuleList, Sequential  # noqa: F401
from .conv import BatchNorm2d, Conv2d, Dropout2d  # noqa: F401
from .dropout import Dropout  # noqa: F401
from .hooks import RemovableHandle  # noqa: F401
from .linear import Flatten, Identity, Linear, Maxout, Unflatten  # noqa: F401
from .loss import (  # noqa: F401
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    L1Loss,
    MSELoss,
    MultiMarginLoss,
    NLLLoss,
    SmoothL1Loss,
)
from .loss_more import (  # noqa: F401
    CosineEmbeddingLoss,
    CTCLoss,
    GaussianNLLLoss,
    HingeEmbeddingLoss,
    KLDivLoss,
    MarginRankingLoss,
    MultiLabelMarginLoss,
    MultiLabelSoftMarginLoss,
    PoissonNLLLoss,
    SoftMarginLoss,
    TripletMarginLoss,
    TripletMarginWithDistanceLoss,
)
from .module import Module  # noqa: F401
from .normalization import BatchNorm1d, LayerNorm, _BatchNorm  # noqa: F401
from .param_container import ParameterDict, ParameterList  # noqa: F401
from .parameter import Parameter  # noqa: F401
from .sparse import Embedding  # noqa: F401
from .attention import MultiheadAttention  # noqa: F401
from .transformer import (  # noqa: F401
    Transformer,
    TransformerDecoder,
    TransformerDecoderLayer,
    TransformerEncoder,
    TransformerEncoderLayer,
)
from .rnn import GRU, LSTM, RNN, RNNBase  # noqa: F401
from .rnn_cell import GRUCell, LSTMCell, RNNCell, RNNCellBase  # noqa: F401
from .pooling import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d  # noqa: F401
from .sync_batchnorm import SyncBatchNorm  # noqa: F401
from .activation_more import (  # noqa: F401
    CELU, GLU, SELU, Hardshrink, Hardsigmoid, Hardswish, LogSigmoid, Mish, RReLU, Softshrink, Softsign, Tanhshrink,
    Threshold,
)
from .conv_more import Conv1d, ConvTranspose1d, ConvTranspose2d  # noqa: F401
from .norm_more import GroupNorm, InstanceNorm1d, InstanceNorm2d  # noqa: F401
from .padding import *  # noqa: F401,F403  (ZeroPad, ConstantPad, ReflectionPad, ReplicationPad, CircularPad 1-3d)
from .pooling_more import (  # noqa: F401
    AdaptiveAvgPool1d, AdaptiveMaxPool1d, AdaptiveMaxPool2d, AvgPool1d, MaxPool1d, MaxUnpool1d, MaxUnpool2d,
)
from .upsampling import (  # noqa: F401
    ChannelShuffle, CosineSimilarity, PairwiseDistance, PixelShuffle, PixelUnshuffle, Upsample,
    UpsamplingBilinear2d, UpsamplingNearest2d,
)
