#ifndef IA_NEURAL_KERNELS_H
#define IA_NEURAL_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/* All tensors are contiguous float32. The network keeps activations channel-major, [C, N, H, W], so the
 * kernels that take (n, c, hw) in NCHW order are called with n = 1 and hw = N * H * W. "plane" means one
 * H x W map of one channel of one image. */

/* Unfolds n images of a channel-major batch for a k x k convolution with the given stride and zero padding.
 * Channel ci of image i is the h x w plane at x + ci * channel_stride + i * h * w. The columns are
 * col [c * k * k, n * oh * ow] with col[(ci * k + ky) * k + kx][(i * oh + oy) * ow + ox] = that plane's value
 * at (oy * stride - pad + ky, ox * stride - pad + kx), or 0 where the position falls into the padding. */
void nk_im2col_batch(const float *x, int c, size_t channel_stride, int n, int h, int w, int k, int stride, int pad,
                     int oh, int ow, float *col);

/* Adjoint of nk_im2col_batch: overwrites the n * c planes of x (same addressing) with the sum of the
 * column entries read from each position, so the caller need not zero x. */
void nk_col2im_batch(const float *col, int c, size_t channel_stride, int n, int h, int w, int k, int stride, int pad,
                     int oh, int ow, float *x);

/* Swaps the two outer axes: y [cols, rows, inner] from x [rows, cols, inner], so y[j][i][:] = x[i][j][:]. */
void nk_transpose_outer(const float *x, int rows, int cols, size_t inner, float *y);

/* Adds bias[ci] to every value of plane ci of y [c, hw]. */
void nk_add_channel_bias(float *y, const float *bias, int c, int hw);

/* Adds the sum of every plane of dy [n, c, hw] to dbias[ci]. */
void nk_accumulate_channel_sums(const float *dy, int n, int c, int hw, float *dbias);

/* BatchNorm2d forward in training mode over x [n, c, hw]. Per channel, the mean and the biased variance
 * (divisor n * hw) are computed in double; xhat = (x - mean) / sqrt(var + eps) and y = gamma * xhat + beta.
 * Writes mean[c], biased variance var[c] and inv_std[c] = 1 / sqrt(var + eps). */
void nk_batchnorm_train_forward(const float *x, int n, int c, int hw, const float *gamma, const float *beta,
                                float eps, float *xhat, float *y, float *mean, float *var, float *inv_std);

/* BatchNorm2d forward in evaluation mode: y = gamma * (x - running_mean) / sqrt(running_var + eps) + beta. */
void nk_batchnorm_eval_forward(const float *x, int n, int c, int hw, const float *gamma, const float *beta,
                               const float *running_mean, const float *running_var, float eps, float *y);

/* BatchNorm2d backward in training mode, with m = n * hw values per channel:
 * dgamma += sum(dy * xhat), dbeta += sum(dy) and, when dx is not NULL,
 * dx = gamma * inv_std / m * (m * dy - sum(dy) - xhat * sum(dy * xhat)).
 * dgamma and dbeta may be NULL to skip the parameter gradients. */
void nk_batchnorm_train_backward(const float *dy, const float *xhat, int n, int c, int hw, const float *gamma,
                                 const float *inv_std, float *dx, float *dgamma, float *dbeta);

/* BatchNorm2d backward in evaluation mode: dx = dy * gamma / sqrt(running_var + eps). */
void nk_batchnorm_eval_backward(const float *dy, int n, int c, int hw, const float *gamma,
                                const float *running_var, float eps, float *dx);

/* In-place ReLU: x = max(x, 0). */
void nk_relu_forward(float *x, size_t count);

/* ReLU backward given the ReLU output y: dy = 0 where y <= 0, in place. */
void nk_relu_backward(const float *y, float *dy, size_t count);

/* y = max(y + shortcut, 0), in place: the residual sum and ReLU that end a BasicBlock. */
void nk_add_relu(float *y, const float *shortcut, size_t count);

/* 2 x 2 max pooling with stride 2 over planes planes of h x w (h and w even). Ties keep the first maximum
 * in row-major scan order, as PyTorch does; argmax[i] is the index inside the input plane. */
void nk_maxpool2_forward(const float *x, int planes, int h, int w, float *y, int32_t *argmax);

/* Adjoint of nk_maxpool2_forward: writes dx [planes, h, w] (zeroed here) with dy routed to each argmax. */
void nk_maxpool2_backward(const float *dy, const int32_t *argmax, int planes, int h, int w, float *dx);

/* Global average pooling: y[i] = mean of plane i of x [planes, hw], summed in double. */
void nk_global_average_forward(const float *x, int planes, int hw, float *y);

/* Adjoint of global average pooling: dx[i][j] = dy[i] / hw. */
void nk_global_average_backward(const float *dy, int planes, int hw, float *dx);

#endif
