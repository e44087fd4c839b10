"""Composite indicators with the results of COINr 1.1.14 (issue 15).

    from s3stresstest.composite import read_coin, build, write_coin
    coin = build(read_coin("ASEM_iData.csv", "ASEM_iMeta.csv"), "example")
    coin.ranks()

`Coin` keeps the data, the framework, every dataset and the log of steps (see `coin`); the
methods are in `methods`, each with COINr's exact definition.
"""

from .coin import Coin, Structure
from .pipeline import PIPELINES, build, read_coin, write_coin

__all__ = ["PIPELINES", "Coin", "Structure", "build", "read_coin", "write_coin"]
