"""policesim: a discrete-event simulation of district police staffing and response."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("policesim")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
