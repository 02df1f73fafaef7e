# Golden IR tests: input + expected IR after the named passes.
TESTS += tests/golden/run.sh
EXTRA_DIST += tests/golden
