"""The benchmark (README, "Performance"): `make bench`, or `python -m orchestration.cli bench`. Its own package,
beside the `orchestration` package it measures; reports go to bench/reports (git-ignored), notes in NOTES.md."""
