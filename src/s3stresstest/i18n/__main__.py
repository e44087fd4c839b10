"""`python -m s3stresstest.i18n compile|extract|status` — see scripts/catalogues."""

from .tools import main

main()
