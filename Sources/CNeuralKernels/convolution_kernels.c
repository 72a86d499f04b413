// im2col, its adjoint and the per-channel loops of the convolutions. Package.swift compiles this target
// with -O2 even in debug builds, because the tests train small networks and unoptimised loops would
// dominate their time.
#include "neural_kernels.h"
#include "lane_sums.h"
#include "parallel.h"

#include <string.h>

struct unfold_task {
    const float *x;
    float *col;
    size_t channel_stride;
    int n, h, w, k, stride, pad, oh, ow;
};

/* One image's part of one column row: the values kernel tap (ky, kx) reads at every output position. */
static void unfold_tap(const float *plane, const struct unfold_task *t, int ky, int kx, float *out) {
    for (int oy = 0; oy < t->oh; oy++, out += t->ow) {
        const int iy = oy * t->stride - t->pad + ky;
        if (iy < 0 || iy >= t->h) {
            memset(out, 0, sizeof(float) * (size_t)t->ow);
            continue;
        }
        const float *in = plane + (size_t)iy * t->w;
        if (t->stride == 1) {
            // Contiguous copy between the padded borders.
            const int shift = kx - t->pad;
            const int first = shift < 0 ? -shift : 0;
            const int last = (t->w - shift < t->ow) ? t->w - shift : t->ow;
            for (int ox = 0; ox < first; ox++) out[ox] = 0.0f;
            if (last > first) memcpy(out + first, in + first + shift, sizeof(float) * (size_t)(last - first));
            for (int ox = (last > first ? last : first); ox < t->ow; ox++) out[ox] = 0.0f;
        } else {
            for (int ox = 0; ox < t->ow; ox++) {
                const int ix = ox * t->stride - t->pad + kx;
                out[ox] = (ix >= 0 && ix < t->w) ? in[ix] : 0.0f;
            }
        }
    }
}

/* Column rows begin..<end, each row being one (ci, ky, kx). */
static void unfold_rows(void *context, size_t begin, size_t end) {
    const struct unfold_task *t = context;
    const size_t area = (size_t)t->oh * t->ow;
    const int taps = t->k * t->k;

    for (size_t row = begin; row < end; row++) {
        const int ci = (int)(row / taps);
        const int ky = (int)(row % taps) / t->k;
        const int kx = (int)(row % taps) % t->k;
        float *out = t->col + row * t->n * area;
        for (int i = 0; i < t->n; i++) {
            const float *plane = t->x + ci * t->channel_stride + (size_t)i * t->h * t->w;
            unfold_tap(plane, t, ky, kx, out + i * area);
        }
    }
}

void nk_im2col_batch(const float *x, int c, size_t channel_stride, int n, int h, int w, int k, int stride, int pad,
                     int oh, int ow, float *col, int threads) {
    struct unfold_task task = {x, col, channel_stride, n, h, w, k, stride, pad, oh, ow};
    nk_parallel_for((size_t)c * k * k, (size_t)n * oh * ow, threads, unfold_rows, &task);
}

/* Planes begin..<end of the input gradient, plane p being channel p / n of image p % n. */
static void fold_planes(void *context, size_t begin, size_t end) {
    const struct unfold_task *t = context;
    const size_t area = (size_t)t->oh * t->ow;
    const size_t row_length = (size_t)t->n * area;
    float *x = (float *)t->x;

    for (size_t p = begin; p < end; p++) {
        const int ci = (int)(p / t->n);
        const int i = (int)(p % t->n);
        float *plane = x + ci * t->channel_stride + (size_t)i * t->h * t->w;
        memset(plane, 0, sizeof(float) * (size_t)t->h * t->w);
        for (int ky = 0; ky < t->k; ky++) {
            for (int kx = 0; kx < t->k; kx++) {
                const float *row = t->col + ((size_t)(ci * t->k + ky) * t->k + kx) * row_length + i * area;
                // Output columns whose input column lies inside the image: first <= ox < last.
                const int shift = kx - t->pad;
                if (t->w - 1 - shift < 0) continue;
                const int first = shift < 0 ? (-shift + t->stride - 1) / t->stride : 0;
                int last = (t->w - 1 - shift) / t->stride + 1;
                if (last > t->ow) last = t->ow;
                for (int oy = 0; oy < t->oh; oy++) {
                    const int iy = oy * t->stride - t->pad + ky;
                    if (iy < 0 || iy >= t->h) continue;
                    const float *in = row + (size_t)oy * t->ow;
                    float *out = plane + (size_t)iy * t->w;
                    for (int ox = first; ox < last; ox++) out[ox * t->stride + shift] += in[ox];
                }
            }
        }
    }
}

void nk_col2im_batch(const float *col, int c, size_t channel_stride, int n, int h, int w, int k, int stride, int pad,
                     int oh, int ow, float *x, int threads) {
    // The task's x is written through a cast: fold_planes owns the planes it is given.
    struct unfold_task task = {x, (float *)col, channel_stride, n, h, w, k, stride, pad, oh, ow};
    nk_parallel_for((size_t)c * n, (size_t)k * k * oh * ow, threads, fold_planes, &task);
}

void nk_transpose_outer(const float *x, int rows, int cols, size_t inner, float *y) {
    for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
            memcpy(y + ((size_t)j * rows + i) * inner, x + ((size_t)i * cols + j) * inner, sizeof(float) * inner);
        }
    }
}

struct channel_task {
    float *values;
    const float *bias;
    const float *dy;
    float *dbias;
    size_t m;
};

static void add_bias_channels(void *context, size_t begin, size_t end) {
    const struct channel_task *t = context;
    for (size_t ci = begin; ci < end; ci++) {
        float *plane = t->values + ci * t->m;
        const float b = t->bias[ci];
        for (size_t j = 0; j < t->m; j++) plane[j] += b;
    }
}

void nk_add_channel_bias(float *y, const float *bias, int c, size_t m, int threads) {
    struct channel_task task = {y, bias, NULL, NULL, m};
    nk_parallel_for((size_t)c, m, threads, add_bias_channels, &task);
}

static void sum_channels(void *context, size_t begin, size_t end) {
    const struct channel_task *t = context;
    for (size_t ci = begin; ci < end; ci++) {
        t->dbias[ci] += (float)nk_sum(t->dy + ci * t->m, t->m);
    }
}

void nk_accumulate_channel_sums(const float *dy, int c, size_t m, float *dbias, int threads) {
    struct channel_task task = {NULL, NULL, dy, dbias, m};
    nk_parallel_for((size_t)c, m, threads, sum_channels, &task);
}
