#ifndef IA_KERNELS_H
#define IA_KERNELS_H

#include <stddef.h>

/* Squared Euclidean distance sum_i ((double)a[i] - (double)b[i])^2 of two float vectors of length n,
 * accumulated in double with four partial sums. */
double ia_squared_distance_f32(const float *a, const float *b, size_t n);

/* Squared Euclidean norm sum_i (double)a[i]^2 of a float vector of length n, in double. */
double ia_squared_norm_f32(const float *a, size_t n);

#include <stdint.h>

/* Sum of squared differences sum_i (a[i] - b[i])^2 of two uint16 vectors of length n. Every term
 * and partial sum is an integer below 2^53 for n below 2 million, so the double result is exact. */
double ia_squared_distance_u16(const uint16_t *a, const uint16_t *b, size_t n);

#endif
