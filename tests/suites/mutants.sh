#!/usr/bin/env bash
# Suite: the quick form of the mutation check (tests/mutants/run.sh): each
# hand-written mutant of a safety rule (tests/mutants/mutants.php) is built
# from a copy of the sources in a temp dir and must be killed by its
# deterministic tests; one check per mutant, "ok - mutant ID killed by TEST".
# A few minutes (one full build, then one object file per mutant). The full
# form: bash tests/mutants/run.sh --full.
# Prints "N passed, N failed" last.
exec bash "$(dirname "${BASH_SOURCE[0]}")/../mutants/run.sh" --quick
