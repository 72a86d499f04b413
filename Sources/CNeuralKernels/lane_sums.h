// Sums in double over long float arrays, split into interleaved lanes so that the additions of different
// lanes are independent and can use vector instructions. The lane count and order are fixed, so the result
// depends only on the data. Not part of this target's public header.
#ifndef IA_NEURAL_LANE_SUMS_H
#define IA_NEURAL_LANE_SUMS_H

#include <stddef.h>

enum { nk_sum_lanes = 8 };

/* Lane l adds x[j] for j = l mod 8 in increasing j; the lane totals are then added in lane order. */
static inline double nk_sum(const float *x, size_t m) {
    double lane[nk_sum_lanes] = {0};
    size_t j = 0;
    for (; j + nk_sum_lanes <= m; j += nk_sum_lanes) {
        for (int l = 0; l < nk_sum_lanes; l++) lane[l] += x[j + l];
    }
    for (int l = 0; j < m; j++, l++) lane[l] += x[j];
    double total = 0.0;
    for (int l = 0; l < nk_sum_lanes; l++) total += lane[l];
    return total;
}

/* Sum of (x[j] - centre)^2 in double, with the same lanes as nk_sum. */
static inline double nk_sum_squared_deviations(const float *x, size_t m, double centre) {
    double lane[nk_sum_lanes] = {0};
    size_t j = 0;
    for (; j + nk_sum_lanes <= m; j += nk_sum_lanes) {
        for (int l = 0; l < nk_sum_lanes; l++) {
            const double d = x[j + l] - centre;
            lane[l] += d * d;
        }
    }
    for (int l = 0; j < m; j++, l++) {
        const double d = x[j] - centre;
        lane[l] += d * d;
    }
    double total = 0.0;
    for (int l = 0; l < nk_sum_lanes; l++) total += lane[l];
    return total;
}

#endif
