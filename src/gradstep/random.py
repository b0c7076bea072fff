"""The default random generator: every random choice also takes an explicit seed or Generator."""

import numpy as np

_default_generator = np.random.default_rng()


def manual_seed(seed):
    """Seed the default generator used when no ``seed``/``rng`` argument is given.

    >>> import gradstep
    >>> _ = gradstep.manual_seed(0); a = gradstep.randn(2)
    >>> _ = gradstep.manual_seed(0); b = gradstep.randn(2)
    >>> bool((a.data == b.data).all())
    True
    """
    global _default_generator
    _default_generator = np.random.default_rng(seed)
    return _default_generator


def default_generator():
    """Return the generator set by ``manual_seed`` (fresh entropy until it is called).

    >>> import gradstep.random as r
    >>> r.default_generator() is r.default_generator()
    True
    """
    return _default_generator


def as_generator(seed=None):
    """Turn ``None`` (the default generator), an int seed or a Generator into a Generator.

    >>> import numpy as np
    >>> from gradstep.random import as_generator
    >>> g = np.random.default_rng(1); as_generator(g) is g
    True
    """
    if seed is None:
        return _default_generator
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)
