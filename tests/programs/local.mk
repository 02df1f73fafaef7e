# Program tests and the bad-input corpus, through the shapec binary.
TESTS += tests/run-programs.sh
AM_TESTS_ENVIRONMENT = abs_top_srcdir='$(abs_top_srcdir)'; SHAPEC='$(abs_top_builddir)/shapec'; export abs_top_srcdir SHAPEC;
EXTRA_DIST += tests/run-programs.sh tests/programs tests/bad
