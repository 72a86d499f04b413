// Non-BLAS inner loops of the CNN trainer. Package.swift compiles this target with -O2 even in debug
// builds, because the tests train small networks and unoptimised Swift loops would dominate their time.
#include "neural_kernels.h"

#include <math.h>
#include <string.h>

/* One row of one image of the columns: the values a kernel tap (ky, kx) reads at every output position. */
static void im2col_tap(const float *plane, int h, int w, int ky, int kx, int stride, int pad, int oh, int ow,
                       float *out) {
    for (int oy = 0; oy < oh; oy++, out += ow) {
        const int iy = oy * stride - pad + ky;
        if (iy < 0 || iy >= h) {
            memset(out, 0, sizeof(float) * (size_t)ow);
            continue;
        }
        const float *in = plane + (size_t)iy * w;
        if (stride == 1) {
            // Contiguous copy between the padded borders.
            const int shift = kx - pad;
            const int first = shift < 0 ? -shift : 0;
            const int last = (w - shift < ow) ? w - shift : ow;
            for (int ox = 0; ox < first; ox++) out[ox] = 0.0f;
            if (last > first) memcpy(out + first, in + first + shift, sizeof(float) * (size_t)(last - first));
            for (int ox = (last > first ? last : first); ox < ow; ox++) out[ox] = 0.0f;
        } else {
            for (int ox = 0; ox < ow; ox++) {
                const int ix = ox * stride - pad + kx;
                out[ox] = (ix >= 0 && ix < w) ? in[ix] : 0.0f;
            }
        }
    }
}

void nk_im2col_batch(const float *x, int c, size_t channel_stride, int n, int h, int w, int k, int stride, int pad,
                     int oh, int ow, float *col) {
    const size_t area = (size_t)oh * ow;
    const size_t row_length = (size_t)n * area;

    for (int ci = 0; ci < c; ci++) {
        for (int ky = 0; ky < k; ky++) {
            for (int kx = 0; kx < k; kx++) {
                float *row = col + ((size_t)(ci * k + ky) * k + kx) * row_length;
                for (int i = 0; i < n; i++) {
                    const float *plane = x + ci * channel_stride + (size_t)i * h * w;
                    im2col_tap(plane, h, w, ky, kx, stride, pad, oh, ow, row + i * area);
                }
            }
        }
    }
}

void nk_col2im_batch(const float *col, int c, size_t channel_stride, int n, int h, int w, int k, int stride, int pad,
                     int oh, int ow, float *x) {
    const size_t area = (size_t)oh * ow;
    const size_t row_length = (size_t)n * area;

    for (int ci = 0; ci < c; ci++) {
        for (int i = 0; i < n; i++) {
            float *plane = x + ci * channel_stride + (size_t)i * h * w;
            memset(plane, 0, sizeof(float) * (size_t)h * w);
            for (int ky = 0; ky < k; ky++) {
                for (int kx = 0; kx < k; kx++) {
                    const float *row = col + ((size_t)(ci * k + ky) * k + kx) * row_length + i * area;
                    for (int oy = 0; oy < oh; oy++) {
                        const int iy = oy * stride - pad + ky;
                        if (iy < 0 || iy >= h) continue;
                        const float *in = row + (size_t)oy * ow;
                        float *out = plane + (size_t)iy * w;
                        // Output columns whose input column lies inside the image: first <= ox < last.
                        const int shift = kx - pad;
                        if (w - 1 - shift < 0) continue;
                        const int first = shift < 0 ? (-shift + stride - 1) / stride : 0;
                        int last = (w - 1 - shift) / stride + 1;
                        if (last > ow) last = ow;
                        for (int ox = first; ox < last; ox++) out[ox * stride + shift] += in[ox];
                    }
                }
            }
        }
    }
}

void nk_transpose_outer(const float *x, int rows, int cols, size_t inner, float *y) {
    for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
            memcpy(y + ((size_t)j * rows + i) * inner, x + ((size_t)i * cols + j) * inner, sizeof(float) * inner);
        }
    }
}

void nk_add_channel_bias(float *y, const float *bias, int c, int hw) {
    for (int ci = 0; ci < c; ci++) {
        float *plane = y + (size_t)ci * hw;
        const float b = bias[ci];
        for (int j = 0; j < hw; j++) plane[j] += b;
    }
}

void nk_accumulate_channel_sums(const float *dy, int n, int c, int hw, float *dbias) {
    for (int ci = 0; ci < c; ci++) {
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            const float *plane = dy + ((size_t)i * c + ci) * hw;
            for (int j = 0; j < hw; j++) sum += plane[j];
        }
        dbias[ci] += (float)sum;
    }
}

