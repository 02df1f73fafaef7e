# program tests
