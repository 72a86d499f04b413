// Bridges zlib.h from the Debian development package into Swift.
#include <zlib.h>

// inflateInit2 is a macro that passes ZLIB_VERSION and sizeof(z_stream), which Swift cannot
// call, so this wrapper does it. windowBits: 15 + 32 detects gzip or zlib headers, -15 is raw
// deflate (ZIP method 8).
static inline int ia_inflate_init2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}