void nk_batchnorm_train_forward(const float *x, int n, int c, int hw, const float *gamma, const float *beta,
                                float eps, float *xhat, float *y, float *mean, float *var, float *inv_std) {
    const double m = (double)n * hw;

    for (int ci = 0; ci < c; ci++) {
        // Two passes in double: the mean first, then the centred sum of squares.
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            const float *plane = x + ((size_t)i * c + ci) * hw;
            for (int j = 0; j < hw; j++) sum += plane[j];
        }
        const double mu = sum / m;
        double squares = 0.0;
        for (int i = 0; i < n; i++) {
            const float *plane = x + ((size_t)i * c + ci) * hw;
            for (int j = 0; j < hw; j++) {
                const double d = plane[j] - mu;
                squares += d * d;
            }
        }
        const double variance = squares / m;
        const float istd = (float)(1.0 / sqrt(variance + eps));
        const float shift = (float)mu;
        mean[ci] = shift;
        var[ci] = (float)variance;
        inv_std[ci] = istd;

        const float g = gamma[ci], b = beta[ci];
        for (int i = 0; i < n; i++) {
            const size_t base = ((size_t)i * c + ci) * hw;
            for (int j = 0; j < hw; j++) {
                const float h = (x[base + j] - shift) * istd;
                xhat[base + j] = h;
                y[base + j] = g * h + b;
            }
        }
    }
}

void nk_batchnorm_eval_forward(const float *x, int n, int c, int hw, const float *gamma, const float *beta,
                               const float *running_mean, const float *running_var, float eps, float *y) {
    for (int ci = 0; ci < c; ci++) {
        const float scale = gamma[ci] / sqrtf(running_var[ci] + eps);
        const float shift = beta[ci] - running_mean[ci] * scale;
        for (int i = 0; i < n; i++) {
            const size_t base = ((size_t)i * c + ci) * hw;
            for (int j = 0; j < hw; j++) y[base + j] = x[base + j] * scale + shift;
        }
    }
}

void nk_batchnorm_train_backward(const float *dy, const float *xhat, int n, int c, int hw, const float *gamma,
                                 const float *inv_std, float *dx, float *dgamma, float *dbeta) {
    const double m = (double)n * hw;

    for (int ci = 0; ci < c; ci++) {
        double sum_dy = 0.0, sum_dy_xhat = 0.0;
        for (int i = 0; i < n; i++) {
            const size_t base = ((size_t)i * c + ci) * hw;
            for (int j = 0; j < hw; j++) {
                sum_dy += dy[base + j];
                sum_dy_xhat += (double)dy[base + j] * xhat[base + j];
            }
        }
        if (dgamma) dgamma[ci] += (float)sum_dy_xhat;
        if (dbeta) dbeta[ci] += (float)sum_dy;
        if (!dx) continue;

        const float scale = gamma[ci] * inv_std[ci];
        const float mean_dy = (float)(sum_dy / m);
        const float mean_dy_xhat = (float)(sum_dy_xhat / m);
        for (int i = 0; i < n; i++) {
            const size_t base = ((size_t)i * c + ci) * hw;
            for (int j = 0; j < hw; j++) {
                dx[base + j] = scale * (dy[base + j] - mean_dy - xhat[base + j] * mean_dy_xhat);
            }
        }
    }
}

void nk_batchnorm_eval_backward(const float *dy, int n, int c, int hw, const float *gamma,
                                const float *running_var, float eps, float *dx) {
    for (int ci = 0; ci < c; ci++) {
        const float scale = gamma[ci] / sqrtf(running_var[ci] + eps);
        for (int i = 0; i < n; i++) {
            const size_t base = ((size_t)i * c + ci) * hw;
            for (int j = 0; j < hw; j++) dx[base + j] = dy[base + j] * scale;
        }
    }
}

void nk_relu_forward(float *x, size_t count) {
    for (size_t i = 0; i < count; i++) x[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void nk_relu_backward(const float *y, float *dy, size_t count) {
    for (size_t i = 0; i < count; i++) dy[i] = y[i] > 0.0f ? dy[i] : 0.0f;
}

void nk_add_relu(float *y, const float *shortcut, size_t count) {
    for (size_t i = 0; i < count; i++) {
        const float s = y[i] + shortcut[i];
        y[i] = s > 0.0f ? s : 0.0f;
    }
}

void nk_maxpool2_forward(const float *x, int planes, int h, int w, float *y, int32_t *argmax) {
    const int oh = h / 2, ow = w / 2;

    for (int p = 0; p < planes; p++) {
        const float *in = x + (size_t)p * h * w;
        float *out = y + (size_t)p * oh * ow;
        int32_t *arg = argmax + (size_t)p * oh * ow;
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                int best = (2 * oy) * w + 2 * ox;
                const int candidates[3] = {best + 1, best + w, best + w + 1};
                float value = in[best];
                for (int q = 0; q < 3; q++) {
                    const float v = in[candidates[q]];
                    if (v > value || isnan(v)) {
                        value = v;
                        best = candidates[q];
                    }
                }
                out[oy * ow + ox] = value;
                arg[oy * ow + ox] = best;
            }
        }
    }
}

void nk_maxpool2_backward(const float *dy, const int32_t *argmax, int planes, int h, int w, float *dx) {
    const int area = (h / 2) * (w / 2);

    memset(dx, 0, sizeof(float) * (size_t)planes * h * w);
    for (int p = 0; p < planes; p++) {
        float *out = dx + (size_t)p * h * w;
        for (int i = 0; i < area; i++) out[argmax[(size_t)p * area + i]] += dy[(size_t)p * area + i];
    }
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
