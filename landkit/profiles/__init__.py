"""Packaged county profiles (``<行政区划代码>.toml``); see :mod:`landkit.profile`."""
