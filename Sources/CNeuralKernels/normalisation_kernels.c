// BatchNorm2d loops over channel-major activations, where channel ci is m contiguous values. Every channel
// is reduced by one thread in a fixed order, so the results do not depend on the thread count.
#include "neural_kernels.h"
#include "lane_sums.h"
#include "parallel.h"

#include <math.h>

struct batchnorm_task {
    const float *x;
    const float *dy;
    const float *relu_output;
    const float *gamma, *beta, *running_mean, *running_var, *inv_std;
    float *xhat, *y, *dx, *mean, *var, *out_inv_std, *dgamma, *dbeta;
    float eps;
    int relu;
    size_t m;
};

/* dy masked by the ReLU that followed the normalisation: 0 where its output was not positive. */
static inline float masked(const struct batchnorm_task *t, size_t index) {
    if (t->relu_output && !(t->relu_output[index] > 0.0f)) return 0.0f;
    return t->dy[index];
}

static void train_forward_channels(void *context, size_t begin, size_t end) {
    const struct batchnorm_task *t = context;
    for (size_t ci = begin; ci < end; ci++) {
        const float *x = t->x + ci * t->m;

        // Two passes in double: the mean first, then the centred sum of squares.
        const double mu = nk_sum(x, t->m) / (double)t->m;
        const double variance = nk_sum_squared_deviations(x, t->m, mu) / (double)t->m;
        const float istd = (float)(1.0 / sqrt(variance + t->eps));
        const float shift = (float)mu;
        t->mean[ci] = shift;
        t->var[ci] = (float)variance;
        t->out_inv_std[ci] = istd;

        const float g = t->gamma[ci], b = t->beta[ci];
        float *xhat = t->xhat + ci * t->m;
        float *y = t->y + ci * t->m;
        for (size_t j = 0; j < t->m; j++) {
            const float h = (x[j] - shift) * istd;
            const float v = g * h + b;
            xhat[j] = h;
            y[j] = (t->relu && !(v > 0.0f)) ? 0.0f : v;
        }
    }
}

void nk_batchnorm_train_forward(const float *x, int c, size_t m, const float *gamma, const float *beta, float eps,
                                int relu, float *xhat, float *y, float *mean, float *var, float *inv_std, int threads) {
    struct batchnorm_task task = {.x = x, .gamma = gamma, .beta = beta, .xhat = xhat, .y = y, .mean = mean,
                                  .var = var, .out_inv_std = inv_std, .eps = eps, .relu = relu, .m = m};
    nk_parallel_for((size_t)c, 4 * m, threads, train_forward_channels, &task);
}

static void eval_forward_channels(void *context, size_t begin, size_t end) {
    const struct batchnorm_task *t = context;
    for (size_t ci = begin; ci < end; ci++) {
        const float scale = t->gamma[ci] / sqrtf(t->running_var[ci] + t->eps);
        const float shift = t->beta[ci] - t->running_mean[ci] * scale;
        const float *x = t->x + ci * t->m;
        float *y = t->y + ci * t->m;
        for (size_t j = 0; j < t->m; j++) {
            const float v = x[j] * scale + shift;
            y[j] = (t->relu && !(v > 0.0f)) ? 0.0f : v;
        }
    }
}

void nk_batchnorm_eval_forward(const float *x, int c, size_t m, const float *gamma, const float *beta,
                               const float *running_mean, const float *running_var, float eps, int relu, float *y,
                               int threads) {
    struct batchnorm_task task = {.x = x, .gamma = gamma, .beta = beta, .running_mean = running_mean,
                                  .running_var = running_var, .y = y, .eps = eps, .relu = relu, .m = m};
    nk_parallel_for((size_t)c, m, threads, eval_forward_channels, &task);
}

/* One channel of the training-mode backward pass. Inlined with a constant use_mask, so each variant gets
 * a loop without the per-element test. */
