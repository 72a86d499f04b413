// Element-wise ReLU and sums, and the pooling layers. Every output element is written by one thread with
// the same arithmetic, so the results do not depend on the thread count.
#include "neural_kernels.h"
#include "parallel.h"

#include <math.h>

struct elementwise_task {
    const float *a, *b;
    float *y;
};

static void relu_range(void *context, size_t begin, size_t end) {
    const struct elementwise_task *t = context;
    for (size_t i = begin; i < end; i++) t->y[i] = t->y[i] > 0.0f ? t->y[i] : 0.0f;
}

void nk_relu_forward(float *x, size_t count, int threads) {
    struct elementwise_task task = {NULL, NULL, x};
    nk_parallel_for(count, 1, threads, relu_range, &task);
}

static void relu_backward_range(void *context, size_t begin, size_t end) {
    const struct elementwise_task *t = context;
    for (size_t i = begin; i < end; i++) t->y[i] = t->a[i] > 0.0f ? t->b[i] : 0.0f;
}

void nk_relu_backward(const float *y, const float *dy, float *dx, size_t count, int threads) {
    struct elementwise_task task = {y, dy, dx};
    nk_parallel_for(count, 1, threads, relu_backward_range, &task);
}

static void add_relu_range(void *context, size_t begin, size_t end) {
    const struct elementwise_task *t = context;
    for (size_t i = begin; i < end; i++) {
        const float s = t->a[i] + t->b[i];
        t->y[i] = s > 0.0f ? s : 0.0f;
    }
}

void nk_add_relu(const float *a, const float *b, float *y, size_t count, int threads) {
    struct elementwise_task task = {a, b, y};
    nk_parallel_for(count, 1, threads, add_relu_range, &task);
}

static void add_range(void *context, size_t begin, size_t end) {
    const struct elementwise_task *t = context;
    for (size_t i = begin; i < end; i++) t->y[i] = t->a[i] + t->b[i];
}

void nk_add(const float *a, const float *b, float *y, size_t count, int threads) {
    struct elementwise_task task = {a, b, y};
    nk_parallel_for(count, 1, threads, add_range, &task);
}

struct pool_task {
    const float *x;
    const float *dy;
    const float *y_in;
    float *y;
    float *dx;
    int32_t *argmax;
    const int32_t *argmax_in;
    int h, w, relu;
};

static void maxpool_forward_planes(void *context, size_t begin, size_t end) {
    const struct pool_task *t = context;
    const int oh = t->h / 2, ow = t->w / 2;

    for (size_t p = begin; p < end; p++) {
        const float *in = t->x + p * t->h * t->w;
        float *out = t->y + p * oh * ow;
        int32_t *arg = t->argmax + p * oh * ow;
        for (int oy = 0; oy < oh; oy++) {
            const float *top = in + (size_t)(2 * oy) * t->w;
            const float *bottom = top + t->w;
            for (int ox = 0; ox < ow; ox++) {
                // Row-major scan; a later value wins only when larger or NaN, as in PyTorch.
                const int first = (2 * oy) * t->w + 2 * ox;
                float value = top[2 * ox];
                int best = first;
                if (top[2 * ox + 1] > value || isnan(top[2 * ox + 1])) { value = top[2 * ox + 1]; best = first + 1; }
                if (bottom[2 * ox] > value || isnan(bottom[2 * ox])) { value = bottom[2 * ox]; best = first + t->w; }
                if (bottom[2 * ox + 1] > value || isnan(bottom[2 * ox + 1])) {
                    value = bottom[2 * ox + 1];
                    best = first + t->w + 1;
                }
                if (t->relu && !(value > 0.0f)) value = 0.0f;
                out[oy * ow + ox] = value;
                arg[oy * ow + ox] = best;
            }
        }
    }
}

void nk_maxpool2_forward(const float *x, int planes, int h, int w, int relu, float *y, int32_t *argmax, int threads) {
    struct pool_task task = {.x = x, .y = y, .argmax = argmax, .h = h, .w = w, .relu = relu};
    nk_parallel_for((size_t)planes, (size_t)h * w, threads, maxpool_forward_planes, &task);
}

static void maxpool_backward_planes(void *context, size_t begin, size_t end) {
    const struct pool_task *t = context;
    const int oh = t->h / 2, ow = t->w / 2;

    for (size_t p = begin; p < end; p++) {
        float *out = t->dx + p * t->h * t->w;
        const size_t base = p * oh * ow;
        // The 2 x 2 windows tile the plane, so writing all four values of each window covers dx.
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                const size_t o = base + (size_t)oy * ow + ox;
                const int first = (2 * oy) * t->w + 2 * ox;
                const float g = (t->y_in && !(t->y_in[o] > 0.0f)) ? 0.0f : t->dy[o];
                out[first] = 0.0f;
                out[first + 1] = 0.0f;
                out[first + t->w] = 0.0f;
                out[first + t->w + 1] = 0.0f;
                out[t->argmax_in[o]] = g;
            }
        }
    }
}

void nk_maxpool2_backward(const float *dy, const float *relu_output, const int32_t *argmax, int planes, int h, int w,
                          float *dx, int threads) {
    struct pool_task task = {.dy = dy, .y_in = relu_output, .argmax_in = argmax, .dx = dx, .h = h, .w = w};
    nk_parallel_for((size_t)planes, (size_t)h * w, threads, maxpool_backward_planes, &task);
}

void nk_global_average_forward(const float *x, int planes, int hw, float *y) {
    for (int p = 0; p < planes; p++) {
        const float *in = x + (size_t)p * hw;
        double sum = 0.0;
        for (int j = 0; j < hw; j++) sum += in[j];
        y[p] = (float)(sum / hw);
    }
}

void nk_global_average_backward(const float *dy, int planes, int hw, float *dx) {
    for (int p = 0; p < planes; p++) {
        const float g = dy[p] / (float)hw;
        float *out = dx + (size_t)p * hw;
        for (int j = 0; j < hw; j++) out[j] = g;
    }
}
