# unit test sources: tests_unit_unit_tests_SOURCES += tests/unit/test_X.c
tests_unit_unit_tests_SOURCES += tests/unit/test_vm.c
tests_unit_unit_tests_SOURCES += tests/unit/test_asm.c
tests_unit_unit_tests_SOURCES += tests/unit/test_verify.c
tests_unit_unit_tests_SOURCES += tests/unit/test_values.c
tests_unit_unit_tests_SOURCES += tests/unit/test_print.c
tests_unit_unit_tests_SOURCES += tests/unit/test_heap.c
tests_unit_unit_tests_SOURCES += tests/unit/test_roundtrip.c
