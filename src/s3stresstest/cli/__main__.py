"""`python -m s3stresstest.cli`: the same commands as the `s3stresstest` console script."""

from . import main

main()
