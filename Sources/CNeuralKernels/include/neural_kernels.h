#ifndef IA_NEURAL_KERNELS_H
#define IA_NEURAL_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/* All tensors are contiguous float32. The network keeps activations channel-major, [C, N, H, W], so each
 * channel's N * H * W values are contiguous (m below). "plane" means one H x W map of one channel of one
 * image.
 *
 * Kernels that take `threads` split their outer loop into at most that many fixed contiguous parts and run
 * them on POSIX threads (fewer for small inputs). Every output value is computed by one thread with the same
 * arithmetic, so results are bit-identical for any thread count. Sums are taken in double where noted. */

/* Unfolds n images of a channel-major batch for a k x k convolution with the given stride and zero padding.
 * Channel ci of image i is the h x w plane at x + ci * channel_stride + i * h * w. The columns are
 * col [c * k * k, n * oh * ow] with col[(ci * k + ky) * k + kx][(i * oh + oy) * ow + ox] = that plane's value
 * at (oy * stride - pad + ky, ox * stride - pad + kx), or 0 where the position falls into the padding. */
void nk_im2col_batch(const float *x, int c, size_t channel_stride, int n, int h, int w, int k, int stride, int pad,
                     int oh, int ow, float *col, int threads);

/* Adjoint of nk_im2col_batch: overwrites the n * c planes of x (same addressing) with the sum of the
 * column entries read from each position, so the caller need not zero x. */
void nk_col2im_batch(const float *col, int c, size_t channel_stride, int n, int h, int w, int k, int stride, int pad,
                     int oh, int ow, float *x, int threads);

/* Swaps the two outer axes: y [cols, rows, inner] from x [rows, cols, inner], so y[j][i][:] = x[i][j][:]. */
void nk_transpose_outer(const float *x, int rows, int cols, size_t inner, float *y);

/* Adds bias[ci] to the m values of channel ci of y [c, m]. */
void nk_add_channel_bias(float *y, const float *bias, int c, size_t m, int threads);

/* Adds the sum (in double, over 8 interleaved lanes) of the m values of channel ci of dy [c, m] to dbias[ci]. */
void nk_accumulate_channel_sums(const float *dy, int c, size_t m, float *dbias, int threads);

/* BatchNorm2d forward in training mode over x [c, m]. Per channel, the mean and the biased variance
 * (divisor m) are computed in double; xhat = (x - mean) / sqrt(var + eps) and y = gamma * xhat + beta,
 * then y = max(y, 0) when relu is nonzero. Writes mean[c], biased variance var[c] and
 * inv_std[c] = 1 / sqrt(var + eps). */
void nk_batchnorm_train_forward(const float *x, int c, size_t m, const float *gamma, const float *beta, float eps,
                                int relu, float *xhat, float *y, float *mean, float *var, float *inv_std, int threads);

/* BatchNorm2d forward in evaluation mode: y = gamma * (x - running_mean) / sqrt(running_var + eps) + beta,
 * then y = max(y, 0) when relu is nonzero. */
void nk_batchnorm_eval_forward(const float *x, int c, size_t m, const float *gamma, const float *beta,
                               const float *running_mean, const float *running_var, float eps, int relu, float *y,
                               int threads);

/* BatchNorm2d backward in training mode. With g = dy, or g = (relu_output > 0 ? dy : 0) when relu_output (the
 * forward's y with its ReLU) is not NULL: dgamma += sum(g * xhat), dbeta += sum(g) and, when dx is not NULL,
 * dx = gamma * inv_std / m * (m * g - sum(g) - xhat * sum(g * xhat)). dgamma and dbeta may be NULL. */
void nk_batchnorm_train_backward(const float *dy, const float *relu_output, const float *xhat, int c, size_t m,
                                 const float *gamma, const float *inv_std, float *dx, float *dgamma, float *dbeta,
                                 int threads);

/* BatchNorm2d backward in evaluation mode: dx = g * gamma / sqrt(running_var + eps), with g as above. */
void nk_batchnorm_eval_backward(const float *dy, const float *relu_output, int c, size_t m, const float *gamma,
                                const float *running_var, float eps, float *dx, int threads);

/* In-place ReLU: x = max(x, 0). */
void nk_relu_forward(float *x, size_t count, int threads);

/* ReLU backward given the ReLU output y: dx = (y > 0 ? dy : 0). dx may be dy. */
void nk_relu_backward(const float *y, const float *dy, float *dx, size_t count, int threads);

/* y = max(a + b, 0): the residual sum and ReLU that end a BasicBlock. y may be a. */
void nk_add_relu(const float *a, const float *b, float *y, size_t count, int threads);

/* y = a + b. y may be a. */
void nk_add(const float *a, const float *b, float *y, size_t count, int threads);

/* 2 x 2 max pooling with stride 2 over planes planes of h x w (h and w even), then y = max(y, 0) when relu is
 * nonzero (pooling a ReLU output gives the same values). Ties keep the first maximum in row-major scan order
 * and NaN wins, as in PyTorch; argmax[i] is the index inside the input plane. */
void nk_maxpool2_forward(const float *x, int planes, int h, int w, int relu, float *y, int32_t *argmax, int threads);

/* Adjoint of nk_maxpool2_forward: writes all of dx [planes, h, w] with dy routed to each argmax. When
 * relu_output (the pooled output) is not NULL, dy is taken as 0 where that output is not positive. */
void nk_maxpool2_backward(const float *dy, const float *relu_output, const int32_t *argmax, int planes, int h, int w,
                          float *dx, int threads);

/* Global average pooling: y[i] = mean of plane i of x [planes, hw], summed in double. */
void nk_global_average_forward(const float *x, int planes, int hw, float *y);

/* Adjoint of global average pooling: dx[i][j] = dy[i] / hw. */
void nk_global_average_backward(const float *dy, int planes, int hw, float *dx);

#endif
