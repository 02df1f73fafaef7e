# The benchmark suite: checked at the tiny size by make check.
TESTS += bench/check-tiny.sh
EXTRA_DIST += bench/run bench/check-tiny.sh bench/expected bench/c bench/lua bench/js bench/py \
	bench/01_fib.sasm \
	bench/02_fib_iter.sasm \
	bench/03_sieve.sasm \
	bench/04_mandelbrot.sasm \
	bench/05_spectral.sasm \
	bench/06_ackermann.sasm \
	bench/07_sum_loop.sasm \
	bench/07b_dot_product.sasm \
	bench/08_collatz.sasm \
	bench/09_matrix_mul.sasm \
	bench/10_primes_count.sasm \
	bench/11_object_property_loop.sasm \
	bench/12_polymorphic_dispatch.sasm \
	bench/13_hashmap_build_query.sasm \
	bench/14_string_concat.sasm \
	bench/15_gc_pressure_tree.sasm \
	bench/16_array_of_objects.sasm
