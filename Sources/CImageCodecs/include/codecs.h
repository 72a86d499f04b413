// Plain C API over libjpeg-turbo and libpng for the ImageIO module.
//
// Both libraries report fatal errors by longjmp out of the failing call, which Swift cannot
// catch, so every call into them happens in codecs_jpeg.c and codecs_png.c behind a setjmp.
// Every function reads from a memory buffer, prints nothing, and returns an ia_status code
// with the library's message text copied into the caller's ia_message.
#ifndef IA_CODECS_H
#define IA_CODECS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Outcome of a codec call. Anything but IA_OK leaves the output buffer unspecified.
typedef enum ia_status {
    IA_OK = 0,
    /// The data ends before the image is complete.
    IA_TRUNCATED = 1,
    /// The data is not a valid image of its format (bad marker, CRC, compressed stream, ...).
    IA_CORRUPT = 2,
    /// A valid image that this decoder does not read (for example 12-bit JPEG).
    IA_UNSUPPORTED = 3,
    /// The caller's buffer is smaller than the decoded image, or memory ran out.
    IA_NO_MEMORY = 4
} ia_status;

/// Capacity of ia_message.text in bytes, including the terminating NUL.
#define IA_MESSAGE_CAPACITY 256

/// Message text from the library: the error on failure, else the first warning (or empty).
typedef struct ia_message {
    char text[IA_MESSAGE_CAPACITY];
    /// Number of warnings the library emitted; they are collected here, never printed.
    int warning_count;
} ia_message;

/// Facts from an image header, read before any pixel buffer is allocated.
typedef struct ia_header {
    int width;
    int height;
    /// Channels stored in the file: JPEG components (1, 3 or 4); PNG 1 grey, 2 grey+alpha,
    /// 3 RGB or palette, 4 RGBA.
    int components;
    /// Bits per sample as declared: JPEG data precision; PNG IHDR bit depth (for a palette
    /// image this is the index depth, and the palette samples themselves are 8-bit).
    int bit_depth;
    /// PNG IHDR colour type (0, 2, 3, 4, 6); -1 for JPEG.
    int png_color_type;
    /// Largest significant-bit count over the colour channels of a PNG sBIT chunk; 0 when absent.
    int significant_bits;
    /// 1 for an Adam7-interlaced PNG or a progressive JPEG, else 0.
    int interlaced;
    /// libjpeg J_COLOR_SPACE of the JPEG data (1 grey, 2 RGB, 3 YCbCr, 4 CMYK, 5 YCCK); -1 for PNG.
    int jpeg_color_space;
} ia_header;

/// Reads the JPEG header (up to the first scan) into *header.
ia_status ia_jpeg_read_header(const uint8_t *data, size_t size, ia_header *header, ia_message *message);

/// Returns the decoded width and height for scale 1/scale_denominator (libjpeg rounds up).
void ia_jpeg_scaled_size(int width, int height, int scale_denominator, int *scaled_width, int *scaled_height);

/// Decodes a baseline or progressive 8-bit JPEG into interleaved 8-bit samples.
///
/// scale_denominator is 1, 2, 4 or 8: libjpeg-turbo decodes at scale 1/d through a reduced
/// IDCT, giving ceil(width/d) x ceil(height/d) pixels. With want_grey != 0, grey and YCbCr
/// data are decoded to one channel (the Y component, so no colour conversion runs) and RGB
/// data through libjpeg's RGB-to-grey conversion. Otherwise grey data gives 1 channel and
/// YCbCr/RGB give 3. CMYK and YCCK (Adobe) data always give 3 channels converted naively
/// as R = C*K/255 on Adobe's inverted samples (no colour profile). *channels receives the
/// channel count, and *width / *height the decoded size. A JWRN_JPEG_EOF warning (the data ended
/// and libjpeg padded the rest) returns IA_TRUNCATED; a warning that entropy-coded data is
/// corrupt (JWRN_HIT_MARKER, JWRN_MUST_RESYNC) returns IA_CORRUPT.
ia_status ia_jpeg_decode(const uint8_t *data, size_t size, int scale_denominator, int want_grey,
                         uint8_t *pixels, size_t capacity, int *width, int *height, int *channels,
                         ia_message *message);

/// Reads the PNG signature, IHDR and the chunks up to the first IDAT (including sBIT) into *header.
ia_status ia_png_read_header(const uint8_t *data, size_t size, ia_header *header, ia_message *message);

/// Decodes any PNG into interleaved samples of 1 (grey) or 3 (RGB) channels.
///
/// Alpha channels and tRNS are dropped, palette images are expanded to RGB, grey images of
/// 1, 2 or 4 bits are unpacked to one byte per sample without scaling (values 0..2^depth-1),
/// and interlaced images are de-interlaced. 16-bit images are returned as native-endian
/// uint16 in *pixels (so *bytes_per_sample is 2); others as uint8. When the file has sBIT and
/// apply_significant_bits != 0, every channel is shifted right by (sample depth - the
/// header's significant_bits), so values lie in 0..2^significant_bits-1.
/// No gamma or colour-profile correction is applied.
ia_status ia_png_decode(const uint8_t *data, size_t size, int apply_significant_bits,
                        void *pixels, size_t capacity, int *width, int *height, int *channels,
                        int *bytes_per_sample, ia_message *message);

/// Encodes width x height 8-bit grey samples (row-major, no padding) as a non-interlaced PNG.
///
/// On IA_OK, *output points to a malloc'd buffer of *output_size bytes that the caller releases
/// with ia_buffer_free. Sizes outside 1...1,000,000 per side return IA_UNSUPPORTED; a failed
/// allocation returns IA_NO_MEMORY; any other libpng error returns IA_CORRUPT. Nothing is printed.
ia_status ia_png_encode_grey8(const uint8_t *pixels, int width, int height, uint8_t **output, size_t *output_size,
                              ia_message *message);

/// Releases a buffer returned by ia_png_encode_grey8.
void ia_buffer_free(uint8_t *buffer);

#ifdef __cplusplus
}
#endif

#endif
