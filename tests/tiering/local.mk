# Tiering traces: when functions compile, deopt and are recompiled (tests/tiering/run.sh).
TESTS += tests/tiering/run.sh tests/tiering/budget.sh
EXTRA_DIST += tests/tiering