static inline __attribute__((always_inline)) void train_backward_channel(const struct batchnorm_task *t,
                                                                         size_t ci, int use_mask) {
    const size_t base = ci * t->m;
    const float *dy = t->dy + base;
    const float *mask = use_mask ? t->relu_output + base : NULL;
    const float *xhat = t->xhat + base;

    // Both sums in double over fixed interleaved lanes, as in nk_sum.
    double lane_dy[nk_sum_lanes] = {0}, lane_dy_xhat[nk_sum_lanes] = {0};
    size_t j = 0;
    for (; j + nk_sum_lanes <= t->m; j += nk_sum_lanes) {
        for (int l = 0; l < nk_sum_lanes; l++) {
            const float g = (use_mask && !(mask[j + l] > 0.0f)) ? 0.0f : dy[j + l];
            lane_dy[l] += g;
            lane_dy_xhat[l] += (double)g * xhat[j + l];
        }
    }
    for (int l = 0; j < t->m; j++, l++) {
        const float g = (use_mask && !(mask[j] > 0.0f)) ? 0.0f : dy[j];
        lane_dy[l] += g;
        lane_dy_xhat[l] += (double)g * xhat[j];
    }
    double sum_dy = 0.0, sum_dy_xhat = 0.0;
    for (int l = 0; l < nk_sum_lanes; l++) {
        sum_dy += lane_dy[l];
        sum_dy_xhat += lane_dy_xhat[l];
    }
    if (t->dgamma) t->dgamma[ci] += (float)sum_dy_xhat;
    if (t->dbeta) t->dbeta[ci] += (float)sum_dy;
    if (!t->dx) return;

    const float scale = t->gamma[ci] * t->inv_std[ci];
    const float mean_dy = (float)(sum_dy / (double)t->m);
    const float mean_dy_xhat = (float)(sum_dy_xhat / (double)t->m);
    float *dx = t->dx + base;
    for (size_t i = 0; i < t->m; i++) {
        const float g = (use_mask && !(mask[i] > 0.0f)) ? 0.0f : dy[i];
        dx[i] = scale * (g - mean_dy - xhat[i] * mean_dy_xhat);
    }
}

static void train_backward_channels(void *context, size_t begin, size_t end) {
    const struct batchnorm_task *t = context;
    for (size_t ci = begin; ci < end; ci++) {
        if (t->relu_output) {
            train_backward_channel(t, ci, 1);
        } else {
            train_backward_channel(t, ci, 0);
        }
    }
}

void nk_batchnorm_train_backward(const float *dy, const float *relu_output, const float *xhat, int c, size_t m,
                                 const float *gamma, const float *inv_std, float *dx, float *dgamma, float *dbeta,
                                 int threads) {
    struct batchnorm_task task = {.dy = dy, .relu_output = relu_output, .xhat = (float *)xhat, .gamma = gamma,
                                  .inv_std = inv_std, .dx = dx, .dgamma = dgamma, .dbeta = dbeta, .m = m};
    nk_parallel_for((size_t)c, 4 * m, threads, train_backward_channels, &task);
}

static void eval_backward_channels(void *context, size_t begin, size_t end) {
    const struct batchnorm_task *t = context;
    for (size_t ci = begin; ci < end; ci++) {
        const float scale = t->gamma[ci] / sqrtf(t->running_var[ci] + t->eps);
        float *dx = t->dx + ci * t->m;
        for (size_t j = 0; j < t->m; j++) dx[j] = masked(t, ci * t->m + j) * scale;
    }
}

void nk_batchnorm_eval_backward(const float *dy, const float *relu_output, int c, size_t m, const float *gamma,
                                const float *running_var, float eps, float *dx, int threads) {
    struct batchnorm_task task = {.dy = dy, .relu_output = relu_output, .gamma = gamma, .running_var = running_var,
                                  .dx = dx, .eps = eps, .m = m};
    nk_parallel_for((size_t)c, m, threads, eval_backward_channels, &task);
}
