"""S3 StressTest: how regions implement their Smart Specialisation Strategies through clusters.

Library first: every CLI command is a thin shell over a function importable from here.
Data flows one way: instrument + responses (campaign) -> scoring -> benchmarking.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("s3stresstest")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

from .errors import InputError, Problem

__all__ = ["InputError", "Problem", "__version__"]
