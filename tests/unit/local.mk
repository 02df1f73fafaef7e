# unit test sources: tests_unit_unit_tests_SOURCES += tests/unit/test_X.c
tests_unit_unit_tests_SOURCES += tests/unit/test_vm.c
