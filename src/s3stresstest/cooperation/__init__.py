"""Cooperation topics for a group of territories, ranked from a run (issue 14, point 3).

from s3stresstest.run import read_run
from s3stresstest.cooperation import cooperation_topics, write_topics
result = cooperation_topics(read_run("demo-output"), ["AT31", "AT32", "DE1", "DE2", "ITC1", "SI"])
write_topics(result, "topics-out")
"""

from .diamond import diamond_svg
from .topics import CAPACITY, DIMENSIONS, WILLINGNESS, CooperationTopics, cooperation_topics
from .write import write_topics

__all__ = [
    "CAPACITY",
    "DIMENSIONS",
    "WILLINGNESS",
    "CooperationTopics",
    "cooperation_topics",
    "diamond_svg",
    "write_topics",
]
