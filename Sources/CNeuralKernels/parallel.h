// Parallel loops for the kernels of this target (not part of its public header).
#ifndef IA_NEURAL_PARALLEL_H
#define IA_NEURAL_PARALLEL_H

#include <stddef.h>

/* Runs body(context, begin, end) over [0, count) in contiguous chunks on the calling thread and on up to
 * threads - 1 pool threads, and returns when every chunk has run. The chunk boundaries depend only on
 * count, cost_per_item and threads; which thread runs a chunk does not change its result, so a body that
 * writes only the outputs of its own indices gives the same bits for any thread count and schedule.
 *
 * The pool threads start on first use and then sleep on a condition variable between calls. The caller
 * never waits for a pool thread that has not yet taken a chunk, so a busy machine costs at most the
 * serial time plus the chunks already taken. Work below about 2^16 items * cost runs serially, and so does
 * a call made while another thread's call is running. */
void nk_parallel_for(size_t count, size_t cost_per_item, int threads,
                     void (*body)(void *context, size_t begin, size_t end), void *context);

#endif
