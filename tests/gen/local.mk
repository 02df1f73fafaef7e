# Random program generator, reference interpreter and differential driver
# (see tests/gen/difftest.py). make check runs a bounded campaign.
TESTS += tests/gen/check-diff.sh
EXTRA_DIST += tests/gen/gen.py tests/gen/refvm.py tests/gen/difftest.py tests/gen/check-diff.sh
