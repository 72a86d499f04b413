#include "parallel.h"

#include <pthread.h>
#include <stdatomic.h>

enum { max_threads = 16, min_work_per_chunk = 1 << 15, chunks_per_thread = 4 };

struct job {
    void (*body)(void *context, size_t begin, size_t end);
    void *context;
    size_t count, chunk_size, chunk_count;
    atomic_size_t next_chunk;
    int helpers_allowed;
};

static pthread_mutex_t submit_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t job_posted = PTHREAD_COND_INITIALIZER;
static pthread_cond_t helper_left = PTHREAD_COND_INITIALIZER;
static struct job *current_job;
static unsigned long job_generation;
static int active_helpers;
static int started_helpers;

static void run_chunks(struct job *job) {
    for (;;) {
        const size_t chunk = atomic_fetch_add_explicit(&job->next_chunk, 1, memory_order_relaxed);
        if (chunk >= job->chunk_count) return;
        const size_t begin = chunk * job->chunk_size;
        const size_t end = begin + job->chunk_size < job->count ? begin + job->chunk_size : job->count;
        job->body(job->context, begin, end);
    }
}

static void *helper_main(void *argument) {
    const int index = (int)(size_t)argument;
    unsigned long seen = 0;

    pthread_mutex_lock(&pool_lock);
    for (;;) {
        while (job_generation == seen) pthread_cond_wait(&job_posted, &pool_lock);
        seen = job_generation;
        struct job *job = current_job;
        // A job that has already finished, or that wants fewer helpers, is skipped.
        if (!job || index >= job->helpers_allowed) continue;
        active_helpers++;
        pthread_mutex_unlock(&pool_lock);

        run_chunks(job);

        pthread_mutex_lock(&pool_lock);
        if (--active_helpers == 0) pthread_cond_signal(&helper_left);
    }
    return NULL;
}

/* Starts helpers until `requested` exist and returns how many exist. Called with pool_lock locked. */
static int start_helpers(int requested) {
    while (started_helpers < requested) {
        pthread_t handle;
        if (pthread_create(&handle, NULL, helper_main, (void *)(size_t)started_helpers) != 0) break;
        pthread_detach(handle);
        started_helpers++;
    }
    return started_helpers;
}

void nk_parallel_for(size_t count, size_t cost_per_item, int threads,
                     void (*body)(void *context, size_t begin, size_t end), void *context) {
    if (count == 0) return;
    const size_t work = count * (cost_per_item ? cost_per_item : 1);
    size_t parts = threads < 1 ? 1 : (size_t)(threads > max_threads ? max_threads : threads);
    while (parts > 1 && work / parts < 2 * (size_t)min_work_per_chunk) parts--;
    if (parts <= 1 || pthread_mutex_trylock(&submit_lock) != 0) {
        body(context, 0, count);
        return;
    }

    // Chunk boundaries depend only on count, the work estimate and parts.
    size_t chunk_count = parts * chunks_per_thread;
    if (chunk_count > work / min_work_per_chunk) chunk_count = work / min_work_per_chunk;
    if (chunk_count > count) chunk_count = count;
    if (chunk_count < parts) chunk_count = parts;
    struct job job = {body, context, count, 0, 0, 0, 0};
    job.chunk_size = (count + chunk_count - 1) / chunk_count;
    job.chunk_count = (count + job.chunk_size - 1) / job.chunk_size;
    atomic_init(&job.next_chunk, 0);

    pthread_mutex_lock(&pool_lock);
    job.helpers_allowed = start_helpers((int)parts - 1);
    if (job.helpers_allowed > (int)parts - 1) job.helpers_allowed = (int)parts - 1;
    current_job = &job;
    job_generation++;
    pthread_cond_broadcast(&job_posted);
    pthread_mutex_unlock(&pool_lock);

    run_chunks(&job);

    // Withdraw the job so late helpers skip it, then wait only for helpers that took part.
    pthread_mutex_lock(&pool_lock);
    current_job = NULL;
    while (active_helpers > 0) pthread_cond_wait(&helper_left, &pool_lock);
    pthread_mutex_unlock(&pool_lock);
    pthread_mutex_unlock(&submit_lock);
}
